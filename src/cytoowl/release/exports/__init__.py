"""The interactome in the analysis tools' own formats (``cytoowl export``, issue 24).

One module per tool; every one lays out the same rows
(:func:`cytoowl.release.interactome.interaction_rows`) in the tool's columns, named in its
``FORMAT_SOURCE`` (repository, commit and file followed). Each export directory also gets
``metadata.json``: the release version and date, the licence (CC BY 4.0) and the selection
(species, minimum tier, kinds), since the tools' CSV readers take no comment header.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, Graph, URIRef

from cytoowl import paths, vocab
from cytoowl.release.exports import cellchat, cellphonedb, liana, network
from cytoowl.release.exports.table import (
    KINDS,
    SIGNALLING,
    ExportError,
    Table,
    distinct_pairs,
    kind_labels,
    select,
)
from cytoowl.release.interactome import (
    DEFAULT_MIN_TIER,
    Row,
    check_selection,
    interaction_rows,
)

__all__ = [
    "KINDS",
    "SIGNALLING",
    "TOOLS",
    "ExportError",
    "check_options",
    "export_tables",
    "write_export",
]

Exporter = Callable[[Sequence[Row], Sequence[Row], str], list[Table]]


@dataclass(frozen=True)
class Tool:
    """An export format: its tables and the source its columns were taken from."""

    tables: Exporter
    format_source: str


TOOLS: dict[str, Tool] = {
    "cellphonedb": Tool(cellphonedb.tables, cellphonedb.FORMAT_SOURCE),
    "liana": Tool(liana.tables, liana.FORMAT_SOURCE),
    "cellchat": Tool(cellchat.tables, cellchat.FORMAT_SOURCE),
    "nichenet": Tool(network.nichenet, network.FORMAT_SOURCE["nichenet"]),
    "omnipath": Tool(network.omnipath, network.FORMAT_SOURCE["omnipath"]),
    "genes": Tool(network.genes, network.FORMAT_SOURCE["genes"]),
}
METADATA = "metadata.json"
LICENCE = "CC BY 4.0"


def load_release(path: Path | None = None) -> Graph:
    """The release graph (``ontology/cytoowl.ttl`` of the checkout or the installed package)."""
    return Graph().parse(path or paths.LAYOUT.release.ttl, format="turtle")


def release_version(graph: Graph) -> str:
    """The release's ``owl:versionInfo`` (a date, ``YYYY-MM-DD``)."""
    value = graph.value(URIRef(vocab.ONTOLOGY_IRI), OWL.versionInfo)
    if value is None:
        raise ExportError("the release graph has no owl:versionInfo")
    return str(value)


def check_options(
    tool: str, species: str, min_tier: str, kinds: Iterable[str] | None = SIGNALLING
) -> None:
    """Raise :class:`ExportError` naming the first unknown tool, species, tier or kind."""
    if tool not in TOOLS:
        raise ExportError(f"unknown tool '{tool}' (one of: {', '.join(TOOLS)})")
    try:
        check_selection(min_tier, species)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    kind_labels(kinds)


def export_tables(
    graph: Graph,
    tool: str,
    species: str = "human",
    min_tier: str = DEFAULT_MIN_TIER,
    kinds: Iterable[str] | None = SIGNALLING,
) -> list[Table]:
    """The files of ``tool``'s export: interactions of ``kinds`` (default: agonists) of
    ``species`` graded ``min_tier`` or better, one per gene-level pair; the other kinds of the
    tier fill cofactors."""
    kinds = None if kinds is None else list(kinds)
    check_options(tool, species, min_tier, kinds)
    context = interaction_rows(graph, min_tier, species)
    rows = distinct_pairs(select(context, kinds))
    return TOOLS[tool].tables(rows, context, release_version(graph))


def release_metadata(title: str, version: str) -> dict[str, object]:
    """Title, release version and date (the version is the release date), licence."""
    return {
        "title": title,
        "version": version,
        "version_iri": vocab.version_iri(version),
        "date": version,
        "license": LICENCE,
        "license_iri": vocab.LICENSE_IRI,
    }


def metadata(
    graph: Graph, tool: str, species: str, min_tier: str, kinds: Iterable[str] | None
) -> dict[str, object]:
    """What ``metadata.json`` says about an export."""
    return {
        **release_metadata(f"cytoowl interactome for {tool}", release_version(graph)),
        "species": species,
        "min_tier": min_tier,
        "kinds": kind_labels(kinds),
        "format": TOOLS[tool].format_source,
        "generated_by": "cytoowl export",
    }


def write_export(
    graph: Graph,
    tool: str,
    directory: Path,
    species: str = "human",
    min_tier: str = DEFAULT_MIN_TIER,
    kinds: Iterable[str] | None = SIGNALLING,
) -> list[Path]:
    """Write ``tool``'s files and ``metadata.json`` into ``directory``; return their paths."""
    kinds = None if kinds is None else list(kinds)
    tables = export_tables(graph, tool, species, min_tier, kinds)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        path = directory / table.name
        path.write_text(table.text(), encoding="utf-8")
        written.append(path)
    about = metadata(graph, tool, species, min_tier, kinds)
    about["files"] = [t.name for t in tables]
    meta = directory / METADATA
    meta.write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
    return [*written, meta]
