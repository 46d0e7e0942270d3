"""Serialising query results under a row cap that stops the engine early."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    parse_query_results,
    serialize,
)

from cytoowl import vocab
from cytoowl.serve.protocol.negotiation import GRAPH_TYPES, RESULT_TYPES, Formats

UNLIMITED = 2**62
#: Prefix bindings of the RDF the server writes (CONSTRUCT answers, term pages).
ANSWER_PREFIXES = vocab.bindings(*vocab.ANSWER_BINDINGS)


class NotAcceptable(Exception):
    """No acceptable media type exists for this query's result form."""


class AnswerTooLarge(Exception):
    """The serialised answer would exceed the byte cap."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer is larger than the limit of {limit} bytes")
        self.limit = limit


class _Enough(Exception):
    pass


class _Capped:
    """A write target that raises AnswerTooLarge past ``max_bytes`` (stopping the engine)."""

    def __init__(self, max_bytes: int) -> None:
        self.buffer = bytearray()
        self.max_bytes = max_bytes

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) > self.max_bytes:
            raise AnswerTooLarge(self.max_bytes)
        return len(data)

    def flush(self) -> None:
        pass


class _LineCounter(_Capped):
    """A write target for pyoxigraph that stops serialisation after ``limit`` lines.

    TSV results have one line per solution (newlines in literals are escaped), so
    stopping the writer stops the engine: a capped query does not compute the rest.
    """

    def __init__(self, limit: int, max_bytes: int) -> None:
        super().__init__(max_bytes)
        self.lines = 0
        self.limit = limit
        self.stopped = False

    def write(self, data: bytes) -> int:
        super().write(data)
        self.lines += data.count(b"\n")
        if self.lines >= self.limit:
            self.stopped = True
            raise _Enough
        return len(data)

    def flush(self) -> None:
        pass


@dataclass(frozen=True)
class QueryResult:
    """A query's answer, the one representation from the worker (or remote store) to the
    response: the serialised body, its media type, rows (or triples) sent, whether capped."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool

    def header(self) -> dict[str, Any]:
        """The fields beside the body, as a worker sends them in its header frame."""
        return {"media_type": self.media_type, "rows": self.rows, "truncated": self.truncated}

    @classmethod
    def from_header(cls, header: dict[str, Any], body: bytes) -> QueryResult:
        return cls(body, header["media_type"], header["rows"], header["truncated"])


def _checked(body: bytes, max_bytes: int) -> bytes:
    if len(body) > max_bytes:
        raise AnswerTooLarge(max_bytes)
    return body


def shape_solutions(
    results: QuerySolutions, media_type: str | None, cap: int, max_bytes: int = UNLIMITED
) -> QueryResult:
    """Serialise at most ``cap`` solutions in the requested results format."""
    if media_type is None:
        raise NotAcceptable("SELECT")
    writer = _LineCounter(cap + 2, max_bytes)  # header + cap rows + one to detect overflow
    try:
        results.serialize(writer, QueryResultsFormat.TSV)
    except AnswerTooLarge:
        raise
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
    return QueryResult(_checked(tsv, max_bytes), media_type, len(rows), truncated)


def shape_boolean(result: QueryBoolean, media_type: str | None) -> QueryResult:
    if media_type is None:
        raise NotAcceptable("ASK")
    return QueryResult(result.serialize(format=RESULT_TYPES[media_type]), media_type, 1, False)


def shape_triples(
    triples: Any,
    media_type: str | None,
    cap: int,
    prefixes: dict[str, str] | None = None,
    max_bytes: int = UNLIMITED,
) -> QueryResult:
    """Serialise at most ``cap`` triples of a CONSTRUCT/DESCRIBE in the requested syntax."""
    if media_type is None:
        raise NotAcceptable("CONSTRUCT/DESCRIBE")
    kept, size = [], 0
    for triple in islice(triples, cap + 1):
        kept.append(triple)
        size += len(str(triple))  # about its N-Triples size: stop before building too much
        if size > 2 * max_bytes:
            raise AnswerTooLarge(max_bytes)
    truncated = len(kept) > cap
    kept = kept[:cap]
    body = serialize(kept, format=GRAPH_TYPES[media_type], prefixes=prefixes) or b""
    return QueryResult(_checked(body, max_bytes), media_type, len(kept), truncated)


def shape(
    results: Any,
    formats: Formats,
    cap: int,
    prefixes: dict[str, str] | None,
    max_bytes: int = UNLIMITED,
) -> QueryResult:
    """Serialise any query result under the row and byte caps, in the negotiated format."""
    if isinstance(results, QueryBoolean):
        return shape_boolean(results, formats.boolean)
    if isinstance(results, QuerySolutions):
        return shape_solutions(results, formats.results, cap, max_bytes)
    return shape_triples(results, formats.graph, cap, prefixes, max_bytes)
