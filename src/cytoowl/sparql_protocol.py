"""SPARQL 1.1 Protocol details that do not depend on the store: media types, content
negotiation, the SERVICE policy and shaping results under a row cap.

pyoxigraph parses queries and serialises every result format; what is written by hand
here is what no library offers in this form: Accept matching across the two kinds of
result (solutions versus graphs) and the row cap, which has to stop the engine early.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse_query_results,
    serialize,
)

# Media types in server preference order (the first is the default for */*).
RESULT_TYPES: dict[str, QueryResultsFormat] = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
    "application/json": QueryResultsFormat.JSON,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
}
GRAPH_TYPES: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
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


def parse_accept(header: str | None) -> list[_Range]:
    """Media ranges of an Accept header with q-values; a missing header means ``*/*``."""
    ranges = []
    for index, part in enumerate((header or "*/*").split(",")):
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


def choose_formats(accept: str | None, format_name: str | None = None) -> Formats:
    """Negotiate both kinds at once, so one header serves whichever form the query has."""
    if format_name:
        accept = FORMAT_NAMES.get(format_name.lower(), format_name.lower())
    return Formats(
        negotiate(accept, list(RESULT_TYPES)),
        negotiate(accept, BOOLEAN_TYPES),
        negotiate(accept, list(GRAPH_TYPES)),
    )


def content_type(media_type: str) -> str:
    """The Content-Type header value (UTF-8 made explicit for text types)."""
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return f"{media_type}; charset=utf-8"
    return media_type


# --- bounded lookups --------------------------------------------------------------------

_TERM = r"(?:[?$]\w+|<[^<>\s\"{}|^`\\]*>)"
_LOOKUP = re.compile(
    rf"\s*SELECT\s+(?:\*|(?:[?$]\w+\s*)+)\s*(?:WHERE\s*)?\{{\s*({_TERM})\s+({_TERM})\s+({_TERM})"
    r"\s*\.?\s*\}\s*(?:LIMIT\s+\d+\s*)?",
    re.IGNORECASE,
)


def is_bounded_lookup(query: str) -> bool:
    """True for ``SELECT ... WHERE { s p o } [LIMIT n]`` with at least one IRI bound.

    Such a query is one index range scan that streams its rows, so with the row cap it
    costs at most ``row_limit`` rows and cannot run away: it may skip the worker hop.
    """
    found = _LOOKUP.fullmatch(query)
    return bool(found) and any(term.startswith("<") for term in found.groups())


# --- SERVICE policy ---------------------------------------------------------------------

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryRefused(Exception):
    """The query asks for something the server does not allow (e.g. SERVICE)."""


def _unescape(query: str) -> str:
    # SPARQL applies \u escapes to the whole query text before parsing (SPARQL 1.1 §19.2),
    # so a keyword could hide behind them.
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def service_allowed(iri: str, allowlist: tuple[str, ...]) -> bool:
    """An allow-list entry is a host name or an IRI prefix (when it contains ``://``)."""
    host = urlsplit(iri).hostname or ""
    return any(iri.startswith(e) if "://" in e else host == e.lower() for e in allowlist)


def check_service(query: str, allowlist: tuple[str, ...]) -> None:
    """Raise QueryRefused if the query calls SERVICE on an endpoint not allow-listed.

    Cheap when the word SERVICE does not occur; otherwise rdflib's parser finds every
    SERVICE target (resolving prefixes); a variable target or an unparseable query that
    mentions SERVICE is refused, since it cannot be checked.
    """
    text = _unescape(query)
    if "service" not in text.lower():
        return
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # rdflib's grammar is narrower than oxigraph's: be safe
        if re.search(r"\bSERVICE\b", text, re.IGNORECASE):
            raise QueryRefused(
                "the query mentions SERVICE but could not be checked against the allow-list"
            ) from None
        return
    targets: list[Any] = []
    stack: list[Any] = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                targets.append(node.get("term"))
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    for target in targets:
        if not isinstance(target, URIRef):
            raise QueryRefused("SERVICE with a variable endpoint is not allowed")
        if not service_allowed(str(target), allowlist):
            raise QueryRefused(
                f"SERVICE <{target}> is not allowed: federated queries are off except to "
                "allow-listed endpoints (CYTOOWL_SERVICE_ALLOWLIST)"
            )


# --- Results under a row cap ------------------------------------------------------------


class NotAcceptable(Exception):
    """No acceptable media type exists for this query's result form."""


class _Enough(Exception):
    pass


class _LineCounter:
    """A write target for pyoxigraph that stops serialisation after ``limit`` lines.

    TSV results have one line per solution (newlines in literals are escaped), so
    stopping the writer stops the engine: a capped query does not compute the rest.
    """

    def __init__(self, limit: int) -> None:
        self.buffer = bytearray()
        self.lines = 0
        self.limit = limit
        self.stopped = False

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.lines += data.count(b"\n")
        if self.lines >= self.limit:
            self.stopped = True
            raise _Enough
        return len(data)

    def flush(self) -> None:
        pass


@dataclass
class Shaped:
    """A serialised result: body, media type, rows (or triples) sent, and whether capped."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool

    def header(self) -> dict[str, Any]:
        return {"media_type": self.media_type, "rows": self.rows, "truncated": self.truncated}


def shape_solutions(results: QuerySolutions, media_type: str | None, cap: int) -> Shaped:
    """Serialise at most ``cap`` solutions in the requested results format."""
    if media_type is None:
        raise NotAcceptable("SELECT")
    writer = _LineCounter(cap + 2)  # header line + cap rows + one more to detect overflow
    try:
        results.serialize(writer, QueryResultsFormat.TSV)
    except Exception:
        if not writer.stopped:
            raise
    lines = bytes(writer.buffer).split(b"\n")
    rows = lines[1:-1] if lines[-1] == b"" else lines[1:]
    truncated = len(rows) > cap
    rows = rows[:cap]
    tsv = b"\n".join([lines[0], *rows]) + b"\n"
    target = RESULT_TYPES[media_type]
    if target != QueryResultsFormat.TSV:
        tsv = parse_query_results(tsv, QueryResultsFormat.TSV).serialize(format=target)
    return Shaped(tsv, media_type, len(rows), truncated)


def shape_boolean(result: QueryBoolean, media_type: str | None) -> Shaped:
    if media_type is None:
        raise NotAcceptable("ASK")
    return Shaped(result.serialize(format=RESULT_TYPES[media_type]), media_type, 1, False)


def shape_triples(
    triples: Any, media_type: str | None, cap: int, prefixes: dict[str, str] | None = None
) -> Shaped:
    """Serialise at most ``cap`` triples of a CONSTRUCT/DESCRIBE in the requested syntax."""
    if media_type is None:
        raise NotAcceptable("CONSTRUCT/DESCRIBE")
    kept = list(islice(triples, cap + 1))
    truncated = len(kept) > cap
    kept = kept[:cap]
    body = serialize(kept, format=GRAPH_TYPES[media_type], prefixes=prefixes)
    return Shaped(body or b"", media_type, len(kept), truncated)


def shape(results: Any, formats: Formats, cap: int, prefixes: dict[str, str] | None) -> Shaped:
    """Serialise any query result under the cap, in the negotiated format for its form."""
    if isinstance(results, QueryBoolean):
        return shape_boolean(results, formats.boolean)
    if isinstance(results, QuerySolutions):
        return shape_solutions(results, formats.results, cap)
    return shape_triples(results, formats.graph, cap, prefixes)
