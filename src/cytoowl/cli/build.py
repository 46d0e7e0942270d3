"""``cytoowl build``: the release pipeline with progress on the terminal."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cytoowl import paths
from cytoowl.cli.common import console


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def build_command(console: Console = console, version: str | None = None) -> int:
    """CLI body of ``cytoowl build`` (``--release VERSION``: a new version first)."""
    # Imported when run (as in every command): `cytoowl serve` does not load the build.
    from cytoowl.build.qc import load_checks
    from cytoowl.cli.qc import report_table
    from cytoowl.release.pipeline import BuildError, build_release, release

    with _progress(console) as progress:
        task = progress.add_task("starting", total=None)

        def step(s: str) -> None:
            progress.update(task, description=s)

        try:
            report = release(version, step=step) if version else build_release(step=step)
        except BuildError as exc:
            progress.stop()
            console.print(
                f"[red]build failed; the previous release is untouched.[/red]\n{exc}",
                highlight=False,
                soft_wrap=True,
            )
            return 1
        progress.update(task, description="done")
    console.print(
        f"release written to {paths.LAYOUT.ontology_dir}: {report.classes} classes, "
        f"{report.individuals} individuals, {report.axioms} axioms, {report.triples} triples, "
        f"{report.inferred_types} inferred types; "
        + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
    )
    console.print(report_table(report.qc_findings, load_checks()))
    return 0


def check_command(console: Console = console) -> int:
    """CLI body of ``cytoowl build --check``: exit 1 when the committed release is stale."""
    from cytoowl.release.pipeline import BuildError, differing_files

    try:
        stale = differing_files()
    except BuildError as exc:
        console.print(f"[red]build failed:[/red] {exc}")
        return 1
    if stale:
        console.print(f"[red]release out of date: {', '.join(stale)}; run `cytoowl build`.")
        return 1
    console.print("release is up to date with ontology/src")
    return 0


def build(
    check: bool = typer.Option(False, "--check", help="Fail if the committed release differs."),
    if_missing: bool = typer.Option(False, "--if-missing", help="Build only if no release."),
    version: str = typer.Option(
        None,
        "--release",
        metavar="VERSION",
        help="Make a new release (YYYY-MM-DD, later than ontology/src/VERSION): stamp it, keep "
        "the replaced release in ontology/previous/ and write the notes against it.",
    ),
) -> None:
    """Build the release files in ontology/ from ontology/src (deterministic, atomic)."""
    if paths.checkout_root() is None:
        console.print("[red]error:[/red] cytoowl build needs a source checkout (ontology/src)")
        raise typer.Exit(2)
    if if_missing and paths.LAYOUT.release.owl.exists():
        console.print(f"release present: {paths.LAYOUT.release.owl}")
        return
    if version and (check or if_missing):
        console.print("[red]error:[/red] --release goes alone (not with --check, --if-missing)")
        raise typer.Exit(2)
    raise typer.Exit(check_command() if check else build_command(version=version))
