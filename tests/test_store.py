"""The Store interface: the embedded store directly, and the remote store against a server."""

from __future__ import annotations

import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple
from pyoxigraph import Store as OxStore

from cytoowl.dataset import GRAPHS, ONTOLOGY_GRAPH, rdf_format
from cytoowl.serve.browse import search
from cytoowl.serve.browse.catalog import Catalog
from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import choose_formats
from cytoowl.serve.store import loader
from cytoowl.serve.store.base import QueryRequest, Store
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.serve.store.loader import load_store
from cytoowl.serve.store.remote import RemoteStore
from cytoowl.serve.store.statistics import Stats
from cytoowl.settings import Settings
from server_fixtures import CARTESIAN, FIXTURE, IL2

LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def run(coroutine):
    return asyncio.run(coroutine)


async def _exercise(store) -> None:
    await store.start()
    try:
        assert await store.healthy()
        rows = await store.select(f"SELECT ?o WHERE {{ <{IL2}> <{LABEL.value}> ?o }}")
        assert [r["o"].value for r in rows] == ["interleukin-2"]
        triples = await store.triples(NamedNode(IL2), LABEL, None, 10)
        assert [t.object.value for t in triples] == ["interleukin-2"]
        assert len(await store.triples(None, None, None, 7)) == 7
        capped = await store.query(QueryRequest("SELECT * { ?s ?p ?o }", choose_formats(None)))
        assert capped.truncated and capped.rows == 50
        with pytest.raises(ServeError) as refused:
            await store.query(
                QueryRequest(
                    "SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }", choose_formats(None)
                )
            )
        assert refused.value.status == 403
        with pytest.raises(ServeError) as bad:
            await store.query(QueryRequest("SELECT ?x {", choose_formats(None)))
        assert bad.value.status == 400
    finally:
        await store.close()


def test_embedded_store() -> None:
    run(_exercise(EmbeddedStore(Settings(row_limit=50, query_timeout_s=1.5), FIXTURE)))


def test_loaded_store_has_every_quad_of_a_one_shot_bulk_load(tmp_path: Path) -> None:
    load_store(FIXTURE, tmp_path / "batched")
    reference = OxStore()
    reference.bulk_load(
        path=str(FIXTURE.ontology_file),
        format=rdf_format(FIXTURE.ontology_file),
        to_graph=NamedNode(ONTOLOGY_GRAPH),
    )
    graph = NamedNode(ONTOLOGY_GRAPH)
    loaded = OxStore.read_only(str(tmp_path / "batched"))
    got = list(loaded.quads_for_pattern(None, None, None, graph))
    want = list(reference.quads_for_pattern(None, None, None, graph))
    assert len(want) > 7 and len(got) == len(want)
    assert _ground(got) == _ground(want)  # blank node labels differ between loads


def _ground(quads: list) -> set[str]:
    return {
        str(q)
        for q in quads
        if not isinstance(q.subject, BlankNode | Triple)
        and not isinstance(q.object, BlankNode | Triple)
    }


def test_statistics_header_at_load_counts_after_and_cached(tmp_path: Path) -> None:
    """The load reads the header only; the counts (a child process) equal counting by
    queries, are cached beside the data and read at the next start."""

    async def start_and_count() -> tuple[Stats, Stats, Stats]:
        store = EmbeddedStore(Settings(workers=1, store_dir=str(tmp_path / "s")), FIXTURE)
        await store.start()
        try:
            initial = await store.initial_statistics(60)
            counted = await store.statistics(60)
            by_queries = await Store.statistics(store, 60)  # the queries, through the workers
            return initial, counted, by_queries
        finally:
            await store.close()

    initial, counted, by_queries = run(start_and_count())
    assert not initial.counted and initial.triples == 0 and initial.header["version"]
    assert counted == by_queries and counted.triples > 0 and counted.counts["classes"] > 0
    assert counted.counted and counted.header == initial.header
    restarted, _, _ = run(start_and_count())
    assert restarted == counted  # the cache, no recount
    (tmp_path / "s" / loader.STATS).unlink()  # a store from before the cache: recounted
    assert load_store(FIXTURE, tmp_path / "s") == initial
    assert loader.count_store(tmp_path / "s") == counted


def test_embedded_store_timeout_replaces_worker() -> None:
    async def scenario() -> None:
        store = EmbeddedStore(Settings(query_timeout_s=1, workers=1), FIXTURE)
        await store.start()
        try:
            with pytest.raises(ServeError) as timeout:
                await store.query(QueryRequest(CARTESIAN, choose_formats(None)))
            assert timeout.value.status == 504
            assert await store.healthy()  # the replacement worker answers
        finally:
            await store.close()

    run(scenario())


