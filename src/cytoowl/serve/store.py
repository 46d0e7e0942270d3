"""The ``Store`` interface the server talks to, with two implementations.

* :class:`EmbeddedStore`: the release loaded into an on-disk pyoxigraph store; protocol
  queries run in killable worker processes (:mod:`cytoowl.workers`), bounded lookups for
  term pages run in-process on a read-only handle.
* :class:`RemoteStore`: any SPARQL 1.1 Protocol endpoint (Oxigraph server, Virtuoso,
  Fuseki, GraphDB, QLever) by URL; the same row cap and SERVICE policy apply here.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
from pyoxigraph import (
    BlankNode,
    NamedNode,
    QueryResultsFormat,
    QuerySolution,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)
from pyoxigraph import Store as OxStore

from cytoowl.serve import dataset
from cytoowl.serve.loader import FINGERPRINT, load_in_child
from cytoowl.serve.protocol import (
    AnswerTooLarge,
    Formats,
    NotAcceptable,
    QueryRefused,
    check_service,
    is_bounded_lookup,
    shape,
)
from cytoowl.serve.query_worker import execute
from cytoowl.serve.statistics import QUERIES, Stats, compute
from cytoowl.serve.workers import PoolConfig, WorkerError, WorkerPool
from cytoowl.settings import Settings

Node = NamedNode | BlankNode


class StoreError(Exception):
    """A query failed; ``status`` is the HTTP status and ``message`` says what to do."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL query with its protocol parameters and negotiated formats."""

    query: str
    formats: Formats
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: dict[str, str] | None = None
    base: str | None = None  # the endpoint's URL: relative IRIs in the query resolve against it


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    media_type: str
    rows: int
    truncated: bool


_JSON_ONLY = Formats("application/sparql-results+json", "application/sparql-results+json", None)


class Store(ABC):
    """What the server needs from a triple store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Prepare the store (load data, start workers)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release processes and files."""

    @abstractmethod
    async def query(self, request: QueryRequest, timeout: float | None = None) -> QueryResult:
        """Answer a protocol query under the time limit and row cap, or raise StoreError."""

    @abstractmethod
    async def triples(
        self, subject: Node | None, predicate: NamedNode | None, obj: Any, limit: int
    ) -> list[Triple]:
        """At most ``limit`` distinct triples of the union graph matching a pattern."""

    async def select(self, query: str, timeout: float | None = None) -> list[QuerySolution]:
        """Solutions of an internal SELECT (statistics, page data)."""
        result = await self.query(QueryRequest(query, _JSON_ONLY), timeout)
        return list(parse_query_results(result.body, QueryResultsFormat.JSON))

    async def statistics(self, timeout: float) -> Stats:
        """VoID numbers and the ontology header (counted by queries; embedded: cached)."""
        answers = {query: await self.select(query, timeout) for query in QUERIES}
        return compute(answers.__getitem__)

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
        except StoreError:
            return False
        return True


def _result(header: dict[str, Any], body: bytes) -> QueryResult:
    if header["status"] != 200:
        raise StoreError(header["status"], header["error"])
    return QueryResult(body, header["media_type"], header["rows"], header["truncated"])


