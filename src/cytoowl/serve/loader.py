"""Loading the dataset into the on-disk store, in a child process, once per set of files.

The release and shapes go through Oxigraph's bulk loader (as `oxigraph load`: 1M triples in
~16 s here, peak ~870 MiB, like the 830 MiB of `oxigraph load`); that runs in a child process
that exits afterwards, so its memory goes back to the system before the server answers. The
VoID statistics are counted once and cached beside the data; a restart on an up-to-date
store (same fingerprint) reads both from the directory. The catalog of search and browse
(:mod:`cytoowl.serve.catalog`) is built the same way, once per load, after the server is up.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat
from pyoxigraph import Store as OxStore

from cytoowl import dataset
from cytoowl.serve import statistics
from cytoowl.serve.catalog import Read, WholeReader

FINGERPRINT = ".cytoowl-fingerprint"  # written last: the load is complete
OWNED = dataset.STORE_MARKER  # written first: cytoowl created this directory
STATS = ".cytoowl-stats.json"  # the statistics of this load (written before the fingerprint)
#: The catalog of search and browse (:mod:`cytoowl.serve.catalog`), built after a load; the
#: version changes with its tables.
CATALOG_FILE = ".cytoowl-catalog-v1.sqlite"


class StoreDirError(Exception):
    """The store directory cannot be used (e.g. it holds files cytoowl did not create)."""


def _fill(store: OxStore, sources: dataset.Sources) -> None:
    release = sources.ontology_file
    files = [(release, dataset.ONTOLOGY_GRAPH)] if release.exists() else []
    files += [(shapes, dataset.SHAPES_GRAPH) for shapes in sources.shape_files()]
    for path, graph in files:
        syntax = RdfFormat.TURTLE if graph == dataset.SHAPES_GRAPH else dataset.rdf_format(path)
        # Oxigraph's bulk loader (what `oxigraph load` runs): parses in Rust and writes
        # sorted files directly, so nothing passes through Python objects.
        store.bulk_load(path=str(path), format=syntax, to_graph=NamedNode(graph))
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
    (directory / CATALOG_FILE).unlink(missing_ok=True)
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


#: Writes a catalog file from a reader (:func:`cytoowl.serve.search.build_catalog`).
BuildCatalog = Callable[[Path, Read], None]


def build_catalog(directory: Path, build: BuildCatalog) -> Path:
    """The catalog file of the loaded store in ``directory``, built if it is not there yet."""
    path = directory / CATALOG_FILE
    if not path.is_file():
        build(path, WholeReader(OxStore.read_only(str(directory))))
    return path


async def catalog_in_child(directory: Path, build: BuildCatalog) -> Path:
    """:func:`build_catalog` in a fresh process (it reads every term once)."""
    if (directory / CATALOG_FILE).is_file():
        return directory / CATALOG_FILE
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return await loop.run_in_executor(pool, build_catalog, directory, build)
