"""Liveness and readiness, answered without queueing behind user queries.

* ``/health``: the server process and its event loop are alive (never touches the store);
* ``/ready``: queries can be answered now (a query worker is running and the store is
  there; for a remote store, it answers a trivial query). 503 with the reason otherwise.
  ``search`` says whether the catalog of search and browse, built after start-up, is there:
  ``building``, ``ready``, or ``unavailable`` when it could not be built (search and browse
  then answer from an empty stand-in, and ``search_detail`` says why).
"""

from __future__ import annotations

from typing import Protocol

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response


class _Browser(Protocol):
    problem: str | None


class _Stats(Protocol):
    version: str


class _Store(Protocol):
    async def ready(self) -> tuple[bool, str]: ...


class HealthState(Protocol):
    """What health and readiness read of the server's state."""

    @property
    def store(self) -> _Store: ...

    @property
    def stats(self) -> _Stats: ...

    @property
    def browser(self) -> _Browser | None: ...


def add_routes(app: FastAPI, state: HealthState) -> None:

    @app.get("/health")
    async def health() -> Response:
        return JSONResponse({"status": "ok", "version": state.stats.version})

    @app.get("/ready")
    async def ready() -> Response:
        ok, detail = await state.store.ready()
        body = {"status": "ready" if ok else "unavailable", "detail": detail}
        browser = state.browser
        if browser is None:
            body["search"] = "building"
        elif browser.problem is not None:
            body["search"], body["search_detail"] = "unavailable", browser.problem
        else:
            body["search"] = "ready"
        return JSONResponse(
            body,
            status_code=200 if ok else 503,
            headers=None if ok else {"Retry-After": "5"},
        )
