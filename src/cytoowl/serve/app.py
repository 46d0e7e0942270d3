"""The cytoowl web server, wired: the state every route reads, the routes of each package,
the middleware, start-up and shutdown. :func:`create_app` builds it and :func:`run` serves it
with uvicorn (``cytoowl serve``).

Where things are: ``/sparql`` in :mod:`cytoowl.serve.query`; search, browse, term pages and
downloads in :mod:`cytoowl.serve.browse`; ``/validate`` in :mod:`cytoowl.serve.validation`;
``/health``, ``/ready``, the body limit and the access log in :mod:`cytoowl.serve.http`; the
store in :mod:`cytoowl.serve.store`, and the child processes in :mod:`cytoowl.serve.workers`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.cors import CORSMiddleware

from cytoowl import storelock
from cytoowl.dataset import Example, Sources
from cytoowl.serve.browse import browser as browse
from cytoowl.serve.browse import routes as browse_routes
from cytoowl.serve.browse import site
from cytoowl.serve.errors import ServeError
from cytoowl.serve.http import health
from cytoowl.serve.http.middleware import (
    MAX_HEAD_BYTES,
    AccessLog,
    BodyLimit,
    HeadLimitedHttpTools,
    SecurityHeaders,
    flush_access_log,
    flush_access_log_often,
    logging_config,
    skip_logging_lookups,
)
from cytoowl.serve.query import routes as query_routes
from cytoowl.serve.store.base import Store
from cytoowl.serve.store.selector import open_store
from cytoowl.serve.store.statistics import Stats
from cytoowl.serve.validation import routes as validation_routes
from cytoowl.serve.workers.validators import Validators
from cytoowl.settings import Settings, load_settings

HERE = Path(__file__).parent
log = logging.getLogger("cytoowl.serve")
#: How long a page waits for the counts made after start-up (seconds at 1M triples).
STATS_WAIT_S = 5.0
#: How long a replaced catalog stays open for the searches that took it before.
RETIRE_S = 60.0


@dataclass
class ServerState:
    """What the routes read: settings, the store, what is known of the data (statistics,
    downloads, examples), the catalog of search and browse (built after start-up) and the
    validation processes. Each routes module names the part it reads (a ``Protocol``)."""

    settings: Settings
    sources: Sources
    store: Store
    stats: Stats = field(default_factory=Stats)
    downloads: dict[str, site.Download] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    browser: browse.Browser | None = None
    browser_task: asyncio.Task[None] | None = None
    #: The store generation the catalog was made from, and catalogs replaced since.
    browser_generation: int = 0
    retired: list[browse.Browser] = field(default_factory=list)
    stats_task: asyncio.Task[None] | None = None
    validators: Validators = field(init=False)

    def __post_init__(self) -> None:
        self.validators = Validators(self.settings)

    async def get_stats(self, wait: float = STATS_WAIT_S) -> Stats:
        """The statistics; the counts are made after start-up, so a request waits for them
        (at most ``wait`` seconds) and otherwise gets what is known (the header)."""
        if not self.stats.counted and self.stats_task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.stats_task), wait)
        return self.stats

    async def count_statistics(self, timeout: float) -> None:
        """Never raises: pages waiting for the counts keep the header if counting fails."""
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
        reloading = self.browser_task is not None and not self.browser_task.done()
        if self.browser_generation != self.store.generation and not reloading:
            # The store was loaded anew: a new catalog is made meanwhile, the old one serves.
            timeout = max(self.settings.query_timeout_s, 300)
            self.browser_task = asyncio.create_task(self.load_browser(timeout))
        return self.browser

    async def load_browser(self, timeout: float) -> None:
        if self.stats_task is not None:  # one scan of the store at a time (never raises)
            await asyncio.shield(self.stats_task)
        generation = self.store.generation
        try:
            browser = await browse.Browser.load(self.store, timeout)
        except ServeError as exc:  # e.g. a remote store down, or refusing deep pages
            log.warning("empty catalog: %s", exc.message)
            browser = browse.Browser.empty(exc.message)
        except Exception as exc:
            log.exception("the catalog of search and browse could not be built")
            browser = browse.Browser.empty(f"{type(exc).__name__}: {exc}")
        self.browser_generation = generation
        if self.browser is not None and browser.problem is not None:
            browser.close()  # a new catalog that failed: the old one keeps serving
            return
        if self.browser is not None:
            self.retire(self.browser)
        self.browser = browser

    def retire(self, old: browse.Browser) -> None:
        """Close a replaced catalog once the searches that took it are over (they are
        bounded by the query time limit), or at shutdown."""
        self.retired.append(old)

        def close() -> None:
            if old in self.retired:
                self.retired.remove(old)
                old.close()

        asyncio.get_running_loop().call_later(RETIRE_S, close)


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
    state = ServerState(settings, sources, store or open_store(settings, sources))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await state.store.start()
        try:
            background = max(settings.query_timeout_s, 300)
            try:
                state.stats = await state.store.initial_statistics(background)
            except ServeError as exc:  # a remote store that is down: serve 503s until it is up
                log.warning("no statistics: %s", exc.message)
            state.downloads = site.downloads_of(sources)
            state.examples = sources.examples()
            # Queries are served while the counts and the catalog are made (a minute at 1M
            # triples, once per store): pages that show them wait, see get_browser.
            if not state.stats.counted:
                state.stats_task = asyncio.create_task(state.count_statistics(background))
            state.browser_task = asyncio.create_task(state.load_browser(background))
            flusher = asyncio.create_task(flush_access_log_often())
            yield
            flusher.cancel()
        finally:
            flush_access_log()
            for task in (state.browser_task, state.stats_task):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            for browser in [state.browser, *state.retired]:
                if browser is not None:
                    browser.close()
            await state.validators.close()
            await state.store.close()

    app = FastAPI(
        title="cytoowl", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.cytoowl = state
    templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    query_routes.add_routes(app, state, templates)
    site.add_routes(app, state, templates)
    browse_routes.add_routes(app, state, templates)
    health.add_routes(app, state)
    validation_routes.add_routes(app, state.validators, templates)
    app.add_middleware(query_routes.LookupFastPath, state=state)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)  # inside CORS: 413s get it too
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD"],
        allow_headers=["*"],
        expose_headers=["X-SPARQL-Rows", "X-SPARQL-Row-Limit", "X-SPARQL-Truncated", "Warning"],
    )
    app.add_middleware(SecurityHeaders)  # outside CORS and the limit: every answer has them
    app.add_middleware(AccessLog)
    return app


def run(settings: Settings) -> None:
    """Serve with uvicorn until interrupted."""
    import uvicorn

    if settings.store_dir and not settings.store_url:  # one line now, not a traceback later
        busy = storelock.holder(Path(settings.store_dir))
        if busy is not None:
            raise StartupError(busy)
    skip_logging_lookups()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=logging_config(),
        access_log=False,
        timeout_graceful_shutdown=5,  # then the lifespan kills the workers of running queries
        http=HeadLimitedHttpTools,  # 431 past MAX_HEAD_BYTES of request head
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,  # the same, were h11 used
    )
