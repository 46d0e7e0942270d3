"""Hostile input, issue 27: one writer per store directory, and what is derived from the
store follows its content. A server holds a lock on its store directory for its lifetime;
`cytoowl load` and a second server refuse in one line naming the holder; after `cytoowl load`
the counts (and every derived file) are made again."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from pyoxigraph import NamedNode, Store
from typer.testing import CliRunner

from cytoowl import storelock
from cytoowl.cli import app
from cytoowl.publish.load import LoadError, load, oxigraph_cli
from cytoowl.publish.rdffiles import rdf_file
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.serve.store.loader import FINGERPRINT, StoreDirError
from cytoowl.settings import Settings
from server_fixtures import FIXTURE, FIXTURE_ROOT, free_port
from tools import run_cli, skip_or_fail

FIXTURES = Path(__file__).parent / "fixtures" / "ontologies"
CL_TTL = FIXTURES / "cl-subset.ttl"
CL_GRAPH = "http://purl.obolibrary.org/obo/cl.owl"


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A store directory that 'cytoowl serve' (this process) holds the lock on."""
    lock = storelock.lock_store(tmp_path / "store", "cytoowl serve")
    try:
        yield tmp_path / "store"
    finally:
        lock.release()


def test_a_second_lock_names_the_holder(held: Path) -> None:
    with pytest.raises(storelock.StoreBusy, match=f"cytoowl serve \\(pid {os.getpid()}\\)"):
        storelock.lock_store(held, "cytoowl load")


def test_a_released_lock_is_free_again(tmp_path: Path) -> None:
    storelock.lock_store(tmp_path / "store", "cytoowl serve").release()
    storelock.lock_store(tmp_path / "store", "cytoowl load").release()


def test_the_lock_is_not_inside_the_store_directory(held: Path) -> None:
    """The loader empties the directory and refuses one that holds foreign files."""
    assert not held.exists() or not any(held.iterdir())


def test_load_refuses_while_a_server_holds_the_directory(held: Path) -> None:
    with pytest.raises(LoadError, match="in use by cytoowl serve"):
        load(held, [rdf_file(CL_TTL)], CL_GRAPH)
    answer = CliRunner().invoke(
        app, ["load", "--data-dir", str(held), "--graph", CL_GRAPH, str(CL_TTL)]
    )
    assert answer.exit_code == 1 and "in use by cytoowl serve" in answer.output
    assert len(answer.output.strip().splitlines()) == 1


def test_cli_serve_refuses_a_directory_in_use_in_one_line(held: Path) -> None:
    answer = run_cli(
        "serve", "--store-dir", str(held), "--port", str(free_port()), "--root", str(FIXTURE_ROOT)
    )
    assert answer.returncode == 2, answer.stderr
    assert "in use by cytoowl serve" in answer.stderr
    assert len(answer.stderr.strip().splitlines()) == 1


def test_a_second_server_on_the_directory_refuses_and_leaves_the_first_intact(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "store"

    async def scenario() -> None:
        first = EmbeddedStore(Settings(store_dir=str(directory), workers=1), FIXTURE)
        await first.start()
        try:
            second = EmbeddedStore(Settings(store_dir=str(directory), workers=1), FIXTURE)
            with pytest.raises(StoreDirError, match=f"pid {os.getpid()}"):
                await second.start()
            await second.close()
            assert (directory / FINGERPRINT).is_file()
            assert await first.ready() == (True, "1 of 1 query workers running")
        finally:
            await first.close()
        again = EmbeddedStore(Settings(store_dir=str(directory), workers=1), FIXTURE)
        await again.start()  # the lock went with the first server
        await again.close()

    asyncio.run(scenario())


def test_counts_follow_a_load_into_the_store(tmp_path: Path) -> None:
    """The VoID counts were cached per release files: after `cytoowl load` a restarted
    server still reported the old number of triples."""
    directory = tmp_path / "store"

    async def triples() -> int:
        served = EmbeddedStore(Settings(store_dir=str(directory), workers=1), FIXTURE)
        await served.start()
        try:
            return (await served.statistics(60)).triples
        finally:
            await served.close()

    before = asyncio.run(triples())
    load(directory, [rdf_file(CL_TTL)], CL_GRAPH)
    after = asyncio.run(triples())
    assert after > before


def _graph_size(directory: Path, graph: str) -> int:
    store = Store.read_only(str(directory))
    return sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(graph)))


def test_an_interrupted_load_leaves_the_previous_graph_intact(tmp_path: Path) -> None:
    """A load stopped mid-way (killed, interrupted) never leaves a half graph or none: the
    new files go to a staging graph first, and the leftovers of a stopped load are dropped
    by the next one."""
    directory = tmp_path / "store"
    load(directory, [rdf_file(CL_TTL)], CL_GRAPH)
    before = _graph_size(directory, CL_GRAPH)
    bigger = tmp_path / "cl-more.ttl"
    bigger.write_text(CL_TTL.read_text() + "\n<urn:extra> <urn:p> <urn:o> .\n")

    def stop(label: str, done: int) -> None:
        if label.startswith("load"):
            raise KeyboardInterrupt  # as a kill would, in the middle of the load

    with pytest.raises(KeyboardInterrupt):
        load(directory, [rdf_file(bigger)], CL_GRAPH, stop)
    assert _graph_size(directory, CL_GRAPH) == before
    load(directory, [rdf_file(bigger)], CL_GRAPH)
    assert _graph_size(directory, CL_GRAPH) == before + 1
    graphs = {g.value for g in Store.read_only(str(directory)).named_graphs()}
    assert graphs == {CL_GRAPH}, graphs  # no staging graph left


def test_a_killed_load_leaves_no_orphan_and_the_previous_graph(tmp_path: Path) -> None:
    """`cytoowl load` killed (SIGKILL) while `oxigraph load` runs under it: the loader dies
    with it (it went on as an orphan holding the store's write lock) and the graph that was
    there is still whole."""
    if oxigraph_cli() is None:
        skip_or_fail("needs the oxigraph command of pyoxigraph's version (the test extra)")
    directory = tmp_path / "store"
    load(directory, [rdf_file(CL_TTL)], CL_GRAPH)
    before = _graph_size(directory, CL_GRAPH)
    big = tmp_path / "big.nt"
    with big.open("w") as out:
        for i in range(1_500_000):
            out.write(f'<http://e/s{i}> <http://e/p> "value {i}" .\n')
    command = [sys.executable, "-m", "cytoowl.cli", "load", "--data-dir", str(directory),
               "--graph", CL_GRAPH, str(big)]  # fmt: skip
    loading = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    children: list[psutil.Process] = []
    while not children and time.monotonic() < deadline:
        children = [c for c in loading.children() if "oxigraph" in c.name()]
        time.sleep(0.02)
    assert children, "oxigraph load did not start"
    loading.kill()
    loading.wait(30)
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, "oxigraph load went on as an orphan"
    assert _graph_size(directory, CL_GRAPH) == before
