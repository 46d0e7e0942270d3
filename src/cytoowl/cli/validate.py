"""``cytoowl validate``: SHACL validation of the release, of a copy of it, or of users' data."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from cytoowl.cli.common import console


def validate_command(
    files: list[Path],
    fmt: str | None = None,
    output: Path | None = None,
    mode: str | None = None,
    console: Console = console,
) -> int:
    """CLI body of ``cytoowl validate``: 0 conforming, 1 violations, 2 unusable input."""
    from cytoowl.validate import shacl  # imported when run: keeps ``cytoowl --help`` quick

    try:
        data = shacl.read_files(files, fmt) if files else None
        outcome = shacl.validate(data, mode)
    except shacl.InputError as exc:
        console.print(f"[red]unusable input:[/red] {escape(str(exc))}", soft_wrap=True)
        return 2
    console.print(
        f"validating {shacl.MODES[outcome.mode]} (mode: {outcome.mode})",
        highlight=False,
        soft_wrap=True,
    )
    console.print(escape(outcome.text()), highlight=False, soft_wrap=True, emoji=False)
    if output:
        outcome.write(output)
        console.print(f"SHACL report written to {escape(str(output))}", soft_wrap=True)
    return 0 if outcome.conforms else 1


def validate(
    files: list[Path] = typer.Argument(None, help="Data files (default: the release)."),
    fmt: str = typer.Option(None, "--format", help="RDF format if not given by extension."),
    output: Path = typer.Option(None, "--output", help="Write the SHACL report (.ttl or .json)."),
    standalone: bool = typer.Option(
        False, "--standalone", help="Validate the files as they stand, without the release."
    ),
    with_release: bool = typer.Option(
        False, "--with-release", help="Validate the files as data citing cytoowl terms."
    ),
) -> None:
    """Validate the release or your files against the SHACL shapes in shapes/.

    Which mode applies: no FILES, the release as it is; FILES that describe cytoowl terms (a
    subject is a CYTO_ term or the ontology IRI: a copy or edit of the ontology), standalone,
    as they stand; other FILES (data citing cytoowl terms, e.g. measurements with an analyte),
    with the release beside them, reporting only what the data adds. --standalone or
    --with-release forces a mode. Exit 0 conforms, 1 Violations, 2 unusable input.
    """
    from cytoowl.validate import shacl

    if standalone and with_release:
        console.print("[red]--standalone and --with-release exclude each other[/red]")
        raise typer.Exit(2)
    mode = shacl.STANDALONE if standalone else shacl.DATA if with_release else None
    raise typer.Exit(validate_command(files or [], fmt, output, mode))
