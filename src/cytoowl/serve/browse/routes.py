"""Find and browse: the search and hierarchy APIs (JSON), the search and tree pages. All read
one :class:`Browser`, built after start-up. Search runs in its own threads, not on the event
loop (SQLite blocks; each thread reads the catalog through its own connection).

Every parameter is checked before any work: query length (``search.MAX_QUERY``), ``limit``
(1..``search.MAX_LIMIT``), ``page``/``size`` (``hierarchy.Paging``), ``type``; a bad one is a
400 that says what is allowed.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from cytoowl.serve.browse import hierarchy, search
from cytoowl.serve.browse.browser import Browser, tree, yasgui_available
from cytoowl.serve.browse.hierarchy import Paging

T = TypeVar("T")
#: Search's own threads. Two, not one per waiting request (Starlette's pool lends up to 40):
#: eight clients' searches then queue here instead of eight threads taking turns at the
#: interpreter with the event loop (p99 at 8 clients 24 -> 14 ms, docs/serving.md).
SEARCH_THREADS = 2
_SEARCH = ThreadPoolExecutor(max_workers=SEARCH_THREADS, thread_name_prefix="cytoowl-search")


async def in_search_thread(function: Callable[..., T], *args: object) -> T:
    """Run a (blocking, SQLite) search call in one of search's threads."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_SEARCH, functools.partial(function, *args))


class BrowseState(Protocol):
    """What the browse routes read of the server's state."""

    async def get_browser(self) -> Browser | None: ...


class _Building(Exception):
    """The catalog is still being built (start-up); the client should retry."""


BUILDING = "the search index is still being built after start-up; retry in a few seconds"


class _Unavailable(Exception):
    """The catalog could not be built; the message says why."""


class _Invalid(Exception):
    pass


def _json_error(status: int, message: str) -> Response:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def _query(request: Request, required: bool = True) -> str:
    q = request.query_params.get("q", "")
    if len(q) > search.MAX_QUERY:
        raise _Invalid(f"q is longer than {search.MAX_QUERY} characters")
    if required and not q.strip():
        raise _Invalid("give the text to search for as q")
    return q


def _kind(request: Request) -> str | None:
    kind = request.query_params.get("type") or None
    if kind is not None and kind not in search.TYPES:
        raise _Invalid(f"type must be one of {', '.join(search.TYPES)}, not {kind[:20]!r}")
    return kind


def _limit(request: Request) -> int:
    text = request.query_params.get("limit", "10")
    if not text.isdigit() or not 1 <= int(text) <= search.MAX_LIMIT:
        raise _Invalid(f"limit must be an integer from 1 to {search.MAX_LIMIT}")
    return int(text)


def _paging(request: Request) -> Paging:
    try:
        return Paging.parse(request.query_params.get("page"), request.query_params.get("size"))
    except ValueError as e:
        raise _Invalid(str(e)) from None


def add_routes(app: FastAPI, state: BrowseState, templates: Jinja2Templates) -> None:
    """The browse routes; ``state.browser`` is filled by the app's lifespan."""
    templates.env.globals["yasgui"] = yasgui_available

    @app.exception_handler(_Building)
    async def building(request: Request, exc: _Building) -> Response:
        return JSONResponse({"error": BUILDING}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(_Unavailable)
    async def unavailable(request: Request, exc: _Unavailable) -> Response:
        message = f"search and browse are unavailable: the catalog could not be built ({exc})"
        return JSONResponse({"error": message}, status_code=503, headers={"Retry-After": "60"})

    async def browser() -> Browser:
        found = await state.get_browser()
        if found is None:
            raise _Building
        if found.problem is not None:
            raise _Unavailable(found.problem)
        return found

    @app.get("/api/suggest")
    async def suggest(request: Request) -> Response:
        try:
            q, limit, kind = _query(request, required=False), _limit(request), _kind(request)
        except _Invalid as e:
            return _json_error(400, str(e))
        index = (await browser()).index
        hits = await in_search_thread(index.suggest, q, limit, kind) if q.strip() else []
        return JSONResponse({"query": q, "suggestions": [h.json() for h in hits]})

    @app.get("/api/search")
    async def search_api(request: Request) -> Response:
        try:
            q, kind, paging = _query(request), _kind(request), _paging(request)
        except _Invalid as e:
            return _json_error(400, str(e))
        index = (await browser()).index
        total, hits = await in_search_thread(index.search, q, kind, paging.page, paging.size)
        return JSONResponse(
            {
                "query": q,
                "type": kind,
                "total": total,
                "page": {"number": paging.page, "size": paging.size},
                "results": [h.json() for h in hits],
            }
        )

    @app.get("/api/terms")
    async def term_by_iri(request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        term = (await browser()).resolve(iri) if iri else None
        if term is None:
            return _json_error(404, f"no term {iri[:200]!r}: give ?iri=IRI or /api/terms/CURIE")
        return JSONResponse(hierarchy.term_json((await browser()).hierarchy, term))

    @app.get("/api/terms/{term_id}")
    async def term_api(term_id: str) -> Response:
        term = (await browser()).resolve(term_id)
        if term is None:
            return _json_error(404, f"no term {term_id[:200]!r} in cytoowl")
        return JSONResponse(hierarchy.term_json((await browser()).hierarchy, term))

    @app.get("/api/terms/{term_id}/{relation}")
    async def related_api(request: Request, term_id: str, relation: str) -> Response:
        if relation not in hierarchy.RELATIONS:
            return _json_error(404, f"no such list {relation!r}: {', '.join(hierarchy.RELATIONS)}")
        try:
            paging = _paging(request)
        except _Invalid as e:
            return _json_error(400, str(e))
        b = await browser()
        term = b.resolve(term_id)
        if term is None:
            return _json_error(404, f"no term {term_id[:200]!r} in cytoowl")
        iris = b.hierarchy.related(term.iri, relation)
        key = "individuals" if relation == "instances" else "terms"
        href = hierarchy.api_href(term, relation)
        return JSONResponse(hierarchy.page_json(b.hierarchy, iris, paging, href, key))

    @app.get("/search")
    async def search_page(request: Request) -> Response:
        try:
            q, kind, paging = _query(request, required=False), _kind(request), _paging(request)
        except _Invalid as e:
            return templates.TemplateResponse(
                request, "not_found.html", {"state": state, "message": str(e)}, status_code=400
            )
        index = (await browser()).index
        total, hits = (
            await in_search_thread(index.search, q, kind, paging.page, paging.size)
            if q
            else (0, [])
        )
        return templates.TemplateResponse(
            request,
            "search.html",
            {"state": state, "q": q, "total": total, "hits": hits, "paging": paging},
        )

    @app.get("/tree")
    async def tree_page(request: Request) -> Response:
        return templates.TemplateResponse(
            request, "tree.html", {"state": state, "tree": tree(await browser())}
        )
