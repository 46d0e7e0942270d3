"""``cytoowl diff OLD NEW``: what changed between two releases, as text or Markdown."""

from __future__ import annotations

import sys

import typer

from cytoowl.cli.common import console


def diff(
    old: str = typer.Argument(..., help="Older release: a file, or a local version (IRI)."),
    new: str = typer.Argument(..., help="Newer release: a file, or a local version (IRI)."),
    fmt: str = typer.Option("text", "--format", help="text or markdown."),
) -> None:
    """List added, removed, relabelled, re-typed and deprecated terms and changed mappings.

    Exit 1 when a term was removed (terms are deprecated, never deleted).
    """
    from cytoowl.release import diff as release_diff

    if fmt not in ("text", "markdown"):
        console.print(f"[red]error:[/red] --format {fmt!r}: use text or markdown")
        raise typer.Exit(2)
    try:
        result = release_diff.diff(release_diff.load_release(old), release_diff.load_release(new))
    except release_diff.DiffError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    render = release_diff.as_markdown if fmt == "markdown" else release_diff.as_text
    sys.stdout.write(render(result))
    raise typer.Exit(1 if result.removed else 0)
