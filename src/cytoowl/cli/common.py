"""What every command shares: the console for messages (stderr) and settings errors."""

from __future__ import annotations

import typer
from rich.console import Console

from cytoowl import vocab
from cytoowl.settings import Settings, SettingsError, load_settings

console = Console(stderr=True)


def settings_or_exit(**flags: object) -> Settings:
    """The settings, or exit 2 with one line per bad value."""
    try:
        return load_settings(**flags)  # type: ignore[arg-type]
    except SettingsError as exc:
        for line in str(exc).splitlines():
            console.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def graph_or_exit(graph: str | None) -> None:
    """Exit 2 in one line unless ``graph`` (if given) is an absolute IRI: it names a graph
    in SPARQL text, where anything else could end the IRI and add operations."""
    if graph is None:
        return
    try:
        vocab.sparql_iri(graph)
    except ValueError as exc:
        console.print(f"[red]error:[/red] --graph {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
