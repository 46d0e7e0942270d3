"""The ``Store`` interface the server talks to, and the query and result it passes.

Two implementations: :class:`cytoowl.serve.store.embedded.EmbeddedStore` (the release in an
on-disk pyoxigraph store, queries in killable worker processes) and
:class:`cytoowl.serve.store.remote.RemoteStore` (any SPARQL 1.1 Protocol endpoint);
:func:`cytoowl.serve.store.selector.open_store` picks one from the settings.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import (
    BlankNode,
    NamedNode,
    QueryResultsFormat,
    QuerySolution,
    Triple,
    parse_query_results,
)

from cytoowl import vocab
from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import Formats, QueryResult, media_type
from cytoowl.serve.store.loader import derived_path
from cytoowl.serve.store.readers import Build, PagedReader
from cytoowl.serve.store.statistics import QUERIES, Stats, compute
from cytoowl.settings import Settings

Node = NamedNode | BlankNode


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL query with its protocol parameters and negotiated formats."""

    query: str
    formats: Formats
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: dict[str, str] | None = None
    base: str | None = None  # the endpoint's URL: relative IRIs in the query resolve against it


RDFS_LABEL = vocab.RDFS + "label"
_ANNOTATED_SOURCE = vocab.OWL + "annotatedSource"
_JSON = media_type(QueryResultsFormat.JSON)
_JSON_ONLY = Formats(_JSON, _JSON, None)


class Store(ABC):
    """What the server needs from a triple store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._catalog_dirs: list[Path] = []
        #: How many times the data was loaded anew while serving (a store directory that
        #: vanished): what was derived from it, the catalog, is made again.
        self.generation = 0

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Prepare the store (load data, start workers)."""

    async def close(self) -> None:
        """Release processes and files."""
        for directory in self._catalog_dirs:
            shutil.rmtree(directory, ignore_errors=True)
        self._catalog_dirs.clear()

    @abstractmethod
    async def query(
        self, request: QueryRequest, timeout: float | None = None, lookup: bool = True
    ) -> QueryResult:
        """Answer a protocol query under the time limit and row cap, or raise ServeError;
        ``lookup=False``: :meth:`lookup` was tried already (the fast path), skip it."""

    @abstractmethod
    async def triples(
        self, subject: Node | None, predicate: NamedNode | None, obj: Any, limit: int
    ) -> list[Triple]:
        """At most ``limit`` distinct triples of the union graph matching a pattern."""

    async def describe(self, iri: NamedNode, limit: int) -> list[Triple]:
        """At most ``limit`` triples: the term's own, those of the blank nodes below it
        (restrictions, lists) and of the axiom annotations whose source it is."""
        out = await self.triples(iri, None, None, limit)
        axioms = await self.triples(None, NamedNode(_ANNOTATED_SOURCE), iri, limit)
        pending: list[Any] = [o for t in out if isinstance(o := t.object, BlankNode)]
        pending += [t.subject for t in axioms if isinstance(t.subject, BlankNode)]
        seen: set[Any] = set()
        while pending and len(out) < limit:
            blank = pending.pop()
            if blank in seen:
                continue
            seen.add(blank)
            found = await self.triples(blank, None, None, limit - len(out))
            out += found
            pending += [o for t in found if isinstance(o := t.object, BlankNode)]
        return out

    async def labels(self, iris: list[str]) -> dict[str, str]:
        """An ``rdfs:label`` of each IRI that has one."""
        found = {}
        for iri in dict.fromkeys(iris):
            hit = await self.triples(NamedNode(iri), NamedNode(RDFS_LABEL), None, 1)
            if hit:
                found[iri] = hit[0].object.value
        return found

    async def select(self, query: str, timeout: float | None = None) -> list[QuerySolution]:
        """Solutions of an internal SELECT (statistics, page data)."""
        result = await self.query(QueryRequest(query, _JSON_ONLY), timeout)
        return list(parse_query_results(result.body, QueryResultsFormat.JSON))

    async def derived_file(self, name: str, build: Build, timeout: float) -> Path:
        """A file derived from the data (the catalog of search and browse), written by
        ``build(path, read)`` once per store; here read page by page through :meth:`select`
        into a temporary file (a remote endpoint caps its answers)."""
        directory = Path(tempfile.mkdtemp(prefix="cytoowl-derived-"))
        self._catalog_dirs.append(directory)
        path = derived_path(directory, name)
        loop = asyncio.get_running_loop()
        reader = PagedReader(lambda q: self.select(q, timeout), self.settings.row_limit, loop)
        await asyncio.to_thread(build, path, reader)
        return path

    async def statistics(self, timeout: float) -> Stats:
        """VoID numbers and the ontology header (counted by queries; embedded: cached)."""
        answers = {query: await self.select(query, timeout) for query in QUERIES}
        return compute(answers.__getitem__)

    async def initial_statistics(self, timeout: float) -> Stats:
        """What serving needs at once (at least the ontology header, for the version); the
        rest may come later from :meth:`statistics`. Here: all of it."""
        return await self.statistics(timeout)

    def lookup(self, request: QueryRequest) -> QueryResult | None:
        """Answer a bounded lookup at once, in-process, or None to go the general way."""
        return None

    async def ready(self) -> tuple[bool, str]:
        """Whether queries can be answered now, without waiting behind user queries."""
        return await self.healthy(), "the store answers"

    async def healthy(self) -> bool:
        """True when the store answers a trivial query within a few seconds."""
        try:
            await self.query(QueryRequest("ASK {}", _JSON_ONLY), timeout=5)
        except ServeError:
            return False
        return True


_LABEL_BATCH = 200
# Depth 3 covers a restriction (term -> restriction -> filler list head) and axiom annotations.
_DESCRIBE = """
CONSTRUCT {{ {iri} ?p ?o . ?b1 ?p1 ?o1 . ?b2 ?p2 ?o2 . ?b3 ?p3 ?o3 . ?ax ?pa ?oa . }}
WHERE {{
  {{ {iri} ?p ?o }}
  UNION {{ {iri} ?q1 ?b1 FILTER isBlank(?b1) ?b1 ?p1 ?o1 }}
  UNION {{ {iri} ?q1 ?b1 FILTER isBlank(?b1) ?b1 ?q2 ?b2 FILTER isBlank(?b2) ?b2 ?p2 ?o2 }}
  UNION {{ {iri} ?q1 ?b1 FILTER isBlank(?b1) ?b1 ?q2 ?b2 FILTER isBlank(?b2)
          ?b2 ?q3 ?b3 FILTER isBlank(?b3) ?b3 ?p3 ?o3 }}
  UNION {{ ?ax <{source}> {iri} FILTER isBlank(?ax) ?ax ?pa ?oa }}
}} LIMIT {limit}
"""
