"""Loading the dataset into the on-disk store, in a child process, once per set of files.

The release and shapes go through Oxigraph's bulk loader (as `oxigraph load`: 1M triples in
~9 s here, peak ~870 MiB, like the 830 MiB of `oxigraph load`); that runs in a child process
(:func:`cytoowl.serve.workers.children.run_in_child`) that exits afterwards, so its memory goes
back to the system before the server answers. Only the ontology header is read at load; the
VoID counts (:func:`count_store`) and the files derived from the data (the catalog of search
and browse, :func:`build_derived`) are made the same way, once per load, after the server is
up, and cached beside the data, so a restart on an up-to-date store (same fingerprint) reads them.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat
from pyoxigraph import Store as OxStore

from cytoowl import dataset
from cytoowl.serve.store import statistics
from cytoowl.serve.store.parts import PartsFailed, bulk_load
from cytoowl.serve.store.readers import Build, WholeReader
from cytoowl.serve.workers.children import run_in_child

FINGERPRINT = ".cytoowl-fingerprint"  # written last: the load is complete
OWNED = dataset.STORE_MARKER  # written first: cytoowl created this directory
STATS = ".cytoowl-stats.json"  # the statistics of this load, counted after the server is up
#: Files derived from the data (the catalog of search and browse) begin so; a reload drops
#: them. Their builders name them (``Store.derived_file``).
DERIVED = ".cytoowl-"


class StoreDirError(Exception):
    """The store directory cannot be used (e.g. it holds files cytoowl did not create)."""


def _fill(store: OxStore, sources: dataset.Sources, parts: int | None = None) -> None:
    release = sources.ontology_file
    files = [(release, dataset.ONTOLOGY_GRAPH)] if release.exists() else []
    files += [(shapes, dataset.SHAPES_GRAPH) for shapes in sources.shape_files()]
    for path, graph in files:
        syntax = RdfFormat.TURTLE if graph == dataset.SHAPES_GRAPH else dataset.rdf_format(path)
        # Oxigraph's bulk loader (what `oxigraph load` runs): parses in Rust and writes
        # sorted files directly, so nothing passes through Python objects; a large file
        # in parts on every core.
        bulk_load(store, path, syntax, NamedNode(graph), parts)
    store.extend(list(dataset.example_quads(sources.examples())))
    store.flush()
    # One file per index: after a load in parts, without it the mix ran 18% and lookups 9%
    # slower (1M triples); after a whole load it takes no time.
    store.optimize()


def _select(store: OxStore) -> statistics.Select:
    def select(query: str) -> list:
        return list(store.query(query, use_default_graph_as_union=True))

    return select


def _cached(directory: Path) -> statistics.Stats | None:
    path = directory / STATS
    return statistics.from_json(path.read_text()) if path.is_file() else None


def load_store(sources: dataset.Sources, directory: Path) -> statistics.Stats:
    """Load release, shapes and examples into named graphs under ``directory``.

    Returns the statistics known so far: all of them once :func:`count_store` has run for
    this load, else the ontology header alone. Skipped when the directory already holds a
    load of the same files (fingerprint). A non-empty directory without the
    ``.cytoowl-store`` marker (written here and by ``cytoowl load``) is refused, never
    touched. In an outdated store only the release, shapes and queries graphs are replaced:
    graphs added by ``cytoowl load`` stay.
    """
    marker = directory / FINGERPRINT
    fingerprint = _fingerprint(sources, directory)
    if marker.exists() and marker.read_text() == fingerprint:
        cached = _cached(directory)
        if cached is not None:
            return cached
        return statistics.header_only(_select(OxStore.read_only(str(directory))))
    if directory.exists() and any(directory.iterdir()) and not (directory / OWNED).is_file():
        raise StoreDirError(
            f"refusing to use the store directory {directory}: it is not empty and was not "
            f"created by cytoowl (no {OWNED} file); give an empty or new directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / OWNED).write_text(dataset.STORE_MARKER_TEXT)
    marker.unlink(missing_ok=True)
    (directory / STATS).unlink(missing_ok=True)
    for derived in directory.glob(DERIVED + "*"):
        if derived.is_file() and derived.name not in (OWNED, FINGERPRINT, dataset.LOAD_RECORD):
            derived.unlink()
    store = _emptied(directory)
    try:
        _fill(store, sources)
        in_parts = True
    except PartsFailed:
        in_parts = False
    if not in_parts:  # a cut fell inside a statement: again, the file whole (after the
        del store  # handler, so that its traceback no longer holds the store open)
        gc.collect()
        store = _emptied(directory)
        _fill(store, sources, parts=1)
    stats = statistics.header_only(_select(store))
    del store
    gc.collect()  # close the read-write handle before read-only ones open
    marker.write_text(fingerprint)
    return stats


def _fingerprint(sources: dataset.Sources, directory: Path) -> str:
    """The served files and what `cytoowl load` added: a change to either reloads the
    release graphs and drops the counts and derived files (the catalog)."""
    record = directory / dataset.LOAD_RECORD
    loaded = record.read_text() if record.is_file() else ""
    return sources.fingerprint() + ("\n" + loaded if loaded else "")


def _emptied(directory: Path) -> OxStore:
    """The store in ``directory`` (owned by cytoowl) without the release, shapes and queries.

    When those are all it holds, its files are deleted and a new store is made: removing
    1M quads one by one and compacting took ~70 s, a fresh load ~13 s. Graphs added by
    ``cytoowl load`` are kept: then only cytoowl's graphs are removed from the store."""
    store = OxStore(str(directory))
    ours = {NamedNode(graph) for graph in dataset.GRAPHS}
    in_default = next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None)
    if in_default is not None or any(graph not in ours for graph in store.named_graphs()):
        for graph in ours:
            store.remove_graph(graph)
        return store
    del store
    gc.collect()  # close the handle before its files go
    for entry in directory.iterdir():
        if entry.name != OWNED:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    return OxStore(str(directory))


def count_store(directory: Path) -> statistics.Stats:
    """All statistics of the loaded store in ``directory``, counted once per load (cached)."""
    cached = _cached(directory)
    if cached is not None:
        return cached
    fingerprint = (directory / FINGERPRINT).read_text()
    stats = statistics.compute(_select(OxStore.read_only(str(directory))))
    if (directory / FINGERPRINT).read_text() == fingerprint:  # not reloaded meanwhile
        (directory / STATS).write_text(statistics.to_json(stats))
    return stats


async def load_in_child(sources: dataset.Sources, directory: Path) -> statistics.Stats:
    """:func:`load_store` in a child process."""
    return await run_in_child(load_store, sources, directory)


async def count_in_child(directory: Path) -> statistics.Stats:
    """:func:`count_store` in a child process (it reads every triple)."""
    return _cached(directory) or await run_in_child(count_store, directory)


def derived_path(directory: Path, name: str) -> Path:
    """Where the file ``name`` derived from the store's data lives: beside the data, dropped
    at every reload (see :func:`load_store`)."""
    return directory / f"{DERIVED}{name}"


def build_derived(directory: Path, name: str, build: Build) -> Path:
    """The file ``name`` derived from the loaded store in ``directory`` by ``build(path,
    read)``, built if it is not there yet."""
    path = derived_path(directory, name)
    if not path.is_file():
        build(path, WholeReader(OxStore.read_only(str(directory))))
    return path


async def derived_in_child(directory: Path, name: str, build: Build) -> Path:
    """:func:`build_derived` in a fresh process (it reads the whole store)."""
    path = derived_path(directory, name)
    if path.is_file():
        return path
    return await run_in_child(build_derived, directory, name, build)
