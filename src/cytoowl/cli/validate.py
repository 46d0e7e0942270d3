"""``cytoowl validate``: SHACL validation of the release or of users' data."""

from __future__ import annotations

from pathlib import Path

import typer

from cytoowl.cli.common import console


def validate(
    files: list[Path] = typer.Argument(None, help="Data files (default: the release)."),
    fmt: str = typer.Option(None, "--format", help="RDF format if not given by extension."),
    output: Path = typer.Option(None, "--output", help="Write the SHACL report (.ttl or .json)."),
) -> None:
    """Validate the release or users' data against the SHACL shapes in shapes/."""
    from cytoowl.validate import shacl

    raise typer.Exit(shacl.validate_command(files or [], fmt, output, console))
