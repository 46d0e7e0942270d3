"""Hostile input, issue 27: request heads are bounded. A 2.8 MB Accept header was negotiated
on the event loop (406 after 5.1 s, /health waiting meanwhile) and uvicorn took a 50 MB
header; now the head of a request is capped (431) before any of it is parsed into a request,
and an Accept header counts at most ``MAX_ACCEPT_RANGES`` ranges."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from cytoowl.serve.http.middleware import MAX_HEAD_BYTES
from cytoowl.serve.protocol.negotiation import MAX_ACCEPT_RANGES, negotiate, parse_accept
from server_fixtures import live_server


def test_accept_counts_a_bounded_number_of_ranges() -> None:
    header = ", ".join(f"x/y{i}" for i in range(100_000)) + ", text/turtle"
    assert len(parse_accept(header)) == MAX_ACCEPT_RANGES
    started = time.perf_counter()
    assert negotiate(header, ["text/turtle"]) is None  # past the cap: not seen
    assert time.perf_counter() - started < 0.5
    assert negotiate("x/a, text/turtle;q=0.5", ["text/turtle"]) == "text/turtle"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with live_server() as base:
        yield base


def raw_request(base: str, head: bytes) -> bytes:
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        # the server may stop reading early: its answer is still there
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize("size", [MAX_HEAD_BYTES + 1, 2_800_000, 20_000_000])
def test_an_oversized_head_gets_431_at_once(server: str, size: int) -> None:
    accept = b"text/html, " + b"a/b, " * (size // 5)
    head = b"GET /sparql HTTP/1.1\r\nHost: x\r\nAccept: " + accept + b"\r\n\r\n"
    started = time.perf_counter()
    answer = raw_request(server, head)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b"header" in answer.lower()
    assert time.perf_counter() - started < 5
    assert httpx.get(server + "/health", timeout=5).status_code == 200


def test_an_ordinary_head_is_served(server: str) -> None:
    answer = httpx.get(server + "/health", headers={"X-Pad": "a" * 4000}, timeout=5)
    assert answer.status_code == 200
