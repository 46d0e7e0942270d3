"""``POST /validate``: SHACL validation of posted RDF, and ``GET /validate``, the form.

The body (Turtle, JSON-LD or N-Triples; size-limited by the app's body limit) is validated
in a warm validation process (:class:`cytoowl.serve.workers.validators.Validators`: time and
memory limited, so a hostile body neither blocks the event loop nor takes the server down).
The report comes back as JSON-LD, Turtle or, for browsers, an HTML table; ``GET /validate`` is
the form to paste or upload a file.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pyoxigraph import RdfFormat

from cytoowl.serve.errors import ServeError, plain_error
from cytoowl.serve.protocol.negotiation import GRAPH_TYPES, HTML, media_type, negotiate
from cytoowl.serve.workers.validators import Validators

#: The syntaxes a body may be in (the validator's ``--format`` name, as the form offers them).
POSTED = {RdfFormat.TURTLE: "turtle", RdfFormat.JSON_LD: "json-ld", RdfFormat.N_TRIPLES: "nt"}
# Content-Type of a direct POST -> the worker's format name (every name the server's table
# has for these syntaxes).
MEDIA = {media: POSTED[fmt] for media, fmt in GRAPH_TYPES.items() if fmt in POSTED}
FORM_FORMATS = {name: fmt.name for fmt, name in POSTED.items()}
REPORT_TYPES = [media_type(RdfFormat.JSON_LD), media_type(RdfFormat.TURTLE), HTML]


async def _posted(request: Request) -> tuple[bytes, str, bool]:
    """(body, format name, from the HTML form) of a ``POST /validate``."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form()
        fmt = str(form.get("format") or "turtle")
        upload = form.get("file")
        body = b""
        if upload is not None and not isinstance(upload, str):
            body = await upload.read()
        if not body.strip():
            body = str(form.get("data") or "").encode("utf-8")
        if fmt not in FORM_FORMATS:
            raise ServeError(400, f"unknown format '{fmt}': use {', '.join(FORM_FORMATS)}")
        return body, fmt, True
    if media not in MEDIA:
        raise ServeError(
            415,
            f"unsupported Content-Type {media or '(none)'}: send text/turtle, "
            "application/ld+json or application/n-triples (or the form of GET /validate)",
        )
    return await request.body(), MEDIA[media], False


def add_routes(app: FastAPI, validators: Validators, templates: Jinja2Templates) -> None:
    settings = validators.settings

    def page(request: Request, status: int = 200, **context: Any) -> Response:
        context = {"formats": FORM_FORMATS, "timeout": settings.validate_timeout_s, **context}
        return templates.TemplateResponse(request, "validate.html", context, status_code=status)

    @app.get("/validate")
    async def validate_form(request: Request) -> Response:
        return page(request)

    @app.post("/validate")
    async def validate(request: Request) -> Response:
        html = negotiate(request.headers.get("accept"), REPORT_TYPES) == HTML
        try:
            body, fmt, form = await _posted(request)
            outcome = await validators.run(body, fmt)
        except ServeError as exc:
            if html or "form" in request.headers.get("content-type", ""):
                return page(request, exc.status, error=exc.message)
            return plain_error(exc.status, exc.message)
        chosen = HTML if form else negotiate(request.headers.get("accept"), REPORT_TYPES)
        if chosen == HTML:
            return page(request, outcome=outcome, data=body.decode("utf-8", "replace"))
        if chosen is None:
            return plain_error(
                406, "no acceptable report format; offered: " + ", ".join(REPORT_TYPES)
            )
        # The report in the syntax chosen: Turtle, else JSON-LD.
        report = outcome["turtle"] if GRAPH_TYPES[chosen] == RdfFormat.TURTLE else outcome["jsonld"]
        return Response(report, media_type=chosen)
