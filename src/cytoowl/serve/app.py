"""The cytoowl web server: SPARQL 1.1 Protocol endpoint, linked-data term pages, downloads.

The app only talks to the :class:`cytoowl.serve.store.Store` interface; :func:`create_app`
builds it and :func:`run` serves it with uvicorn (``cytoowl serve``).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import logging
import re
import time
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pyoxigraph import serialize
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cytoowl import formats, vocab
from cytoowl.dataset import Example, Sources
from cytoowl.serve.browse import routes as browse
from cytoowl.serve.browse import terms as pages
from cytoowl.serve.errors import ServeError
from cytoowl.serve.http.health import add_health_routes
from cytoowl.serve.protocol import (
    FORMAT_NAMES,
    GRAPH_TYPES,
    HTML,
    choose_formats,
    content_type,
    negotiate,
)
from cytoowl.serve.protocol.lookup import MAX_LOOKUP_CHARS
from cytoowl.serve.query import service_description
from cytoowl.serve.store.base import QueryRequest, QueryResult, Store, open_store
from cytoowl.serve.validation.routes import Validators, add_validation_routes
from cytoowl.settings import Settings, load_settings

HERE = Path(__file__).parent
access_log = logging.getLogger("cytoowl.access")
TERM_RE = re.compile(r"(\d{7})(?:\.(\w+))?")
#: How long a page waits for the counts made after start-up (seconds at 1M triples).
STATS_WAIT_S = 5.0
RDF_OFFERS = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]


@dataclass
class Download:
    """A served file with its media type and size at start-up (the landing page's list);
    its ETag is made when it is sent, from the bytes on disk then (see _send_file)."""

    name: str
    path: Path
    media_type: str
    size: int


@dataclass
class _State:
    settings: Settings
    sources: Sources
    store: Store
    stats: service_description.Stats = field(default_factory=service_description.Stats)
    downloads: dict[str, Download] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    browser: browse.Browser | None = None
    browser_task: asyncio.Task[None] | None = None
    stats_task: asyncio.Task[None] | None = None
    validators: Validators = field(init=False)

    def __post_init__(self) -> None:
        self.validators = Validators(self.settings)

    async def get_stats(self, wait: float = STATS_WAIT_S) -> service_description.Stats:
        """The statistics; the counts are made after start-up, so a request waits for them
        (at most ``wait`` seconds) and otherwise gets what is known (the header)."""
        if not self.stats.counted and self.stats_task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.stats_task), wait)
        return self.stats

    async def count_statistics(self, timeout: float) -> None:
        """Never raises: pages waiting for the counts keep the header if counting fails."""
        log = logging.getLogger("cytoowl.serve")
        try:
            self.stats = await self.store.statistics(timeout)
        except ServeError as exc:  # a remote store that went down
            log.warning("no statistics: %s", exc.message)
        except Exception:  # e.g. the counting child died
            log.exception("the statistics could not be counted")

    async def get_browser(self, wait: float | None = None) -> browse.Browser | None:
        """The catalog for search and browse; built in the background at start-up, so a
        request waits for it (at most ``wait`` seconds, default ``browse.WAIT_S`` as it is
        now) and gets None if it is not there."""
        wait = browse.WAIT_S if wait is None else wait
        if self.browser is None and self.browser_task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.browser_task), wait)
        return self.browser

    async def load_browser(self, timeout: float) -> None:
        log = logging.getLogger("cytoowl.serve")
        if self.stats_task is not None:  # one scan of the store at a time (never raises)
            await asyncio.shield(self.stats_task)
        try:
            self.browser = await browse.Browser.load(self.store, timeout)
        except ServeError as exc:  # e.g. a remote store down, or refusing deep pages
            log.warning("empty catalog: %s", exc.message)
            self.browser = browse.Browser.empty(exc.message)
        except Exception as exc:
            log.exception("the catalog of search and browse could not be built")
            self.browser = browse.Browser.empty(f"{type(exc).__name__}: {exc}")


def _downloads(sources: Sources) -> dict[str, Download]:
    out = {}
    for path in sources.downloads():
        name = (
            f"shapes/{path.name}"
            if path.parent == sources.shapes_dir
            else (path.relative_to(sources.release.directory).as_posix())
        )
        out[name] = Download(name, path, formats.media_type(path), path.stat().st_size)
    return out


class StartupError(Exception):
    """The server cannot start; the message names the path and what to run."""


def check_release(sources: Sources) -> None:
    """Refuse to serve an empty store: the release file must exist and be readable."""
    path = sources.ontology_file
    hint = (
        "run `cytoowl build` in a checkout, or reinstall the cytoowl package"
        if not path.exists()
        else "check the file's permissions"
    )
    try:
        with path.open("rb") as handle:
            if not handle.read(1):
                raise StartupError(f"the release file {path} is empty: {hint}")
    except OSError as exc:
        raise StartupError(f"cannot read the release {path} ({exc.strerror}): {hint}") from None


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Errors are plain text a person can act on (SPARQL Protocol leaves the body free)."""
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


# --- ASGI middleware ----------------------------------------------------------------------


class BodyLimit:
    """Answer 413 to request bodies over ``limit`` bytes (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._reject(scope, receive, send)
        body, more = bytearray(), True
        while more:  # read it all (bounded), then replay it to the app
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                return await self._reject(scope, receive, send)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _error(413, f"request body larger than the limit of {self.limit} bytes")
        await response(scope, receive, send)


class LookupFastPath:
    """``GET /sparql?query=...`` bounded lookups answered before FastAPI's routing.

    Profiling showed a lookup's time mostly in per-request framework work (routing,
    request objects, dependency solving), not in the engine. A GET whose only parameter is
    one ``query`` that :meth:`Store.lookup` answers in-process is served here, with the same
    headers as the route; anything else goes on to the app unchanged. It sits inside CORS
    and the access log, so both still apply.
    """

    def __init__(self, app: ASGIApp, state: _State) -> None:
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
        if len(raw) > 3 * MAX_LOOKUP_CHARS or not raw.startswith(b"query="):
            return None
        try:  # as Starlette reads it, but bad UTF-8 goes on to the route
            params = urllib.parse.parse_qsl(
                raw.decode("latin-1"), keep_blank_values=True, errors="strict"
            )
        except UnicodeDecodeError:
            return None
        if len(params) != 1 or params[0][0] != "query":
            return None
        query = params[0][1]
        accept = next((v for k, v in scope["headers"] if k == b"accept"), None)
        formats = choose_formats(accept.decode("latin-1") if accept else None, None)
        if formats.results is None:
            return None  # the route explains the 406
        base = f"{scope.get('scheme', 'http')}://{_host(scope)}{scope.get('root_path', '')}/sparql"
        request = QueryRequest(query, formats, prefixes=pages.PREFIXES, base=base)
        try:
            result = self.state.store.lookup(request)
        except ServeError as e:
            return _store_error(e)
        return None if result is None else _answer(result, self.state.settings.row_limit)


def _host(scope: Scope) -> str:
    """The Host header as Starlette's ``url_for`` uses it, else the server address."""
    for key, value in scope["headers"]:
        if key == b"host":
            return value.decode("latin-1")
    host, port = scope.get("server") or ("localhost", 80)
    return f"{host}:{port}"


