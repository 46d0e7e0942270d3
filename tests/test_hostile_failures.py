"""Hostile input, issue 27: a failure names itself. A query worker that crashes on a query
answers "the engine could not process this query" (not "retry"); a catalog that could not be
built makes search answer 503 with the reason (and /ready say so); a store directory that
cannot be used is one line, not a traceback."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from cytoowl.serve.errors import ServeError
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.serve.workers.children import death_message
from server_fixtures import CARTESIAN, FIXTURE_ROOT, app_client, free_port
from tools import run_cli


@pytest.mark.parametrize("crash", [signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE])
def test_a_crash_is_the_engine_failing_on_this_input(crash: int) -> None:
    status, message = death_message(-crash, "query")
    assert status == 500
    assert "the engine could not process this query" in message
    assert "retry" not in message


def test_a_kill_from_outside_may_be_retried() -> None:
    status, message = death_message(-signal.SIGKILL, "data")
    assert status == 503 and "retry" in message


def test_a_worker_crashing_mid_query_names_the_engine() -> None:
    with app_client(query_timeout_s=30, workers=1) as client:
        pool = client.app.state.cytoowl.store.pool
        answers: list = []
        thread = threading.Thread(
            target=lambda: answers.append(client.post("/sparql", data={"query": CARTESIAN}))
        )
        thread.start()
        deadline = time.monotonic() + 20
        while not pool.busy_pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(pool.busy_pids()[0], signal.SIGSEGV)
        thread.join(60)
        answer = answers[0]
        assert answer.status_code == 500, answer.text
        assert "the engine could not process this query" in answer.text
        assert "retry" not in answer.text.lower()


def test_search_answers_503_when_the_catalog_could_not_be_built(monkeypatch) -> None:
    async def refused(self, name, build, timeout):
        raise ServeError(503, "the store is down")

    monkeypatch.setattr(EmbeddedStore, "derived_file", refused)
    with app_client() as client:
        for path in ("/api/suggest?q=IL-2", "/api/search?q=IL-2"):
            answer = client.get(path)
            assert answer.status_code == 503, (path, answer.text)
            assert "could not be built" in answer.text and "the store is down" in answer.text
        ready = client.get("/ready").json()
        assert ready["search"] == "unavailable" and "the store is down" in ready["search_detail"]


def test_an_unusable_store_directory_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    directory = str(blocker / "store")
    serve = run_cli("serve", "--store-dir", directory, "--port", str(free_port()),
                     "--root", str(FIXTURE_ROOT))  # fmt: skip
    assert serve.returncode == 2, serve.stderr[-2000:]
    assert "cannot use the store directory" in serve.stderr
    assert len(serve.stderr.strip().splitlines()) == 1, serve.stderr
    data = tmp_path / "a.ttl"
    data.write_text("<urn:s> <urn:p> <urn:o> .\n")
    load = run_cli("load", "--data-dir", directory, "--graph", "http://e/g", str(data))
    assert load.returncode == 1, load.stderr[-2000:]
    assert "cannot use the store directory" in load.stderr
    assert len(load.stderr.strip().splitlines()) == 1, load.stderr
