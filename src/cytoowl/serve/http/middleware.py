"""What every request passes through: the body limit, security headers and the access log.

:class:`BodyLimit` answers 413 to bodies over the limit; :class:`SecurityHeaders` puts a
Content-Security-Policy and frame headers on every HTML answer and ``nosniff`` on every
answer; :class:`AccessLog` writes one JSON
line per request, buffered (:func:`logging_config`, given to uvicorn) and flushed at least
once a second (:func:`flush_access_log_often`, a task of the app's lifespan).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cytoowl.serve.errors import plain_error

access_log = logging.getLogger("cytoowl.access")


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
        response = plain_error(413, f"request body larger than the limit of {self.limit} bytes")
        await response(scope, receive, send)


#: Every HTML answer: scripts only from this server's files (no inline script, no eval), no
#: plugins, never framed, links and forms not redirected. Inline styles stay allowed: YASGUI
#: (the query page) sets them; a style cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_EVERY_ANSWER = [(b"x-content-type-options", b"nosniff")]
_HTML_ANSWER = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """``nosniff`` on every answer; the CSP and frame headers on every HTML answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                headers += _EVERY_ANSWER
                if kind.lower().startswith(b"text/html"):
                    headers += _HTML_ANSWER
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, secured_send)


#: Bytes of a request's head (request line and headers) read at most; 431 beyond. Browsers
#: send under 2 KB; nginx's default buffers allow 32 KB.
MAX_HEAD_BYTES = 32 * 1024
LINGER_S = 2.0
_TOO_LARGE = b"request header fields larger than the limit of %d bytes" % MAX_HEAD_BYTES


class HeadLimitedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a cap on the request head: 431 and the connection
    closed once ``MAX_HEAD_BYTES`` arrive before the headers end (uvicorn has no such
    limit for httptools; it took a 50 MB header into memory). Subclassed because uvicorn
    offers no hook between the socket and the parser."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0  # of the head being read (-1: refused)
        self._in_head = True

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0

    def data_received(self, data: bytes) -> None:
        if self._head_bytes < 0:  # refused: read and drop what is still coming
            return
        if self._in_head:  # count the head's part of the chunk before the parser sees it
            end = data.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else end + 4
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse()
                return
        super().data_received(data)

    def _refuse(self) -> None:
        """431, then a lingering close: what the client still sends is read and dropped
        for a moment (closing with unread bytes would reset the connection before the
        client reads the answer)."""
        self._head_bytes = -1
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_LARGE), _TOO_LARGE)
        )
        asyncio.get_running_loop().call_later(LINGER_S, self.transport.close)


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


def flush_access_log() -> None:
    for handler in access_log.handlers:
        handler.flush()


async def flush_access_log_often() -> None:
    while True:
        await asyncio.sleep(ACCESS_LOG_FLUSH_S)
        flush_access_log()
