"""Media types of the SPARQL 1.1 Protocol and content negotiation (Accept with q-values).

The one table of the server's media types: each built from pyoxigraph's format objects
(:func:`media_type`), plus the other names clients send; every module of the server that
names a result or RDF media type takes it from here.

Written by hand because the negotiation spans two kinds of result at once (solutions and
graphs), which no Accept parser on PyPI models; pyoxigraph does every serialisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import QueryResultsFormat, RdfFormat


def media_type(format: QueryResultsFormat | RdfFormat) -> str:
    """The media type of a pyoxigraph format, without parameters (``text/csv``)."""
    return format.media_type.split(";")[0]


# Media types in server preference order (the first is the default for */*): each format
# under its own media type, then the other names clients send for it.
RESULT_TYPES: dict[str, QueryResultsFormat] = {
    **{
        media_type(f): f
        for f in (
            QueryResultsFormat.JSON,
            QueryResultsFormat.XML,
            QueryResultsFormat.CSV,
            QueryResultsFormat.TSV,
        )
    },
    "application/json": QueryResultsFormat.JSON,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
}
GRAPH_TYPES: dict[str, RdfFormat] = {
    **{
        media_type(f): f
        for f in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.JSON_LD, RdfFormat.RDF_XML)
    },
    "application/x-turtle": RdfFormat.TURTLE,
    "text/plain": RdfFormat.N_TRIPLES,
}
# ``?format=`` short names (for links and browsers, which cannot set Accept).
FORMAT_NAMES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "owl": "application/rdf+xml",
    "html": "text/html",
}
HTML = "text/html"
#: The RDF media types offered for pages and descriptions (term pages, the Service
#: Description), in preference order after HTML.
RDF_OFFERS = [
    media_type(f)
    for f in (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.RDF_XML, RdfFormat.N_TRIPLES)
]
# CSV and TSV define no boolean result, so ASK is offered the others only.
BOOLEAN_TYPES = [
    t for t, f in RESULT_TYPES.items() if f not in (QueryResultsFormat.CSV, QueryResultsFormat.TSV)
]

_PARAM_RE = re.compile(r";\s*q\s*=\s*([0-9.]+)", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class _Range:
    q: float
    specificity: int
    order: int
    media_range: str


#: Ranges of an Accept header read at most (browsers send under 10); the rest is ignored,
#: so negotiation costs a bounded time on the event loop.
MAX_ACCEPT_RANGES = 64


def parse_accept(header: str | None) -> list[_Range]:
    """Media ranges of an Accept header with q-values; a missing header means ``*/*``.
    Only the first ``MAX_ACCEPT_RANGES`` ranges count."""
    ranges = []
    parts = (header or "*/*").split(",", MAX_ACCEPT_RANGES)[:MAX_ACCEPT_RANGES]
    for index, part in enumerate(parts):
        media, _, params = part.strip().partition(";")
        media = media.strip().lower()
        if not media:
            continue
        found = _PARAM_RE.search(";" + params)
        try:
            q = float(found.group(1)) if found else 1.0
        except ValueError:
            q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append(_Range(q, specificity, -index, media))
    return ranges


def _matches(media_range: str, media_type: str) -> bool:
    if media_range in ("*/*", media_type):
        return True
    return media_range.endswith("/*") and media_type.startswith(media_range[:-1])


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers, or None if none is acceptable.

    The most specific matching range sets a type's q; ties go to the client's order of
    explicit types, then to the server's order of ``offered``.
    """
    ranges = parse_accept(accept)
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for server_rank, media_type in enumerate(offered):
        matching = [r for r in ranges if _matches(r.media_range, media_type)]
        if not matching:
            continue
        top = max(matching, key=lambda r: (r.specificity, r.q))
        if top.q <= 0:
            continue
        key = (top.q, top.specificity, top.order, -server_rank)
        if best is None or key > best:
            best, chosen = key, media_type
    return chosen


@dataclass(frozen=True)
class Formats:
    """The negotiated media type for each kind of result (None: nothing acceptable)."""

    results: str | None
    boolean: str | None
    graph: str | None


MAX_CACHED_ACCEPT = 1_000  # a client's Accept header rarely changes: negotiate it once
MAX_ACCEPT_CHARS = 1_000  # longer headers are negotiated each time, never cached


def choose_formats(accept: str | None, format_name: str | None = None) -> Formats:
    """Negotiate both kinds at once, so one header serves whichever form the query has."""
    if accept is not None and len(accept) > MAX_ACCEPT_CHARS:
        return _choose_formats(accept, format_name)
    return _cached_formats(accept, format_name)


def _choose_formats(accept: str | None, format_name: str | None) -> Formats:
    if format_name:
        accept = FORMAT_NAMES.get(format_name.lower(), format_name.lower())
    return Formats(
        negotiate(accept, list(RESULT_TYPES)),
        negotiate(accept, BOOLEAN_TYPES),
        negotiate(accept, list(GRAPH_TYPES)),
    )


#: Bounded (least recently used first out), and keyed by short headers only, so a client
#: sending endless distinct headers costs at most ``MAX_CACHED_ACCEPT`` small entries.
_cached_formats = lru_cache(maxsize=MAX_CACHED_ACCEPT)(_choose_formats)


def content_type(media_type: str) -> str:
    """The Content-Type header value (UTF-8 made explicit for text types)."""
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return f"{media_type}; charset=utf-8"
    return media_type
