"""Any SPARQL 1.1 Protocol endpoint as the store (Oxigraph server, Virtuoso, Fuseki, GraphDB,
QLever), by URL; the same row cap and SERVICE policy apply as to the embedded store.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import re
from itertools import islice
from typing import Any
from urllib.parse import urlencode

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

from cytoowl import budgets, dataset, engines, vocab
from cytoowl.budgets import OverBudget
from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import (
    AnswerTooLarge,
    NotAcceptable,
    QueryRefused,
    QueryResult,
    check_service,
    media_type,
    shape,
)
from cytoowl.serve.protocol.lexer import check_nesting
from cytoowl.serve.store.base import (
    _ANNOTATED_SOURCE,
    _DESCRIBE,
    _LABEL_BATCH,
    RDFS_LABEL,
    Node,
    QueryRequest,
    Store,
)
from cytoowl.settings import Settings, split_userinfo


def _too_large(cap: int) -> str:
    return f"the remote store's answer is larger than the limit of {cap} bytes; narrow the query"


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint; results are re-shaped here to apply the row cap.

    Queries without a dataset of their own run over the served graphs (release, shapes,
    queries and ``store_graphs``) as default and named graphs, so no engine's system graphs
    (Virtuoso) or empty default graph (Oxigraph) leak in. Answers are read up to
    ``max_answer_bytes`` (507 beyond); an engine's own row cap (Virtuoso's 10,000) is reported as
    truncation. Down or failing: 503; too slow: 504; the next request tries again.
    """

    def __init__(self, settings: Settings, url: str) -> None:
        super().__init__(settings)
        self.url = split_userinfo(url)[0]  # (the settings took credentials out already)
        self.engine = engines.engine_for(url, settings.store_engine)
        self.graphs = (*dataset.GRAPHS, *settings.store_graphs)
        # the results formats this engine is asked for (its Accept header)
        self._result_formats = {
            m: f for m, f in _RESULT_FORMATS.items() if m in self.engine.results_accept
        }
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        password = self.settings.store_read_password
        user, secret = self.settings.store_read_user, password and password.get_secret_value()
        warning = engines.plain_http_warning(self.url, user is not None)
        if warning:
            logging.getLogger("cytoowl.serve").warning(warning)
        self._client = httpx.AsyncClient(auth=engines.auth_for(self.engine, user, secret))

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        await super().close()

    async def _post(
        self, query: str, request: QueryRequest | None, timeout: float | None
    ) -> tuple[str, bytes, dict[str, str]]:
        """(media type, body, headers) of the engine's answer, or ServeError."""
        assert self._client is not None, "store not started"
        given = request is not None and (request.default_graphs or request.named_graphs)
        if given and request:
            self._check_served(request)
        default = request.default_graphs if given and request else self.graphs
        named = request.named_graphs if given and request else self.graphs
        data = [("query", query)]
        data += [("default-graph-uri", g) for g in default]
        data += [("named-graph-uri", g) for g in named]
        # Ask for the kinds of answer this form has: an engine offered both may write a
        # CONSTRUCT as a results table (Virtuoso) or a SELECT as RDF.
        graph_form = query_form(query) in ("construct", "describe")
        accept = _GRAPH_ACCEPT if graph_form else self.engine.results_accept
        limit = timeout or self.settings.query_timeout_s
        cap = self.settings.max_answer_bytes
        try:
            async with asyncio.timeout(limit):
                async with self._client.stream(
                    "POST",
                    self.url,
                    content=urlencode(data).encode(),
                    headers={"Accept": accept, "Content-Type": _FORM},
                    timeout=limit,
                ) as response:
                    # stop past the byte cap instead of downloading it all
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > cap:
                        raise ServeError(507, _too_large(cap))
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > cap:
                            raise ServeError(507, _too_large(cap))
        except (TimeoutError, httpx.TimeoutException):
            raise ServeError(504, f"the remote store did not answer within {limit:g} s") from None
        except httpx.HTTPError as e:
            raise ServeError(
                503, f"the remote store at {self.url} is unavailable ({e}); retry later"
            ) from None
        text = bytes(body).decode("utf-8", "replace").strip()[:2000]
        if response.status_code == 400:
            raise ServeError(400, f"query rejected by the store: {text}")
        if response.status_code != 200:
            raise ServeError(503, f"the remote store answered HTTP {response.status_code}: {text}")
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in (_GRAPH_FORMATS if graph_form else self._result_formats):
            raise ServeError(
                502,
                f"the remote store answered in {media or 'no media type'}, which was not "
                f"asked for ({accept}); not read",
            )
        return media, bytes(body), dict(response.headers)

    def _check_query(self, request: QueryRequest) -> None:
        check_nesting(request.query)
        check_service(request.query, self.settings.service_allowlist, request.base)

    def _check_served(self, request: QueryRequest) -> None:
        """403 for a protocol graph parameter naming a graph that is not served: it would
        widen the dataset to the engine's other graphs (Virtuoso's system graphs)."""
        for graph in (*request.default_graphs, *request.named_graphs):
            if graph not in self.graphs:
                raise ServeError(
                    403,
                    f"graph <{graph}> is not served here; the served graphs are "
                    + ", ".join(f"<{g}>" for g in self.graphs),
                )

    async def query(
        self, request: QueryRequest, timeout: float | None = None, lookup: bool = True
    ) -> QueryResult:
        try:
            await asyncio.to_thread(self._check_query, request)
        except OverBudget as e:
            raise ServeError(400, f"query refused: {e}") from None
        except QueryRefused as e:
            raise ServeError(403, str(e)) from None
        media, body, headers = await self._post(request.query, request, timeout)
        return await self._in_thread(self._reshape, media, body, headers, request)

    def _parse(self, media: str, body: bytes) -> Any:
        """The answer parsed, after the parser budgets (:mod:`cytoowl.budgets`): only the
        formats asked for arrive here (see :meth:`_post`); JSON nested at most so deep, XML
        without a DOCTYPE, Turtle with bounded nesting. (Raises OverBudget, a ValueError.)"""
        if media in _RESULT_FORMATS:
            if media == _JSON:
                budgets.check_json_depth(body)
                if b'"bnode"' in body:
                    body = _valid_blank_nodes(body)
            elif media == _XML:
                budgets.check_rdf_xml(body)
            return parse_query_results(body, _RESULT_FORMATS[media])
        syntax = _GRAPH_FORMATS[media]
        if syntax == RdfFormat.TURTLE:
            check_nesting(body.decode("utf-8", "replace"), what="the remote store's answer")
        return parse(body, syntax)

    def _parse_all(self, media: str, body: bytes) -> list[Any] | ServeError:
        """Every solution or triple, or the error. Returned, not raised: a pyoxigraph object
        must be dropped by the thread that made it, and a raised error's traceback would
        carry one to the event loop's thread (where dropping it aborts the process)."""
        try:
            return list(self._parse(media, body))
        except (SyntaxError, ValueError) as e:
            return ServeError(502, f"the remote store sent an unreadable answer: {e}")

    def _reshape(
        self, media: str, body: bytes, headers: dict[str, str], request: QueryRequest
    ) -> QueryResult | ServeError:
        try:
            shaped = shape(
                self._parse(media, body),
                request.formats,
                self.settings.row_limit,
                request.prefixes,
                self.settings.max_answer_bytes,
            )
        except NotAcceptable as e:
            return ServeError(406, f"no acceptable media type for a {e} result")
        except AnswerTooLarge as e:
            return ServeError(507, str(e))
        except (SyntaxError, ValueError) as e:
            return ServeError(502, f"the remote store sent an unreadable answer: {e}")
        # A cytoowl server upstream may have capped already: pass its announcement on; an
        # engine's own cap (Virtuoso's ResultSetMaxRows) shows as exactly that many rows.
        capped = self.engine.result_cap is not None and shaped.rows >= self.engine.result_cap
        truncated = shaped.truncated or capped or headers.get("x-sparql-truncated") == "true"
        return dataclasses.replace(shaped, truncated=truncated)

    @staticmethod
    async def _in_thread(function: Any, *args: Any) -> Any:
        answer = await asyncio.to_thread(function, *args)
        if isinstance(answer, ServeError):
            raise answer
        return answer

    async def select(self, query: str, timeout: float | None = None) -> list[QuerySolution]:
        media, body, _ = await self._post(query, None, timeout)
        return await self._in_thread(self._parse_all, media, body)

    async def triples(
        self, subject: Node | None, predicate: NamedNode | None, obj: Any, limit: int
    ) -> list[Triple]:
        terms = [subject, predicate, obj]
        if any(isinstance(t, BlankNode) for t in terms):
            # A blank node in a query pattern is a variable, and the engine's labels mean
            # nothing in another query: blank nodes are reached through describe().
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

    async def describe(self, iri: NamedNode, limit: int) -> list[Triple]:
        """One bounded CONSTRUCT: the term's triples, the blank nodes below it (to a fixed
        depth) and the axiom annotations about it, with blank nodes kept consistent."""
        query = _DESCRIBE.format(iri=iri, limit=limit, source=_ANNOTATED_SOURCE)
        media, body, _ = await self._post(query, None, None)
        return (await self._in_thread(self._parse_all, media, body))[:limit]

    async def labels(self, iris: list[str]) -> dict[str, str]:
        """Labels of many IRIs with one query per ``_LABEL_BATCH`` of them."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(iris))
        for start in range(0, len(unique), _LABEL_BATCH):
            values = vocab.sparql_iris(unique[start : start + _LABEL_BATCH])
            rows = await self.select(
                f"SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?s {{ {values} }} "
                f"?s <{RDFS_LABEL}> ?l }} GROUP BY ?s"
            )
            found.update({r["s"].value: r["label"].value for r in rows})  # type: ignore[index]
        return found


_FORM = "application/x-www-form-urlencoded"
_JSON = media_type(QueryResultsFormat.JSON)
_XML = media_type(QueryResultsFormat.XML)
# Strings, IRIs and comments are skipped so a keyword inside them is not taken for the form.
_FORM_TOKENS = re.compile(
    r'"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\s]*>|#[^\n]*|\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)


def query_form(query: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``: the first form keyword outside
    strings, IRIs and comments (``select`` if none: the engine then says what is wrong)."""
    for match in _FORM_TOKENS.finditer(query):
        if match.group(1):
            return match.group(1).lower()
    return "select"


def _valid_blank_nodes(body: bytes) -> bytes:
    """JSON results with blank node labels pyoxigraph accepts (Virtuoso writes
    ``nodeID://b10003``); labels stay distinct and consistent within the answer."""
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = "b" + hashlib.sha1(term["value"].encode()).hexdigest()[:16]
    return json.dumps(data).encode()


_GRAPH_FORMATS = {media_type(f): f for f in (RdfFormat.N_TRIPLES, RdfFormat.TURTLE)}
_GRAPH_ACCEPT = f"{media_type(RdfFormat.N_TRIPLES)};q=0.8, {media_type(RdfFormat.TURTLE)};q=0.7"
_RESULT_FORMATS = {
    media_type(f): f
    for f in (QueryResultsFormat.TSV, QueryResultsFormat.JSON, QueryResultsFormat.XML)
}
