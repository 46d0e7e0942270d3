"""Liveness and readiness, answered without queueing behind user queries.

* ``/health``: the server process and its event loop are alive (never touches the store);
* ``/ready``: queries can be answered now (a query worker is running and the store is
  there; for a remote store, it answers a trivial query). 503 with the reason otherwise.
  ``search`` says whether the catalog of search and browse, built after start-up, is there:
  ``building``, ``ready``, or ``unavailable`` when it could not be built (search and browse
  then answer from an empty stand-in, and ``search_detail`` says why).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response


def add_health_routes(app: FastAPI, state: Any) -> None:
    """``state`` has ``store`` (a :class:`cytoowl.serve.store.Store`) and ``stats``."""

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