def test_busy_pool_answers_503() -> None:
    async def scenario() -> None:
        store = EmbeddedStore(Settings(query_timeout_s=1, workers=1), FIXTURE)
        await store.start()
        try:
            heavy = asyncio.ensure_future(
                store.query(QueryRequest(CARTESIAN, choose_formats(None)), timeout=3)
            )
            await asyncio.sleep(0.1)
            with pytest.raises(ServeError) as busy:
                await store.query(QueryRequest("ASK {}", choose_formats(None)), timeout=0.5)
            assert busy.value.status == 503
            heavy.cancel()
        finally:
            await store.close()

    run(scenario())


async def catalog_file(tmp_path: Path) -> Path:
    """The catalog file of the fixture's store in ``tmp_path / "s"`` (made when missing)."""
    store = EmbeddedStore(Settings(workers=1, store_dir=str(tmp_path / "s")), FIXTURE)
    await store.start()
    try:
        return await store.derived_file(search.CATALOG_FILE, search.build_catalog, 60)
    finally:
        await store.close()


def test_catalog_file_is_built_once_per_load(tmp_path: Path) -> None:
    """Built beside the data by a child process, reused on restart, dropped on reload."""

    path = run(catalog_file(tmp_path))
    assert path == tmp_path / "s" / ".cytoowl-catalog-v3.sqlite"  # the name of old
    stamp = path.stat().st_mtime_ns
    found = Catalog.open(path)
    assert found.get(IL2).label == "interleukin-2" and found.db.execute(
        "SELECT COUNT(*) FROM entry"
    ).fetchone()[0] > len(found.terms)
    found.db.close()
    assert run(catalog_file(tmp_path)).stat().st_mtime_ns == stamp
    (tmp_path / "s" / loader.FINGERPRINT).write_text("an older release")
    load_store(FIXTURE, tmp_path / "s")  # reloaded: the old catalog must not survive
    assert not path.exists()


def test_a_thread_reads_a_catalog_whose_file_was_deleted(tmp_path: Path) -> None:
    """A search thread that opens its connection after the file is gone (the store
    directory vanished) shares the first one instead of failing."""

    found = Catalog.open(run(catalog_file(tmp_path)))
    shutil.rmtree(tmp_path / "s")
    with ThreadPoolExecutor(1) as thread:
        term = thread.submit(lambda: found.get(IL2)).result()
    assert term is not None and term.label == "interleukin-2"
    found.close()


def test_outdated_store_of_cytoowl_graphs_alone_is_made_anew(tmp_path: Path) -> None:
    """Reloading an outdated store: a new database (RocksDB's IDENTITY), not a million
    deletions, with the same quads; with a graph of `cytoowl load` in it, the same database
    where only cytoowl's graphs are replaced."""
    directory = tmp_path / "store"
    identity = directory / "IDENTITY"
    load_store(FIXTURE, directory)
    first = identity.read_text()
    (directory / loader.FINGERPRINT).write_text("an older release")
    load_store(FIXTURE, directory)
    assert identity.read_text() != first
    reloaded = OxStore.read_only(str(directory))
    assert {g.value for g in reloaded.named_graphs()} == set(GRAPHS)
    assert len(list(reloaded)) == len(list(OxStore.read_only(str(_fresh(tmp_path)))))
    del reloaded

    kept = NamedNode("http://example.org/user-graph")
    user = OxStore(str(directory))
    user.add(Quad(NamedNode("http://example.org/s"), LABEL, Literal("kept"), kept))
    del user
    second = identity.read_text()
    (directory / loader.FINGERPRINT).write_text("an older release")
    load_store(FIXTURE, directory)
    assert kept in set(OxStore.read_only(str(directory)).named_graphs())
    assert identity.read_text() == second


def _fresh(tmp_path: Path) -> Path:
    load_store(FIXTURE, tmp_path / "fresh")
    return tmp_path / "fresh"


def test_store_directory_is_reused(tmp_path: Path) -> None:
    load_store(FIXTURE, tmp_path / "store")
    marker = tmp_path / "store" / ".cytoowl-fingerprint"
    stamp = marker.stat().st_mtime_ns
    load_store(FIXTURE, tmp_path / "store")
    assert marker.stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_remote_store_against_a_real_server(live_url: str) -> None:
    settings = Settings(row_limit=50, query_timeout_s=1.5)
    run(_exercise(RemoteStore(settings, live_url + "/sparql")))
