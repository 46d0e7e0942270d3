"""Faults and limits: each gives the client a precise status and the server keeps serving."""

from __future__ import annotations

import asyncio
import http.server
import os
import shutil
import signal
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, NamedNode

from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import choose_formats
from cytoowl.serve.store.base import QueryRequest
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.serve.store.loader import OWNED, StoreDirError, load_store
from cytoowl.serve.store.remote import RemoteStore
from cytoowl.serve.workers import query_worker
from cytoowl.serve.workers.pool import PoolConfig, WorkerPool, WorkerStartError
from cytoowl.settings import Settings
from server_fixtures import CARTESIAN, FIXTURE, FIXTURE_ROOT, IL2, app_client, sources_at

LOOKUP = f"SELECT ?p ?o WHERE {{ <{IL2}> ?p ?o }}"
ASK = QueryRequest("ASK { ?s ?p ?o }", choose_formats(None))
# Doubling a string 32 times: 8 chars become 32 GiB, far past any worker's memory limit.
HUGE_STRING = (
    'SELECT (STRLEN(?a32) AS ?n) WHERE { BIND("xxxxxxxx" AS ?a0) '
    + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(32))
    + " }"
)


def with_store(settings: Settings, scenario: Callable[[EmbeddedStore], Awaitable[None]]) -> None:
    async def run() -> None:
        store = EmbeddedStore(settings, FIXTURE)
        await store.start()
        try:
            await scenario(store)
        finally:
            await store.close()

    asyncio.run(run())


