"""Loading the dataset into the on-disk store, in a child process, once per set of files.

Where the start-up time and memory went (1M triples): ``Store.bulk_load`` of the whole file
held ~850 MiB in the server process, which kept ~300 MiB of it afterwards, and the VoID
statistics were counted again by the query workers at every start. Now the load streams
the parsed file into ``bulk_extend`` in bounded batches (~300 MiB peak), runs in a child
process that exits afterwards (its memory goes back to the system), and counts the
statistics once, caching them beside the data; a restart on an up-to-date store (same
fingerprint) reads both from the directory.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, parse
from pyoxigraph import Store as OxStore

from cytoowl import dataset
from cytoowl.serve import statistics

FINGERPRINT = ".cytoowl-fingerprint"  # written last: the load is complete
OWNED = dataset.STORE_MARKER  # written first: cytoowl created this directory
STATS = ".cytoowl-stats.json"  # the statistics of this load (written before the fingerprint)
BATCH = 250_000  # quads per bulk_extend: bounds the loader's memory


class StoreDirError(Exception):
    """The store directory cannot be used (e.g. it holds files cytoowl did not create)."""


def _batches(path: Path, syntax: RdfFormat, graph: NamedNode) -> Iterator[list[Quad]]:
    quads = (
        Quad(t.subject, t.predicate, t.object, graph) for t in parse(path=str(path), format=syntax)
    )
    while batch := list(islice(quads, BATCH)):
        yield batch


def _fill(store: OxStore, sources: dataset.Sources) -> None:
    release = sources.ontology_file
    files = [(release, dataset.ONTOLOGY_GRAPH)] if release.exists() else []
    files += [(shapes, dataset.SHAPES_GRAPH) for shapes in sources.shape_files()]
    for path, graph in files:
        syntax = RdfFormat.TURTLE if graph == dataset.SHAPES_GRAPH else dataset.rdf_format(path)
        for batch in _batches(path, syntax, NamedNode(graph)):
            store.bulk_extend(batch)
    store.extend(list(dataset.example_quads(sources.examples())))
    store.flush()
    store.optimize()  # fewer files to search: lookups about twice as fast afterwards


def _count(store: OxStore) -> str:
    def select(query: str) -> list:
        return list(store.query(query, use_default_graph_as_union=True))

    return statistics.to_json(statistics.compute(select))


def load_store(sources: dataset.Sources, directory: Path) -> statistics.Stats:
    """Load release, shapes and examples into named graphs under ``directory``; its statistics.

    Skipped when the directory already holds a load of the same files (fingerprint). A
    non-empty directory without the ``.cytoowl-store`` marker (written here and by
    ``cytoowl load``) is refused, never touched. In an outdated store only the release, shapes
    and queries graphs are replaced: graphs added by ``cytoowl load`` stay.
    """
    marker, cached = directory / FINGERPRINT, directory / STATS
    fingerprint = sources.fingerprint()
    if marker.exists() and marker.read_text() == fingerprint:
        if not cached.is_file():  # loaded by an older cytoowl: count once, read-only
            cached.write_text(_count(OxStore.read_only(str(directory))))
        return statistics.from_json(cached.read_text())
    if directory.exists() and any(directory.iterdir()) and not (directory / OWNED).is_file():
        raise StoreDirError(
            f"refusing to use the store directory {directory}: it is not empty and was not "
            f"created by cytoowl (no {OWNED} file); give an empty or new directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / OWNED).write_text(dataset.STORE_MARKER_TEXT)
    marker.unlink(missing_ok=True)
    cached.unlink(missing_ok=True)
    store = OxStore(str(directory))
    for graph in dataset.GRAPHS:
        store.remove_graph(NamedNode(graph))
    _fill(store, sources)
    text = _count(store)
    del store
    gc.collect()  # close the read-write handle before read-only ones open
    cached.write_text(text)
    marker.write_text(fingerprint)
    return statistics.from_json(text)


async def load_in_child(sources: dataset.Sources, directory: Path) -> statistics.Stats:
    """:func:`load_store` in a fresh process, so its memory is returned when it exits."""
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return await loop.run_in_executor(pool, load_store, sources, directory)