class EmbeddedStore(Store):
    """The release in an on-disk pyoxigraph store, queried by a pool of worker processes."""

    def __init__(self, settings: Settings, sources: dataset.Sources) -> None:
        super().__init__(settings)
        self.sources = sources
        self._tmp: str | None = None
        self._local: OxStore | None = None
        self._pool: WorkerPool | None = None
        self._repairing: asyncio.Task[None] | None = None
        self._repair_lock = asyncio.Lock()
        self._stats: Stats | None = None

    @property
    def directory(self) -> Path:
        if self.settings.store_dir:
            return Path(self.settings.store_dir)
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix="cytoowl-store-")
        return Path(self._tmp)

    async def start(self) -> None:
        self._stats = await load_in_child(self.sources, self.directory)
        self._local = OxStore.read_only(str(self.directory))
        self._pool = WorkerPool(
            PoolConfig(
                self.directory,
                self.settings.workers,
                self.settings.service_allowlist,
                self.settings.worker_memory_mb,
                self.settings.worker_start_timeout_s,
                self.settings.worker_restarts,
                self.settings.worker_nice,
            ),
            before_spawn=self._repair,
        )
        await self._pool.start()

    async def _repair(self) -> None:
        """Before a worker restarts: reload the store if its directory has vanished."""
        async with self._repair_lock:  # one reload at a time (start-up of workers, /ready)
            if not (self.directory / FINGERPRINT).exists():
                self._stats = await load_in_child(self.sources, self.directory)
                self._local = OxStore.read_only(str(self.directory))

    async def statistics(self, timeout: float) -> Stats:
        return self._stats if self._stats is not None else await super().statistics(timeout)

    async def ready(self) -> tuple[bool, str]:
        if self._pool is None:
            return False, "not started"
        if not (self.directory / FINGERPRINT).exists():
            if self._repairing is None or self._repairing.done():
                self._repairing = asyncio.get_running_loop().create_task(self._repair())
            return False, f"the store directory {self.directory} is missing; reloading it"
        if self._pool.alive == 0:
            return False, f"no query worker is running: {self._pool.failure or 'starting'}"
        return True, f"{self._pool.alive} of {self._pool.size} query workers running"

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        self._local = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _job(self, request: QueryRequest) -> dict[str, Any]:
        return {
            "query": request.query,
            "formats": request.formats.__dict__,
            "default_graphs": list(request.default_graphs),
            "named_graphs": list(request.named_graphs),
            "row_limit": self.settings.row_limit,
            "max_bytes": self.settings.max_answer_bytes,
            "prefixes": request.prefixes,
            "base": request.base,
        }

    def lookup(self, request: QueryRequest) -> QueryResult | None:
        if (
            self._local is None
            or request.default_graphs
            or request.named_graphs
            or not is_bounded_lookup(request.query)
        ):
            return None
        # In-process, see is_bounded_lookup: at most row_limit rows of one index scan.
        job = self._job(request)
        return _result(*execute(self._local, job, self.settings.service_allowlist))

    async def query(self, request: QueryRequest, timeout: float | None = None) -> QueryResult:
        assert self._pool is not None, "store not started"
        found = self.lookup(request)
        if found is not None:
            return found
        try:
            header, body = await self._pool.run(
                self._job(request), timeout or self.settings.query_timeout_s
            )
        except WorkerError as e:
            raise StoreError(e.status, e.message) from None
        return _result(header, body)

    async def triples(
        self, subject: Node | None, predicate: NamedNode | None, obj: Any, limit: int
    ) -> list[Triple]:
        # In-process on purpose: one index range scan with a fixed bound, no query
        # evaluation, so it cannot run away and needs no killable worker.
        assert self._local is not None, "store not started"
        seen: dict[Triple, None] = {}
        for quad in self._local.quads_for_pattern(subject, predicate, obj, None):
            seen.setdefault(quad.triple, None)
            if len(seen) >= limit:
                break
        return list(seen)


