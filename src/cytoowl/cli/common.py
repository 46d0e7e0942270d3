"""What every command shares: the console for messages (stderr) and settings errors."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from typer.models import OptionInfo

from cytoowl import vocab
from cytoowl.settings import Settings, SettingsError, flag_help, load_settings
from cytoowl.settings import flag as setting_flag

console = Console(stderr=True)


def setting_option(field: str, *other_flags: str, flag: str | None = None) -> OptionInfo:
    """The option of one setting: its flag (``flag``, else the setting's first name), help
    and default shown from the declaration in :mod:`cytoowl.settings` (the value is left to
    the settings: None, not given)."""
    # Escaped: rich would take "[auto]" for a style and drop it.
    help_text = escape(flag_help(field))
    return typer.Option(None, flag or setting_flag(field), *other_flags, help=help_text)


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
