"""The ``/sparql`` endpoint: the SPARQL 1.1 Protocol route, and its fast path for lookups.

A request goes through one parse (:func:`protocol_of`), one check-and-negotiate step
(:func:`query_request`) and one answer (:func:`respond`), whether the route serves it or
:class:`LookupFastPath` does (a ``GET`` bounded lookup, answered in-process before FastAPI's
routing). Errors are :class:`ServeError`, answered as plain text.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pyoxigraph import serialize
from starlette.types import ASGIApp, Receive, Scope, Send

from cytoowl.dataset import Example
from cytoowl.serve.errors import ServeError, error_response, plain_error
from cytoowl.serve.protocol import (
    ANSWER_PREFIXES,
    FORMAT_NAMES,
    GRAPH_TYPES,
    HTML,
    RDF_OFFERS,
    QueryResult,
    choose_formats,
    content_type,
    negotiate,
)
from cytoowl.serve.protocol.lookup import MAX_LOOKUP_CHARS
from cytoowl.serve.query import service_description
from cytoowl.serve.store.base import QueryRequest, Store
from cytoowl.serve.store.statistics import Stats
from cytoowl.settings import Settings

#: Set in the request scope when the fast path tried a lookup and declined it: the route
#: then sends the query to a worker without testing it again.
LOOKUP_TRIED = "cytoowl.lookup_tried"
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class QueryState(Protocol):
    """What the query routes read of the server's state."""

    settings: Settings
    store: Store
    examples: list[Example]

    async def get_stats(self) -> Stats: ...


@dataclass(frozen=True)
class Parameters:
    """The SPARQL Protocol parameters of one request."""

    query: str | None = None
    update: bool = False
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None


def protocol_of(params: list[tuple[str, str]]) -> Parameters:
    """The protocol parameters among a request's (name, value) pairs."""
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise ServeError(400, "give exactly one query parameter")
    return Parameters(
        query=queries[0] if queries else None,
        update=any(k == "update" for k, _ in params),
        default_graphs=tuple(v for k, v in params if k == "default-graph-uri"),
        named_graphs=tuple(v for k, v in params if k == "named-graph-uri"),
        format=next((v for k, v in params if k in ("format", "output")), None),
    )