async def _until(condition: Callable[[], Awaitable[bool]], seconds: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await condition():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


def _busy_worker_pid(store: EmbeddedStore) -> int:
    assert store.pool is not None
    [busy] = store.pool.busy_pids()
    return busy


def test_worker_killed_mid_query_gives_503_and_is_replaced() -> None:
    async def scenario(store: EmbeddedStore) -> None:
        heavy = asyncio.ensure_future(store.query(QueryRequest(CARTESIAN, choose_formats(None))))
        await asyncio.sleep(0.5)
        os.kill(_busy_worker_pid(store), signal.SIGKILL)
        with pytest.raises(ServeError) as killed:
            await heavy
        assert killed.value.status == 503 and "killed by signal 9" in killed.value.message
        assert (await store.query(ASK)).rows == 1  # the other worker answers meanwhile
        assert store.pool is not None
        await _until(lambda: _alive(store, 2))

    with_store(Settings(workers=2, query_timeout_s=20), scenario)


async def _alive(store: EmbeddedStore, count: int) -> bool:
    return store.pool is not None and store.pool.alive == count


def test_memory_limit_gives_507_and_the_worker_is_replaced() -> None:
    async def scenario(store: EmbeddedStore) -> None:
        with pytest.raises(ServeError) as out:
            await store.query(QueryRequest(HUGE_STRING, choose_formats(None)))
        assert out.value.status == 507 and "memory" in out.value.message
        assert "400 MiB" in out.value.message
        await _until(lambda: _alive(store, 1))
        assert (await store.query(ASK)).rows == 1

    with_store(Settings(workers=1, query_timeout_s=20, worker_memory_mb=400), scenario)


def test_answer_byte_cap_gives_507_and_small_answers_pass() -> None:
    with app_client(max_answer_bytes=2_000, row_limit=10_000) as client:
        big = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        assert big.status_code == 507 and "limit of 2000 bytes" in big.text
        graph = client.get(
            "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"Accept": "text/turtle"},
        )
        assert graph.status_code == 507
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


class _FakePanic(BaseException):
    """Stands in for pyo3's PanicException, which derives from BaseException."""


class _PanickingStore:
    def query(self, *args: object, **kwargs: object) -> None:
        raise _FakePanic("called `Option::unwrap()` on a `None` value")


def test_engine_panic_is_answered_and_retires_the_worker() -> None:
    job = {"query": "ASK {}", "formats": choose_formats(None).__dict__, "row_limit": 5}
    header, body = query_worker.execute(_PanickingStore(), job, ())  # type: ignore[arg-type]
    assert header["status"] == 500 and "_FakePanic" in header["error"]
    assert header["retire"] is True and body == b""


def test_worker_that_cannot_start_is_retried_a_bounded_number_of_times(tmp_path: Path) -> None:
    async def scenario() -> None:
        with pytest.raises(WorkerStartError, match="exited while starting"):
            await WorkerPool(PoolConfig(tmp_path / "no-store", 1)).start()
        attempts: list[int] = []

        async def broken() -> None:
            attempts.append(1)
            raise WorkerStartError("store unavailable (test)")

        store_dir = tmp_path / "store"
        await asyncio.to_thread(load_store, FIXTURE, store_dir)
        config = PoolConfig(store_dir, 1, restart_attempts=3, restart_backoff_s=0.01)
        pool = WorkerPool(config, before_spawn=broken)
        await pool.start()
        try:
            [pid] = pool.pids()
            os.kill(pid, signal.SIGKILL)
            with pytest.raises(Exception) as died:
                await pool.run({"query": "ASK {}"}, 5)
            assert getattr(died.value, "status", None) == 503
            await pool.settled()  # every attempt made, with its backoff
            assert len(attempts) == 3 and pool.alive == 0
            assert not pool.restarting  # given up: no endless respawn
            with pytest.raises(Exception) as none:
                await pool.run({"query": "ASK {}"}, 5)
            assert "no query worker is running: store unavailable" in str(none.value)
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_worker_not_ready_in_time_is_a_start_error(tmp_path: Path) -> None:
    async def scenario() -> None:
        store_dir = tmp_path / "store"
        await asyncio.to_thread(load_store, FIXTURE, store_dir)
        pool = WorkerPool(PoolConfig(store_dir, 1, start_timeout_s=0.01))
        with pytest.raises(WorkerStartError, match=r"did not become ready within 0\.01 s"):
            await pool.start()
        await pool.close()

    asyncio.run(scenario())


def test_store_directory_that_vanishes_is_reloaded(tmp_path: Path) -> None:
    async def scenario(store: EmbeddedStore) -> None:
        shutil.rmtree(store.directory)
        ok, detail = await store.ready()
        assert not ok and "missing" in detail
        assert store.pool is not None
        os.kill(store.pool.pids()[0], signal.SIGKILL)
        await _until(lambda: _ready(store))
        assert (store.directory / OWNED).exists()
        rows = await store.select(LOOKUP)
        assert rows, "the reloaded store answers"

    with_store(Settings(workers=1, store_dir=str(tmp_path / "store")), scenario)


async def _ready(store: EmbeddedStore) -> bool:
    return (await store.ready())[0]


def test_store_directory_not_made_by_cytoowl_is_never_deleted(tmp_path: Path) -> None:
    precious = tmp_path / "checkout"
    precious.mkdir()
    (precious / "README.md").write_text("keep me")
    with pytest.raises(StoreDirError, match="not created by cytoowl"):
        load_store(FIXTURE, precious)
    assert (precious / "README.md").read_text() == "keep me"
    owned = tmp_path / "store"
    load_store(FIXTURE, owned)
    (owned / ".cytoowl-fingerprint").write_text("outdated")
    load_store(FIXTURE, owned)  # cytoowl's own outdated store is rebuilt
    assert (owned / ".cytoowl-fingerprint").read_text() == FIXTURE.fingerprint()


def test_release_rebuilt_while_serving_is_served_as_it_is_now(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    with app_client(sources_at(root)) as client:
        first = client.get("/downloads/cytoowl.ttl")
        assert first.status_code == 200
        target = root / "ontology" / "cytoowl.ttl"
        target.write_bytes(target.read_bytes() + b"\n# rebuilt\n")
        second = client.get("/downloads/cytoowl.ttl")
        assert second.status_code == 200
        assert second.content == target.read_bytes()
        assert int(second.headers["content-length"]) == len(second.content)
        assert second.headers["etag"] != first.headers["etag"]
        stale = client.get(
            "/downloads/cytoowl.ttl", headers={"If-None-Match": first.headers["etag"]}
        )
        assert stale.status_code == 200


def test_health_and_ready_do_not_wait_behind_user_queries() -> None:
    with app_client(workers=1, query_timeout_s=4) as client:
        blocked = [
            threading.Thread(
                target=client.get, args=("/sparql",), kwargs={"params": {"query": CARTESIAN}}
            )
            for _ in range(2)
        ]
        for thread in blocked:
            thread.start()
        try:
            threading.Event().wait(0.5)  # one query holds the only worker, one waits for it
            assert client.get("/health").json()["status"] == "ok"
            ready = client.get("/ready")
            assert ready.status_code == 200 and "1 of 1" in ready.json()["detail"]
            assert all(thread.is_alive() for thread in blocked)  # answered while they ran
        finally:
            for thread in blocked:
                thread.join()


def test_413_carries_cors_headers() -> None:
    with app_client() as client:
        response = client.post(
            "/sparql",
            content=b"x" * 30_000,
            headers={"Content-Type": "application/sparql-query", "Origin": "https://example.org"},
        )
        assert response.status_code == 413
        assert response.headers["access-control-allow-origin"] == "*"


class _Endless(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint whose TSV answer never ends (chunked)."""

    requests = 0

    def do_POST(self) -> None:
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/tab-separated-values")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"?o\n" + b'"row"\n' * 10_000
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


def test_remote_store_streams_and_caps_and_keeps_blank_nodes_out_of_patterns() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"

    async def scenario() -> None:
        store = RemoteStore(Settings(max_answer_bytes=100_000, query_timeout_s=20), url)
        await store.start()
        try:
            with pytest.raises(ServeError) as capped:
                await store.query(QueryRequest("SELECT ?o { ?s ?p ?o }", choose_formats(None)))
            assert capped.value.status == 507 and "100000 bytes" in capped.value.message
            before = _Endless.requests
            found = await store.triples(BlankNode("b0"), NamedNode(IL2), None, 10)
            assert found == [] and _Endless.requests == before  # no query was sent
        finally:
            await store.close()
            server.shutdown()

    asyncio.run(scenario())


def test_query_workers_run_at_lower_cpu_priority(tmp_path: Path) -> None:
    async def scenario(store: EmbeddedStore) -> None:
        assert store.pool is not None
        [pid] = store.pool.pids()
        stat = Path(f"/proc/{pid}/stat").read_text()
        nice = int(stat.rsplit(")", 1)[1].split()[16])  # field 19 of proc(5)
        assert nice == os.nice(0) + 7

    with_store(Settings(workers=1, worker_nice=7), scenario)
