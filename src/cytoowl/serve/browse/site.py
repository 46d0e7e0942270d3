"""The site around the data: the landing page, term pages (HTML, Turtle, JSON-LD, RDF/XML by
Accept, ``?format=`` or extension), the downloads of the release files and the HTML reference.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from cytoowl import formats, vocab
from cytoowl.dataset import Sources
from cytoowl.serve.browse import terms
from cytoowl.serve.browse.browser import Browser, TermView, term_view
from cytoowl.serve.browse.hierarchy import safe_href
from cytoowl.serve.errors import plain_error
from cytoowl.serve.protocol import (
    FORMAT_NAMES,
    GRAPH_TYPES,
    HTML,
    RDF_OFFERS,
    content_type,
    negotiate,
)
from cytoowl.serve.store.base import Store
from cytoowl.serve.store.statistics import Stats

TERM_RE = re.compile(r"(\d{7})(?:\.(\w+))?")


@dataclass
class Download:
    """A served file with its media type and size at start-up (the landing page's list);
    its ETag is made when it is sent, from the bytes on disk then (see _send_file)."""

    name: str
    path: Path
    media_type: str
    size: int


def downloads_of(sources: Sources) -> dict[str, Download]:
    out = {}
    for path in sources.downloads():
        name = (
            f"shapes/{path.name}"
            if path.parent == sources.shapes_dir
            else (path.relative_to(sources.release.directory).as_posix())
        )
        out[name] = Download(name, path, formats.media_type(path), path.stat().st_size)
    return out


class SiteState(Protocol):
    """What the site's routes read of the server's state."""

    store: Store
    stats: Stats
    downloads: dict[str, Download]

    async def get_stats(self) -> Stats: ...

    async def get_browser(self) -> Browser | None: ...


def anchor(href: str, label: str) -> Markup:
    """``<a href>label</a>`` for a safe target (:func:`safe_href`), else the label as text."""
    safe = safe_href(href)
    return Markup('<a href="{}">{}</a>').format(safe, label) if safe else escape(label)


def add_routes(app: FastAPI, state: SiteState, templates: Jinja2Templates) -> None:
    templates.env.globals["anchor"] = anchor

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
            return plain_error(
                406, "no acceptable format; offered: " + ", ".join([HTML, *RDF_OFFERS])
            )
        if chosen == HTML:
            page = await terms.term_page(state.store, iri)
            if page is None:
                return _not_found(request, templates, f"no term {terms.curie(iri)} in cytoowl")
            return templates.TemplateResponse(
                request,
                "term.html",
                {"state": state, "t": page, "view": await _term_view(state, iri)},
                headers={"Vary": "Accept"},
            )
        triples = await terms.term_triples(state.store, iri)
        if not triples:
            return plain_error(404, f"no term {terms.curie(iri)} in cytoowl")
        body = terms.serialize_triples(triples, GRAPH_TYPES[chosen])
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


async def _term_view(state: SiteState, iri: str) -> TermView | None:
    return term_view(await state.get_browser(), iri)


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
    return plain_error(404, message)


def _send_file(
    request: Request, state: SiteState, name: str, templates: Jinja2Templates
) -> Response:
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
