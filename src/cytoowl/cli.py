"""The ``cytoowl`` command line: one thin command per pipeline step, dispatching to library code."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from cytoowl import config

app = typer.Typer(help="Build, check and serve the cytoowl ontology.", no_args_is_help=True)
console = Console(stderr=True)


@app.command()
def build(
    check: bool = typer.Option(False, "--check", help="Fail if the committed release differs."),
    if_missing: bool = typer.Option(False, "--if-missing", help="Build only if no release."),
) -> None:
    """Build the release files in ontology/ from ontology/src (deterministic, atomic)."""
    from cytoowl import release

    if if_missing and config.RELEASE.owl.exists():
        console.print(f"release present: {config.RELEASE.owl}")
        return
    code = release.check_command(console) if check else release.build_command(console)
    raise typer.Exit(code)


@app.command()
def qc(
    path: Path = typer.Argument(None, help="RDF file to check (default: the Turtle release)."),
) -> None:
    """Run the ROBOT-report-style QC queries of sparql/qc/; exit 1 on any ERROR."""
    from cytoowl import qc as qc_mod

    raise typer.Exit(qc_mod.qc_command(path or config.RELEASE.ttl, console))


@app.command()
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
    from cytoowl import validate as validate_mod

    if standalone and with_release:
        console.print("[red]--standalone and --with-release exclude each other[/red]")
        raise typer.Exit(2)
    mode = validate_mod.STANDALONE if standalone else validate_mod.DATA if with_release else None
    raise typer.Exit(validate_mod.validate_command(files or [], fmt, output, console, mode))


@app.command()
def serve(
    host: str = typer.Option(None, "--host", help="Interface to bind (default 127.0.0.1)."),
    port: int = typer.Option(None, "--port", help="Port (default 8000)."),
    store_url: str = typer.Option(None, "--store-url", help="Remote SPARQL endpoint to serve."),
) -> None:
    """Serve the release: SPARQL 1.1 endpoint, term pages and downloads (uvicorn)."""
    from cytoowl import server

    server.run(host=host, port=port, store_url=store_url)


if __name__ == "__main__":  # pragma: no cover
    app()