def _too_large(cap: int) -> str:
    return f"the remote store's answer is larger than the limit of {cap} bytes; narrow the query"


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint; results are re-shaped here to apply the row cap."""

    _ACCEPT = (
        "text/tab-separated-values, application/sparql-results+json;q=0.9, "
        "application/n-triples;q=0.8, text/turtle;q=0.7"
    )

    def __init__(self, settings: Settings, url: str) -> None:
        super().__init__(settings)
        self.url = url
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = httpx.AsyncClient()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def query(self, request: QueryRequest, timeout: float | None = None) -> QueryResult:
        assert self._client is not None, "store not started"
        try:
            await asyncio.to_thread(check_service, request.query, self.settings.service_allowlist)
        except QueryRefused as e:
            raise StoreError(403, str(e)) from None
        data = [("query", request.query)]
        data += [("default-graph-uri", g) for g in request.default_graphs]
        data += [("named-graph-uri", g) for g in request.named_graphs]
        limit = timeout or self.settings.query_timeout_s
        try:
            async with asyncio.timeout(limit):
                response, content = await self._post(data, limit)
        except (TimeoutError, httpx.TimeoutException):
            raise StoreError(504, f"the remote store did not answer within {limit:g} s") from None
        except httpx.HTTPError as e:
            raise StoreError(503, f"the remote store is unavailable: {e}") from None
        if response.status_code == 400:
            text = content[:2000].decode("utf-8", "replace")
            raise StoreError(400, f"query rejected by the store: {text}")
        if response.status_code != 200:
            raise StoreError(503, f"the remote store answered {response.status_code}")
        return await asyncio.to_thread(self._reshape, response, content, request)

    async def _post(
        self, data: list[tuple[str, str]], limit: float
    ) -> tuple[httpx.Response, bytes]:
        """Stream the answer, stopping past the byte cap instead of downloading it all."""
        assert self._client is not None, "store not started"
        cap = self.settings.max_answer_bytes
        async with self._client.stream(
            "POST",
            self.url,
            data=dict(data) if len(data) == 1 else data,  # type: ignore[arg-type]
            headers={"Accept": self._ACCEPT},
            timeout=limit,
        ) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise StoreError(507, _too_large(cap))
            content = bytearray()
            async for chunk in response.aiter_bytes():
                content += chunk
                if len(content) > cap:
                    raise StoreError(507, _too_large(cap))
        return response, bytes(content)

    def _reshape(
        self, response: httpx.Response, content: bytes, request: QueryRequest
    ) -> QueryResult:
        media = response.headers.get("content-type", "").split(";")[0].strip()
        formats = {
            "text/tab-separated-values": QueryResultsFormat.TSV,
            "application/sparql-results+json": QueryResultsFormat.JSON,
            "application/sparql-results+xml": QueryResultsFormat.XML,
        }
        if media in formats:
            results: Any = parse_query_results(content, formats[media])
        else:
            syntax = RdfFormat.from_media_type(media) or RdfFormat.N_TRIPLES
            results = parse(content, syntax)
        try:
            shaped = shape(
                results,
                request.formats,
                self.settings.row_limit,
                request.prefixes,
                self.settings.max_answer_bytes,
            )
        except NotAcceptable as e:
            raise StoreError(406, f"no acceptable media type for a {e} result") from None
        except AnswerTooLarge as e:
            raise StoreError(507, str(e)) from None
        except (SyntaxError, ValueError) as e:
            raise StoreError(502, f"the remote store sent an unreadable answer: {e}") from None
        # A cytoowl server upstream may have capped already: pass its announcement on.
        truncated = shaped.truncated or response.headers.get("x-sparql-truncated") == "true"
        return QueryResult(shaped.body, shaped.media_type, shaped.rows, truncated)

    async def triples(
        self, subject: Node | None, predicate: NamedNode | None, obj: Any, limit: int
    ) -> list[Triple]:
        terms = [subject, predicate, obj]
        if any(isinstance(t, BlankNode) for t in terms):
            # A blank node in a query pattern is a variable, and the remote store's blank
            # node labels are not stable across requests: such a lookup has no answer.
            return []
        pattern = " ".join(
            str(t) if t is not None else f"?{v}" for t, v in zip(terms, "spo", strict=True)
        )
        rows = await self.select(f"SELECT DISTINCT * WHERE {{ {pattern} }} LIMIT {limit}")
        out = []
        for row in rows:
            s, p, o = (t if t is not None else row[v] for t, v in zip(terms, "spo", strict=True))
            out.append(Triple(s, p, o))
        return list(islice(out, limit))


def open_store(settings: Settings, sources: dataset.Sources) -> Store:
    """The embedded store, or a remote one when ``settings.store_url`` is set."""
    if settings.store_url:
        return RemoteStore(settings, settings.store_url)
    return EmbeddedStore(settings, sources)