class AccessLog:
    """One JSON line per request: method, path, status, bytes, duration, client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        info: dict[str, Any] = {"status": 500, "bytes": 0}

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                info["status"] = message["status"]
                headers = dict(message.get("headers", []))
                if b"x-sparql-rows" in headers:
                    info["rows"] = int(headers[b"x-sparql-rows"])
            elif message["type"] == "http.response.body":
                info["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_log.info(
                    json.dumps(
                        {
                            "ts": round(time.time(), 3),
                            "client": f"{client[0]}:{client[1]}" if client else None,
                            "method": scope["method"],
                            "path": scope["path"],
                            "query_string": scope["query_string"].decode("latin-1")[:200],
                            **info,
                            "ms": round((time.perf_counter() - start) * 1000, 2),
                        }
                    )
                )


# --- the app ----------------------------------------------------------------------------


def create_app(
    settings: Settings | None = None,
    sources: Sources | None = None,
    store: Store | None = None,
) -> FastAPI:
    """The app; by default the release in an embedded store with settings from the env.

    Raises :class:`StartupError` when the embedded store would have no release to serve.
    """
    settings = settings or load_settings()
    sources = sources or (Sources.at(settings.root) if settings.root else Sources())
    if not settings.store_url:
        check_release(sources)
    state = _State(settings, sources, store or open_store(settings, sources))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await state.store.start()
        try:
            background = max(settings.query_timeout_s, 300)
            try:
                state.stats = await state.store.initial_statistics(background)
            except ServeError as exc:  # a remote store that is down: serve 503s until it is up
                logging.getLogger("cytoowl.serve").warning("no statistics: %s", exc.message)
            state.downloads = _downloads(sources)
            state.examples = sources.examples()
            # Queries are served while the counts and the catalog are made (a minute at 1M
            # triples, once per store): pages that show them wait, see _State.get_browser.
            if not state.stats.counted:
                state.stats_task = asyncio.create_task(state.count_statistics(background))
            state.browser_task = asyncio.create_task(state.load_browser(background))
            flusher = asyncio.create_task(_flush_access_log_often())
            yield
            flusher.cancel()
        finally:
            _flush_access_log()
            for task in (state.browser_task, state.stats_task):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await state.validators.close()
            await state.store.close()

    app = FastAPI(
        title="cytoowl", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.cytoowl = state
    templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_sparql_routes(app, state, templates)
    _add_page_routes(app, state, templates)
    browse.add_routes(app, state, templates)
    add_health_routes(app, state)
    add_validation_routes(app, state.validators, templates)
    app.add_middleware(LookupFastPath, state=state)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)  # inside CORS: 413s get it too
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD"],
        allow_headers=["*"],
        expose_headers=["X-SPARQL-Rows", "X-SPARQL-Row-Limit", "X-SPARQL-Truncated", "Warning"],
    )
    app.add_middleware(AccessLog)
    return app


@dataclass
class _Protocol:
    """The SPARQL Protocol parameters of one request."""

    query: str | None = None
    update: bool = False
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None


async def _read_protocol(request: Request) -> _Protocol:
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
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise ServeError(400, "give exactly one query parameter")
    return _Protocol(
        query=queries[0] if queries else None,
        update=any(k == "update" for k, _ in params),
        default_graphs=tuple(v for k, v in params if k == "default-graph-uri"),
        named_graphs=tuple(v for k, v in params if k == "named-graph-uri"),
        format=next((v for k, v in params if k in ("format", "output")), None),
    )


def _add_sparql_routes(app: FastAPI, state: _State, templates: Jinja2Templates) -> None:
    settings = state.settings

    @app.api_route("/sparql", methods=["GET", "POST"])
    async def sparql(request: Request) -> Response:
        try:
            protocol = await _read_protocol(request)
        except ServeError as e:
            return _error(e.status, e.message)
        if protocol.update:
            return _error(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if protocol.query is None:
            if request.method == "POST" or protocol.default_graphs or protocol.named_graphs:
                return _error(400, "missing query parameter")
            return await _service_description(request, state, templates)
        if not protocol.query.strip():
            return _error(400, "empty query")
        formats = choose_formats(request.headers.get("accept"), protocol.format)
        if formats.results is None and formats.boolean is None and formats.graph is None:
            return _error(
                406,
                "no acceptable result format; offered: "
                + ", ".join(sorted({*GRAPH_TYPES, *FORMAT_NAMES.values()} - {HTML})),
            )
        try:
            result = await state.store.query(
                QueryRequest(
                    protocol.query,
                    formats,
                    protocol.default_graphs,
                    protocol.named_graphs,
                    prefixes=pages.PREFIXES,
                    base=str(request.url_for("sparql")),
                )
            )
        except ServeError as e:
            return _store_error(e)
        return _answer(result, settings.row_limit)


def _store_error(e: ServeError) -> Response:
    return _error(e.status, e.message, {"Retry-After": "5"} if e.status == 503 else None)


def _answer(result: QueryResult, row_limit: int) -> Response:
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


async def _service_description(
    request: Request, state: _State, templates: Jinja2Templates
) -> Response:
    """Bare GET: the query page for browsers, else the Service Description in RDF."""
    chosen = negotiate(request.headers.get("accept"), [*RDF_OFFERS, HTML])
    if chosen is None:
        return _error(406, "no acceptable format; offered: " + ", ".join([*RDF_OFFERS, HTML]))
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
                "prefixes": pages.PREFIXES,
            },
        )
    endpoint = str(request.url_for("sparql"))
    stats = await state.get_stats()  # without the counts if not made yet
    triples = service_description.describe(endpoint, stats, state.settings)
    prefixes = {"sd": service_description.SD, "void": service_description.VOID, **pages.PREFIXES}
    body = serialize(triples, format=GRAPH_TYPES[chosen], prefixes=prefixes) or b""
    return Response(body, media_type=content_type(chosen), headers={"Vary": "Accept"})


def _add_page_routes(app: FastAPI, state: _State, templates: Jinja2Templates) -> None:
    @app.get("/", response_class=HTMLResponse)
    async def landing(request: Request) -> Response:
        await state.get_stats()
        return templates.TemplateResponse(request, "landing.html", {"state": state})

    @app.api_route("/CYTO_{term_id}", methods=["GET", "HEAD"])
    async def term(request: Request, term_id: str) -> Response:
        found = TERM_RE.fullmatch(term_id)
        if not found:
            return _not_found(request, templates, f"CYTO_{term_id} is not a cytoowl identifier")
        iri = vocab.TERM_PREFIX + found.group(1)
        chosen = _term_format(request, found.group(2))
        if chosen is None:
            return _error(406, "no acceptable format; offered: " + ", ".join([HTML, *RDF_OFFERS]))
        if chosen == HTML:
            page = await pages.term_page(state.store, iri)
            if page is None:
                return _not_found(request, templates, f"no term {pages.curie(iri)} in cytoowl")
            return templates.TemplateResponse(
                request,
                "term.html",
                {"state": state, "t": page, "view": await _term_view(state, iri)},
                headers={"Vary": "Accept"},
            )
        triples = await pages.term_triples(state.store, iri)
        if not triples:
            return _error(404, f"no term {pages.curie(iri)} in cytoowl")
        body = pages.serialize_triples(triples, GRAPH_TYPES[chosen])
        return Response(body, media_type=content_type(chosen), headers={"Vary": "Accept"})

    @app.api_route("/downloads/{name:path}", methods=["GET", "HEAD"])
    async def download(request: Request, name: str) -> Response:
        return _send_file(request, state, name, templates)

    @app.api_route("/docs", methods=["GET", "HEAD"])
    async def reference_docs(request: Request) -> Response:
        """The HTML reference the build generates (ontology/docs/index.html)."""
        return _send_file(request, state, "docs/index.html", templates)

    for release_file in ("cytoowl.owl", "cytoowl.ttl", "cytoowl.jsonld", "cytoowl-base.owl"):
        # The ontology IRI (and its siblings) dereference to the release file itself.
        async def alias(request: Request, name: str = release_file) -> Response:
            return _send_file(request, state, name, templates)

        app.add_api_route(f"/{release_file}", alias, methods=["GET", "HEAD"])


async def _term_view(state: _State, iri: str) -> browse.TermView | None:
    return browse.term_view(await state.get_browser(), iri)


def _term_format(request: Request, extension: str | None) -> str | None:
    name = extension or request.query_params.get("format")
    if name:
        media = FORMAT_NAMES.get(name.lower(), name.lower())
        return media if media in (HTML, *RDF_OFFERS) else None
    return negotiate(request.headers.get("accept"), [HTML, *RDF_OFFERS])


def _not_found(request: Request, templates: Jinja2Templates, message: str) -> Response:
    if negotiate(request.headers.get("accept"), [HTML, "text/plain"]) == HTML:
        return templates.TemplateResponse(
            request, "not_found.html", {"message": message}, status_code=404
        )
    return _error(404, message)


def _send_file(request: Request, state: _State, name: str, templates: Jinja2Templates) -> Response:
    item = state.downloads.get(name)
    if item is None:
        return _not_found(request, templates, f"no download named {name}")
    # What is on disk now, not at start-up: a rebuild while serving changes the files, and
    # Content-Length and ETag must describe the bytes actually sent.
    try:
        data = item.path.read_bytes()
    except OSError:
        return _not_found(request, templates, f"the download {name} is missing on the server")
    etag = f'"{state.stats.version}-{hashlib.sha256(data).hexdigest()[:16]}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    inm = request.headers.get("if-none-match", "")
    if etag in {tag.strip() for tag in inm.split(",")} or inm.strip() == "*":
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{item.path.name}"'
    headers["Content-Length"] = str(len(data))
    body = b"" if request.method == "HEAD" else data
    return Response(body, media_type=content_type(item.media_type), headers=headers)


ACCESS_LOG_LINES = 256  # buffered lines: one write per batch, not a flush per request
ACCESS_LOG_FLUSH_S = 1.0  # and at least once a second (lifespan task), as nginx's buffer=


def logging_config() -> dict[str, Any]:
    """uvicorn's logging configuration plus the structured access log on stderr.

    Given to uvicorn as ``log_config``: uvicorn applies it with ``dictConfig``, which
    closes every handler configured before, so the access log must be part of it (a
    ``MemoryHandler`` set up earlier lost its target there and kept every record in
    memory, ~650 bytes a request). Lines are buffered and written in batches of
    ``ACCESS_LOG_LINES``, at most ``ACCESS_LOG_FLUSH_S`` late (a lifespan task flushes).
    """
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["access_line"] = {"format": "%(message)s"}
    config["handlers"]["access_stream"] = {
        "class": "logging.StreamHandler",
        "formatter": "access_line",
        "stream": "ext://sys.stderr",
    }
    config["handlers"]["access_buffer"] = {
        "class": "logging.handlers.MemoryHandler",
        "capacity": ACCESS_LOG_LINES,
        "flushLevel": logging.WARNING,
        "target": "access_stream",
        "flushOnClose": True,
    }
    config["loggers"][access_log.name] = {
        "handlers": ["access_buffer"],
        "level": "INFO",
        "propagate": False,
    }
    # The server's own messages (store loaded, workers started, catalog built) as uvicorn's.
    config["loggers"]["cytoowl"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def skip_logging_lookups() -> None:
    """The logging docs' "Optimization" knobs: no caller frame walk (deep under ASGI), no
    thread or process lookups per record; none of the server's log formats use them.
    Logging cost ~55 us of a ~260 us lookup (in-process, 1M triples) without them."""
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False


def _flush_access_log() -> None:
    for handler in access_log.handlers:
        handler.flush()


async def _flush_access_log_often() -> None:
    while True:
        await asyncio.sleep(ACCESS_LOG_FLUSH_S)
        _flush_access_log()


def run(settings: Settings) -> None:
    """Serve with uvicorn until interrupted."""
    import uvicorn

    skip_logging_lookups()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=logging_config(),
        access_log=False,
        timeout_graceful_shutdown=5,  # then the lifespan kills the workers of running queries
    )
