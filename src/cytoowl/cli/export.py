"""``cytoowl export TOOL``: the interactome in an analysis tool's own input format."""

from __future__ import annotations

from pathlib import Path

import typer

from cytoowl.cli.common import console


def export(
    tool: str = typer.Argument(
        ..., help="cellphonedb, liana, cellchat, nichenet, omnipath, genes, or all."
    ),
    out: Path = typer.Option(
        None, "--out", "-o", help="Directory (default: cytoowl-TOOL-SPECIES)."
    ),
    species: str = typer.Option("human", "--species", help="human or mouse."),
    min_tier: str = typer.Option(
        "several resources",
        "--min-tier",
        help="experimental, curated, 'several resources' or unconfirmed.",
    ),
    kinds: str = typer.Option(
        "agonist",
        "--kinds",
        help="Comma-separated kinds (agonist, antagonist, co-receptor, decoy, no-signalling, "
        "latent-activation, binding) or 'all'.",
    ),
    release: Path = typer.Option(
        None, "--release", help="Release Turtle (default: ontology/cytoowl.ttl)."
    ),
) -> None:
    """Write the files TOOL reads (and metadata.json: version, date, licence, selection)."""
    from cytoowl.release import exports

    chosen = None if kinds == "all" else [k.strip() for k in kinds.split(",") if k.strip()]
    tools = list(exports.TOOLS) if tool == "all" else [tool]
    try:
        for name in tools:
            exports.check_options(name, species, min_tier, chosen)
    except exports.ExportError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    graph = exports.load_release(release)
    for name in tools:
        directory = out or Path(f"cytoowl-{tool}-{species}")
        if tool == "all":
            directory = directory / name
        written = exports.write_export(graph, name, directory, species, min_tier, chosen)
        console.print(f"{name}: {', '.join(str(p) for p in written)}", highlight=False)
