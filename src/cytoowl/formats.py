"""The one table of RDF file formats: names, file extensions, media types, parsers.

Validation (``--format``), the store loader, the downloads and the release writer all look
formats up here, so an extension or a name means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat


@dataclass(frozen=True)
class Syntax:
    """One RDF syntax with every name and extension it goes by."""

    format: RdfFormat
    media_type: str
    extensions: tuple[str, ...]
    names: tuple[str, ...]
    rdflib: str


SYNTAXES = (
    Syntax(RdfFormat.TURTLE, "text/turtle", (".ttl",), ("turtle", "ttl"), "turtle"),
    Syntax(
        RdfFormat.RDF_XML,
        "application/rdf+xml",
        (".owl", ".rdf", ".xml"),
        ("xml", "rdfxml", "rdf/xml", "owl"),
        "xml",
    ),
    Syntax(
        RdfFormat.JSON_LD, "application/ld+json", (".jsonld",), ("json-ld", "jsonld"), "json-ld"
    ),
    Syntax(
        RdfFormat.N_TRIPLES,
        "application/n-triples",
        (".nt",),
        ("nt", "ntriples", "n-triples"),
        "nt",
    ),
)
#: Extension of a format for users' data (``.json`` is read as JSON-LD there).
DATA_EXTENSIONS = {ext: s.format for s in SYNTAXES for ext in s.extensions} | {
    ".json": RdfFormat.JSON_LD
}
#: ``--format`` names.
NAMES = {name: s.format for s in SYNTAXES for name in s.names}
#: Media types of the downloadable files (release, shapes, mappings, exports).
DOWNLOAD_TYPES = {
    ".owl": "application/rdf+xml",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".obo": "text/obo",
    ".tsv": "text/tab-separated-values",
    ".html": "text/html",
    ".md": "text/markdown",
}


def by_name(name: str) -> RdfFormat | None:
    """The format called ``name`` (case-insensitive), or None."""
    return NAMES.get(name.lower())


def by_extension(path: Path) -> RdfFormat | None:
    """The format of a data file by its extension, or None."""
    return DATA_EXTENSIONS.get(path.suffix.lower())


def media_type(path: Path) -> str:
    """The media type a download is served with."""
    return DOWNLOAD_TYPES.get(path.suffix.lower(), "application/octet-stream")


def rdflib_format(path: Path) -> str | None:
    """rdflib's parser name for a file's extension, or None."""
    suffix = path.suffix.lower()
    return next((s.rdflib for s in SYNTAXES if suffix in s.extensions), None)