async def read_protocol(request: Request) -> Parameters:
    """Parameters from the URL, a form body or a direct ``application/sparql-query`` body."""
    params: list[tuple[str, str]] = list(request.query_params.multi_items())
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method == "POST":
        if media in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form()
            params += [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        elif media == "application/sparql-query":
            try:
                params.append(("query", (await request.body()).decode("utf-8")))
            except UnicodeDecodeError:
                raise ServeError(400, "the query is not valid UTF-8") from None
        elif media == "application/sparql-update":
            params.append(("update", ""))
        else:
            raise ServeError(
                415,
                f"unsupported Content-Type {media or '(none)'}: use "
                "application/x-www-form-urlencoded or application/sparql-query",
            )
    return protocol_of(params)


def query_request(parameters: Parameters, accept: str | None, base: str) -> QueryRequest:
    """The query to run, checked (read-only, not empty) and with its formats negotiated."""
    if parameters.update:
        raise ServeError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if parameters.query is None:
        raise ServeError(400, "missing query parameter")
    if not parameters.query.strip():
        raise ServeError(400, "empty query")
    formats = choose_formats(accept, parameters.format)
    if formats.results is None and formats.boolean is None and formats.graph is None:
        raise ServeError(
            406,
            "no acceptable result format; offered: "
            + ", ".join(sorted({*GRAPH_TYPES, *FORMAT_NAMES.values()} - {HTML})),
        )
    return QueryRequest(
        parameters.query,
        formats,
        parameters.default_graphs,
        parameters.named_graphs,
        prefixes=ANSWER_PREFIXES,
        base=base,
    )


def endpoint_url(scope: Scope) -> str:
    """This endpoint's URL as the client reached it (relative IRIs in a query resolve
    against it): the Host header, else the server's address, as Starlette's ``url_for``."""
    scheme = scope.get("scheme", "http")
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
    if host is None:
        name, port = scope.get("server") or ("localhost", _DEFAULT_PORTS.get(scheme, 80))
        host = name if port == _DEFAULT_PORTS.get(scheme) else f"{name}:{port}"
    return f"{scheme}://{host}{scope.get('root_path', '')}/sparql"


def respond(result: QueryResult, row_limit: int) -> Response:
    """The response of an answered query, with the row count and a warning when cut."""
    headers = {
        "X-SPARQL-Rows": str(result.rows),
        "X-SPARQL-Row-Limit": str(row_limit),
        "Vary": "Accept",
    }
    if result.truncated:
        headers["X-SPARQL-Truncated"] = "true"
        headers["Warning"] = (
            f'199 cytoowl "results truncated to the row limit of '
            f'{row_limit}; use LIMIT/OFFSET to page"'
        )
    return Response(result.body, media_type=content_type(result.media_type), headers=headers)


def add_routes(app: FastAPI, state: QueryState, templates: Jinja2Templates) -> None:
    @app.api_route("/sparql", methods=["GET", "POST"])
    async def sparql(request: Request) -> Response:
        try:
            parameters = await read_protocol(request)
            bare = not (parameters.update or parameters.default_graphs or parameters.named_graphs)
            if parameters.query is None and bare and request.method == "GET":
                return await _service_description(request, state, templates)
            query = query_request(
                parameters, request.headers.get("accept"), endpoint_url(request.scope)
            )
            result = await state.store.query(query, lookup=LOOKUP_TRIED not in request.scope)
        except ServeError as e:
            return error_response(e)
        return respond(result, state.settings.row_limit)


async def _service_description(
    request: Request, state: QueryState, templates: Jinja2Templates
) -> Response:
    """Bare GET: the query page for browsers, else the Service Description in RDF."""
    chosen = negotiate(request.headers.get("accept"), [*RDF_OFFERS, HTML])
    if chosen is None:
        return plain_error(406, "no acceptable format; offered: " + ", ".join([*RDF_OFFERS, HTML]))
    if chosen == HTML:
        return templates.TemplateResponse(
            request,
            "query.html",
            {
                "state": state,
                "examples": [
                    {"title": e.title, "description": e.description, "query": e.query}
                    for e in state.examples
                ],
                "prefixes": ANSWER_PREFIXES,
            },
        )
    stats = await state.get_stats()  # without the counts if not made yet
    triples = service_description.describe(endpoint_url(request.scope), stats, state.settings)
    prefixes = {"sd": service_description.SD, "void": service_description.VOID, **ANSWER_PREFIXES}
    body = serialize(triples, format=GRAPH_TYPES[chosen], prefixes=prefixes) or b""
    return Response(body, media_type=content_type(chosen), headers={"Vary": "Accept"})


class LookupFastPath:
    """``GET /sparql?query=...`` bounded lookups answered before FastAPI's routing.

    Profiling showed a lookup's time mostly in per-request framework work (routing,
    request objects, dependency solving), not in the engine. A GET that :meth:`Store.lookup`
    answers in-process is served here, through the route's own parse, checks and answer;
    anything else goes on to the app unchanged (marked, so the route does not test it for
    a lookup again). It sits inside CORS and the access log, so both still apply.
    """

    def __init__(self, app: ASGIApp, state: QueryState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self._try(scope) if scope["type"] == "http" else None
        if response is None:
            return await self.app(scope, receive, send)
        await response(scope, receive, send)

    def _try(self, scope: Scope) -> Response | None:
        if scope["method"] != "GET" or scope["path"] != "/sparql":
            return None
        raw = scope["query_string"]
        if len(raw) > 3 * MAX_LOOKUP_CHARS or b"query=" not in raw:
            return None
        try:  # as Starlette reads it; bad UTF-8, and every error, the route explains
            params = urllib.parse.parse_qsl(
                raw.decode("latin-1"), keep_blank_values=True, errors="strict"
            )
            parameters = protocol_of(params)
            if parameters.default_graphs or parameters.named_graphs:
                return None
            accept = next((v for k, v in scope["headers"] if k == b"accept"), None)
            query = query_request(
                parameters, accept.decode("latin-1") if accept else None, endpoint_url(scope)
            )
        except (UnicodeDecodeError, ServeError):
            return None
        scope[LOOKUP_TRIED] = True
        try:
            result = self.state.store.lookup(query)
        except ServeError as e:
            return error_response(e)
        return None if result is None else respond(result, self.state.settings.row_limit)
