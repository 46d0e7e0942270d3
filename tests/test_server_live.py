"""A real ``cytoowl serve`` (uvicorn, child process) on a loopback port, with real clients."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from server_fixtures import CARTESIAN, IL2, live_server

pytestmark = pytest.mark.slow
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def test_sparqlwrapper_select_ask_construct(live_url: str) -> None:
    client = SPARQLWrapper(live_url + "/sparql")
    client.setReturnFormat(JSON)
    client.setQuery(f"SELECT ?label WHERE {{ <{IL2}> <{LABEL}> ?label }}")
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ["interleukin-2"]
    client.setQuery(f"ASK {{ <{IL2}> ?p ?o }}")
    assert client.queryAndConvert()["boolean"] is True
    client.setMethod("POST")
    client.setReturnFormat(TURTLE)
    client.setQuery(f"CONSTRUCT WHERE {{ <{IL2}> ?p ?o }}")
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert (URIRef(IL2), LABEL, Literal("interleukin-2")) in graph


def test_rdflib_sparqlstore(live_url: str) -> None:
    graph = Graph(store=SPARQLStore(live_url + "/sparql", returnFormat="json"))
    rows = list(graph.query(f"SELECT ?o WHERE {{ <{IL2}> <{LABEL}> ?o }}"))
    assert [str(r[0]) for r in rows] == ["interleukin-2"]
    assert (URIRef(IL2), LABEL, Literal("interleukin-2")) in graph
    assert len(list(graph.triples((URIRef(IL2), None, None)))) > 5


def test_runaway_query_is_cut_while_others_are_served(live_url: str) -> None:
    """A query that overruns is stopped at the limit (never before it), and lookups keep
    their latency meanwhile: compared with the same lookups on the same server just before,
    not with a number of seconds that depends on the machine."""
    heavy: dict = {}
    started_heavy = threading.Event()

    def run_heavy() -> None:
        started = time.monotonic()
        started_heavy.set()
        response = httpx.get(live_url + "/sparql", params={"query": CARTESIAN}, timeout=30)
        heavy.update(
            status=response.status_code, text=response.text, seconds=time.monotonic() - started
        )

    with httpx.Client(timeout=10) as client:
        baseline = _median_lookup_seconds(client, live_url, 20)
        thread = threading.Thread(target=run_heavy)
        thread.start()
        started_heavy.wait()
        latencies = []
        while thread.is_alive() and len(latencies) < 500:
            started = time.monotonic()
            response = client.get(
                live_url + "/sparql",
                params={"query": f"SELECT ?o WHERE {{ <{IL2}> <{LABEL}> ?o }}"},
            )
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200
            page = client.get(live_url + "/CYTO_0000100", headers={"Accept": "text/html"})
            assert page.status_code == 200
    thread.join()
    assert heavy["status"] == 504 and "time limit of 1.5 s" in heavy["text"]
    assert heavy["seconds"] >= 1.5
    assert latencies, "no lookup was answered while the heavy query ran"
    during = sorted(latencies)[len(latencies) // 2]
    assert during < 10 * baseline + 0.05, (baseline, during)


def test_health_ready_and_a_term_page_over_http(live_url: str) -> None:
    assert httpx.get(live_url + "/health").json()["status"] == "ok"
    assert httpx.get(live_url + "/ready").json()["status"] == "ready"
    page = httpx.get(live_url + "/CYTO_0000100", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "interleukin-2" in page.text and IL2 in page.text
    other = httpx.get(live_url + "/CYTO_0000101", headers={"Accept": "text/html"})
    assert other.status_code == 200 and "interleukin-2 receptor subunit gamma" in other.text
    assert "interleukin-2 receptor subunit gamma" not in page.text.split("<h1", 1)[1][:300]


@pytest.mark.parametrize(
    "raw_path",
    [
        "/downloads/../pyproject.toml",
        "/downloads/%2e%2e/pyproject.toml",
        "/downloads/..%2fREADME.md",
    ],
)
def test_dot_segments_sent_raw_do_not_escape_the_downloads(live_url: str, raw_path: str) -> None:
    host, port = live_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", raw_path)  # http.client sends the path exactly as written
    response = conn.getresponse()
    body = response.read()
    assert response.status == 404, (raw_path, response.status)
    assert b"[project]" not in body and b"# cytoowl" not in body


def test_workers_die_with_the_server(tmp_path) -> None:
    """A worker stuck in a runaway query must not outlive a killed server."""
    store = str(tmp_path / "store")  # a killed server cannot remove its temporary store
    with live_server(CYTOOWL_QUERY_TIMEOUT="120", CYTOOWL_STORE_DIR=store) as base:
        thread = threading.Thread(
            target=lambda: httpx.get(base + "/sparql", params={"query": CARTESIAN}, timeout=30),
            daemon=True,
        )
        thread.start()
        time.sleep(0.5)
        server = _server_pid(base)
        workers = _children(server)
        assert workers, "no query workers found"
        os.kill(server, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers)


def _server_pid(base: str) -> int:
    port = base.rsplit(":", 1)[1]
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True)
    return int(out.stdout.split("pid=")[1].split(",")[0])


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _median_lookup_seconds(client: httpx.Client, base: str, count: int) -> float:
    times = []
    for _ in range(count):
        started = time.monotonic()
        response = client.get(
            base + "/sparql", params={"query": f"SELECT ?o WHERE {{ <{IL2}> <{LABEL}> ?o }}"}
        )
        times.append(time.monotonic() - started)
        assert response.status_code == 200
    return sorted(times)[len(times) // 2]


def test_adversarial_megabyte_body_does_not_slow_other_clients() -> None:
    """``SELECT ?a``, a megabyte of spaces, ``x``: once quadratic on the event loop (16 KB
    held every client for 4.5 s). Lookups keep their latency while such bodies arrive."""
    body = b"SELECT ?a" + b" " * 1_000_000 + b"x"
    with live_server(CYTOOWL_MAX_BODY="1100000") as base, httpx.Client(timeout=30) as client:
        baseline = _median_lookup_seconds(client, base, 30)
        answers: list[int] = []

        def hostile() -> None:
            with httpx.Client(timeout=120) as attacker:
                for _ in range(4):
                    answers.append(
                        attacker.post(
                            base + "/sparql",
                            content=body,
                            headers={"Content-Type": "application/sparql-query"},
                        ).status_code
                    )

        thread = threading.Thread(target=hostile)
        thread.start()
        during = _median_lookup_seconds(client, base, 30)
        thread.join(timeout=120)
        assert answers == [400] * 4  # a syntax error, answered
        assert during < 10 * baseline + 0.05, (baseline, during)


def test_access_log_lines_reach_stderr_and_are_not_kept(tmp_path) -> None:
    """Under uvicorn (which re-applies its logging configuration at start) every request
    gives one JSON line on stderr: a full buffer is written at once, the rest within
    about a second. A handler uvicorn had closed kept every record in memory instead."""
    log = tmp_path / "server.log"
    requests = 300  # more than one buffer of access lines
    with live_server(log_file=log) as base, httpx.Client(timeout=10) as client:
        for _ in range(requests):
            assert client.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            lines = [line for line in log.read_text().splitlines() if '"path": "/sparql"' in line]
            if len(lines) >= requests:
                break
            time.sleep(0.2)
    assert len(lines) == requests, f"{len(lines)} of {requests} access lines were written"
    assert json.loads(lines[-1])["status"] == 200
