"""``POST /validate``: SHACL validation of posted RDF, each request in a process of its own.

The body (Turtle, JSON-LD or N-Triples; size-limited by the app's body limit) goes to a fresh
``python -m cytoowl.validate.worker`` process, killed at its time limit (``validate_timeout_s``)
and limited in address space (``worker_memory_mb``), so a hostile body neither blocks the event
loop nor takes the server down; at most ``SLOTS`` validations run at once and a request that
cannot get a slot in time gets 503.
The report comes back as JSON-LD, Turtle or, for browsers, an HTML table; ``GET /validate`` is
the form to paste or upload a file.
"""

from __future__ import annotations

import asyncio
import functools
import json
import resource
import sys
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from cytoowl.serve.protocol.negotiation import negotiate
from cytoowl.settings import Settings

SLOTS = 2
# Content-Type of a direct POST -> the worker's format name.
MEDIA = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
FORM_FORMATS = {"turtle": "Turtle", "json-ld": "JSON-LD", "nt": "N-Triples"}
REPORT_TYPES = ["application/ld+json", "text/turtle", "text/html"]


class ValidationError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _limit_memory(megabytes: int) -> None:  # runs in the child before exec
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


async def run_worker(body: bytes, fmt: str, settings: Settings, slots: asyncio.Semaphore) -> dict:
    """Validate ``body`` in a worker process; the outcome, or :class:`ValidationError`."""
    timeout = settings.validate_timeout_s
    deadline = asyncio.get_running_loop().time() + timeout
    try:
        async with asyncio.timeout_at(deadline):
            await slots.acquire()
    except TimeoutError:
        raise ValidationError(503, f"all validation slots stayed busy for {timeout:g} s") from None
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cytoowl.validate.worker",
            fmt,
            "request body",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            preexec_fn=functools.partial(_limit_memory, settings.worker_memory_mb),
        )
        try:
            async with asyncio.timeout_at(deadline):
                out, _ = await child.communicate(body)
        except TimeoutError:
            child.kill()
            await child.wait()
            raise ValidationError(
                504, f"validation stopped at the time limit of {timeout:g} s; send less data"
            ) from None
    finally:
        slots.release()
    if child.returncode != 0:
        raise ValidationError(503, "the validation process failed (out of memory?)")
    outcome = json.loads(out)
    if "error" in outcome:
        raise ValidationError(400, f"unusable input: {outcome['error']}")
    return outcome


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
            raise ValidationError(400, f"unknown format '{fmt}': use {', '.join(FORM_FORMATS)}")
        return body, fmt, True
    if media not in MEDIA:
        raise ValidationError(
            415,
            f"unsupported Content-Type {media or '(none)'}: send text/turtle, "
            "application/ld+json or application/n-triples (or the form of GET /validate)",
        )
    return await request.body(), MEDIA[media], False


def add_validation_routes(app: FastAPI, settings: Settings, templates: Jinja2Templates) -> None:
    slots = asyncio.Semaphore(SLOTS)

    def page(request: Request, status: int = 200, **context: Any) -> Response:
        context = {"formats": FORM_FORMATS, "timeout": settings.validate_timeout_s, **context}
        return templates.TemplateResponse(request, "validate.html", context, status_code=status)

    @app.get("/validate")
    async def validate_form(request: Request) -> Response:
        return page(request)

    @app.post("/validate")
    async def validate(request: Request) -> Response:
        html = negotiate(request.headers.get("accept"), REPORT_TYPES) == "text/html"
        try:
            body, fmt, form = await _posted(request)
            outcome = await run_worker(body, fmt, settings, slots)
        except ValidationError as exc:
            if html or "form" in request.headers.get("content-type", ""):
                return page(request, exc.status, error=exc.message)
            return Response(exc.message + "\n", exc.status, media_type="text/plain")
        chosen = "text/html" if form else negotiate(request.headers.get("accept"), REPORT_TYPES)
        if chosen == "text/html":
            return page(request, outcome=outcome, data=body.decode("utf-8", "replace"))
        if chosen == "text/turtle":
            return Response(outcome["turtle"], media_type="text/turtle")
        if chosen is None:
            return Response("406: offer application/ld+json, text/turtle or text/html\n", 406)
        return Response(outcome["jsonld"], media_type="application/ld+json")
