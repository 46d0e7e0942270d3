"""What every command shares: the console for messages (stderr) and settings errors."""

from __future__ import annotations

import typer
from rich.console import Console

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
