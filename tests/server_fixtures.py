"""Fixtures for the server tests: the small fixture dataset, the real release when built,
in-process apps (TestClient) and real ``cytoowl serve`` processes on free loopback ports."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest
from fastapi.testclient import TestClient

from cytoowl import vocab
from cytoowl.dataset import Sources
from cytoowl.serve.app import create_app
from cytoowl.settings import Settings
from tools import CHECKOUT, skip_or_fail

FIXTURE_ROOT = Path(__file__).parent / "fixtures" / "server"
TERM = vocab.TERM_PREFIX
IL2 = TERM + "0000100"  # fixture terms
IL2RG = TERM + "0000101"
IL2_SUBFAMILY = TERM + "0000003"
# A cartesian product no engine finishes in seconds (COUNT computes before any row).
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
)


sources_at = Sources.at


FIXTURE = sources_at(FIXTURE_ROOT)


def release_built() -> bool:
    return CHECKOUT.release.ttl.exists() or CHECKOUT.release.owl.exists()


def limited_settings(**overrides: object) -> Settings:
    """Short limits so the time-limit tests stay fast."""
    values: dict = {"query_timeout_s": 1.5, "row_limit": 50, "max_body_bytes": 20_000}
    values.update(overrides)
    return Settings(**values)


@contextlib.contextmanager
def app_client(sources: Sources = FIXTURE, **overrides: object) -> Iterator[TestClient]:
    with TestClient(create_app(limited_settings(**overrides), sources)) as client:
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def live_server(
    root: Path | None = FIXTURE_ROOT, log_file: Path | None = None, **env: str
) -> Iterator[str]:
    """``cytoowl serve`` in a child process on a free loopback port; yields its base URL.

    Its stderr (the server's log) goes to ``log_file`` when given, else to a temporary file.
    """
    port = free_port()
    environ = {
        **os.environ,
        "CYTOOWL_QUERY_TIMEOUT": "1.5",
        "CYTOOWL_ROW_LIMIT": "50",
        "CYTOOWL_MAX_BODY": "20000",
        **env,
    }
    if root is not None:
        environ["CYTOOWL_ROOT"] = str(root)
    command = [sys.executable, "-m", "cytoowl.cli", "serve", "--host", "127.0.0.1"]
    # The log goes to a file, not a pipe: a full pipe nobody reads would stall the server.
    with log_file.open("w+b") if log_file else tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=environ, stdout=subprocess.DEVNULL, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, process, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(base: str, process: subprocess.Popen, log: IO[bytes], limit: float = 120):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read().decode()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("server did not become healthy")


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    """A real server on the fixture dataset (time limit 1.5 s, row cap 50)."""
    with live_server() as base:
        yield base


@pytest.fixture(scope="session")
def release_sources() -> Sources:
    """The real release (skips the test until it has been built)."""
    if not release_built():
        skip_or_fail("release not built yet (cytoowl build)")
    return Sources()


# One app per session for the modules that only read (a start-up loads a store, starts query
# workers and builds the catalog): a test that needs other settings starts its own.


@pytest.fixture(scope="session")
def fixture_client() -> Iterator[TestClient]:
    """The app on the fixture dataset with the short limits of :func:`limited_settings`."""
    with app_client() as client:
        yield client


@pytest.fixture(scope="session")
def release_client(release_sources: Sources) -> Iterator[TestClient]:
    """The app on the real release with the short limits of :func:`limited_settings`."""
    with app_client(release_sources) as client:
        yield client
