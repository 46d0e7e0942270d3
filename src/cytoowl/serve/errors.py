"""The one error of the server: an HTTP status and a message a person can act on.

Raised wherever a request cannot be answered (a query worker, a store, validation, a bad
protocol request) and turned into a response in one place, :func:`error_response`: plain
text (the SPARQL Protocol leaves the body free), with ``Retry-After`` on a 503.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response

#: Seconds a client is asked to wait before retrying a 503.
RETRY_AFTER_S = 5


class ServeError(Exception):
    """A request cannot be answered: ``status`` is the HTTP status, ``message`` says what
    to do about it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def plain_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error as plain text a person can act on."""
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def error_response(error: ServeError) -> Response:
    """The response of a :class:`ServeError`; a 503 says when to retry."""
    retry = {"Retry-After": str(RETRY_AFTER_S)} if error.status == 503 else None
    return plain_error(error.status, error.message, retry)
