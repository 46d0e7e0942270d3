"""Find and browse: the search and hierarchy APIs (JSON), the search and tree pages, and what
term pages add (ancestor paths, diagrams). All read one :class:`Browser`, loaded at start-up.

Every parameter is checked before any work: query length (``search.MAX_QUERY``), ``limit``
(1..``search.MAX_LIMIT``), ``page``/``size`` (``hierarchy.Paging``), ``type``; a bad one is a
400 that says what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from cytoowl import vocab
from cytoowl.serve.browse import diagrams, hierarchy, search
from cytoowl.serve.browse.catalog import Catalog, Term
from cytoowl.serve.browse.hierarchy import Hierarchy, Paging, page_href
from cytoowl.serve.browse.search import SearchIndex
from cytoowl.serve.store.base import Store

STATIC = Path(__file__).parents[1] / "static"
#: Where ``make assets`` puts YASGUI's built files (not committed; see docs/serving.md).
YASGUI = STATIC / "vendor" / "yasgui"
TREE_MEMBERS = 200
#: How long a search or browse request waits for the catalog being built at start-up.
WAIT_S = 20.0


@dataclass
class Browser:
    """The catalog with its hierarchy and search index."""

    catalog: Catalog
    #: Why this is the empty stand-in for a catalog that could not be built (None: the real one).
    problem: str | None = None
    hierarchy: Hierarchy = field(init=False)
    index: SearchIndex = field(init=False)

    def __post_init__(self) -> None:
        self.hierarchy = Hierarchy(self.catalog)
        self.index = SearchIndex(self.catalog)

    @classmethod
    async def load(cls, store: Store, timeout: float = 300) -> Browser:
        """The store's catalog file (built once per store, see ``Store.derived_file``)."""
        path = await store.derived_file(search.CATALOG_FILE, search.build_catalog, timeout)
        return cls(Catalog.open(path))

    @classmethod
    def empty(cls, problem: str) -> Browser:
        """Nothing to search or browse: the store's catalog could not be read (``problem``)."""
        return cls(search.empty_catalog(), problem)

    def resolve(self, text: str) -> Term | None:
        """A term by CURIE (``CYTO:0001140``), short form (``CYTO_0001140``) or IRI."""
        text = text.strip()
        candidates = [text]
        if "://" not in text:
            curie = text if ":" in text else text.replace("_", ":", 1)
            if ":" in curie:
                candidates.append(vocab.CONVERTER.expand(curie) or "")
        return next((self.catalog.terms[c] for c in candidates if c in self.catalog.terms), None)


def yasgui_available() -> bool:
    return (YASGUI / "yasgui.min.js").is_file() and (YASGUI / "yasgui.min.css").is_file()


class _Building(Exception):
    """The catalog is still being built (start-up); the client should retry."""


BUILDING = "the search index is still being built after start-up; retry in a few seconds"


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


def add_routes(app: FastAPI, state: Any, templates: Jinja2Templates) -> None:
    """The browse routes; ``state.browser`` is filled by the app's lifespan."""
    templates.env.globals["yasgui"] = yasgui_available

    @app.exception_handler(_Building)
    async def building(request: Request, exc: _Building) -> Response:
        return JSONResponse({"error": BUILDING}, status_code=503, headers={"Retry-After": "5"})

    async def browser() -> Browser:
        found = await state.get_browser()
        if found is None:
            raise _Building
        return found

    @app.get("/api/suggest")
    async def suggest(request: Request) -> Response:
        try:
            q, limit, kind = _query(request, required=False), _limit(request), _kind(request)
        except _Invalid as e:
            return _json_error(400, str(e))
        hits = (await browser()).index.suggest(q, limit, kind) if q.strip() else []
        return JSONResponse({"query": q, "suggestions": [h.json() for h in hits]})

    @app.get("/api/search")
    async def search_api(request: Request) -> Response:
        try:
            q, kind, paging = _query(request), _kind(request), _paging(request)
        except _Invalid as e:
            return _json_error(400, str(e))
        total, hits = (await browser()).index.search(q, kind, paging.page, paging.size)
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
        total, hits = (
            (await browser()).index.search(q, kind, paging.page, paging.size) if q else (0, [])
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


# --- what the pages show --------------------------------------------------------------------


@dataclass
class Node:
    """One class in the tree, with its subclasses and (the first of) its own members."""

    iri: str
    label: str
    href: str
    count: int
    children: list[Node]
    members: list[tuple[str, str]]  # (label, href)
    more_members: int = 0


def tree(b: Browser) -> dict[str, Any]:
    """The class tree from the root classes down, and the other ontologies' classes."""
    h = b.hierarchy

    def node(iri: str, above: frozenset[str]) -> Node:
        if iri in above or len(above) > hierarchy.MAX_DEPTH:  # a cycle stops the walk
            return Node(iri, b.catalog.name(iri), page_href(iri), 0, [], [])
        inner = above | {iri}
        members = h.own_members(iri)
        shown = [(b.catalog.name(m), page_href(m)) for m in members[:TREE_MEMBERS]]
        return Node(
            iri,
            b.catalog.name(iri),
            page_href(iri),
            h.member_count(iri),
            [
                node(c, inner)
                for c in h.children(iri)
                if b.catalog.get(c) and b.catalog.terms[c].kind == "class"
            ],
            shown,
            max(0, len(members) - TREE_MEMBERS),
        )

    external = {
        prefix: [(b.catalog.name(i), page_href(i), len(b.catalog.members.get(i, ()))) for i in iris]
        for prefix, iris in h.external.items()
    }
    return {"roots": [node(r, frozenset()) for r in h.roots], "external": external}


@dataclass
class TermView:
    """What a term page shows beyond its triples."""

    paths: list[list[tuple[str, str]]]  # root-to-term, (label, href)
    complex: diagrams.Picture | None
    network: diagrams.Picture | None

    @property
    def complex_svg(self) -> Markup | None:
        return Markup(self.complex.svg) if self.complex else None  # built with escape()

    @property
    def network_svg(self) -> Markup | None:
        return Markup(self.network.svg) if self.network else None


def term_view(b: Browser | None, iri: str) -> TermView | None:
    if b is None or b.catalog.get(iri) is None:
        return None
    paths = [[(b.catalog.name(i), page_href(i)) for i in p] for p in b.hierarchy.paths(iri)]
    kind = b.catalog.terms[iri].kind
    return TermView(
        paths,
        diagrams.complex_diagram(b.catalog, b.hierarchy, iri) if kind == "individual" else None,
        diagrams.family_network(b.catalog, b.hierarchy, iri) if kind == "class" else None,
    )
