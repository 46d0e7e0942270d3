"""``cytoowl load``: other ontologies (CL, GO, MONDO, ...) into the embedded store's directory.

The files stream into a named graph of the on-disk pyoxigraph store that ``cytoowl serve
--store-dir DIR`` serves (the default graph of queries is the union of all graphs, so the
release and the loaded ontologies join by shared IRIs). pyoxigraph's bulk loader reads the
file in chunks, so files larger than memory load. A graph that already holds the same files
(path, size, modification time) is not loaded again; a graph holding other data is replaced,
and only after the new files have been parsed in full, so a broken file leaves it as it was.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Store, parse

from cytoowl import dataset
from cytoowl.publish.rdffiles import InputError, Progress, RdfFile

RECORD = ".cytoowl-loaded.json"


class LoadError(Exception):
    """A load failed; the message names the file (and line, for a syntax error)."""


@dataclass(frozen=True)
class Loaded:
    graph: str
    triples: int
    skipped: bool


def fingerprint(files: list[RdfFile]) -> list[str]:
    return [f"{f.path.resolve()}:{f.size}:{f.path.stat().st_mtime_ns}" for f in files]


def _record(directory: Path) -> dict[str, list[str]]:
    path = directory / RECORD
    return json.loads(path.read_text()) if path.is_file() else {}


def _open(directory: Path) -> Store:
    """The store at ``directory``, made if new; a foreign non-empty directory is refused."""
    marker = directory / dataset.STORE_MARKER
    if directory.is_dir() and any(directory.iterdir()) and not marker.is_file():
        raise LoadError(
            f"refusing to load into {directory}: it is not empty and was not created by "
            f"cytoowl (no {dataset.STORE_MARKER} file); give an empty or new directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    marker.write_text(dataset.STORE_MARKER_TEXT)
    try:
        return Store(str(directory))
    except OSError as exc:
        raise LoadError(
            f"cannot open the store {directory} for writing ({exc}); "
            "is a `cytoowl serve` running on it? stop it first"
        ) from None


def _count(store: Store, graph: NamedNode) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))


def _check(file: RdfFile, progress: Progress | None) -> None:
    """Parse the whole file without storing it (constant memory)."""
    try:
        with file.open(progress) as stream:
            for _ in parse(input=stream, format=file.format, base_iri=file.path.as_uri()):
                pass
    except SyntaxError as exc:
        raise LoadError(f"{file.path}: {exc}") from None


def load(
    directory: Path,
    files: list[RdfFile],
    graph: str,
    progress: Callable[[str, int], None] | None = None,
) -> Loaded:
    """Load ``files`` into ``graph`` of the store at ``directory`` (replacing that graph)."""
    if not files:
        raise InputError("no files to load")
    record = _record(directory)
    stamp = fingerprint(files)
    store = _open(directory)
    target = NamedNode(graph)
    try:
        if record.get(graph) == stamp:
            return Loaded(graph, _count(store, target), True)
        replacing = next(iter(store.quads_for_pattern(None, None, None, target)), None)
        if replacing is not None:
            for file in files:
                _check(file, progress and (lambda n, f=file: progress(f"check {f.path.name}", n)))
            store.remove_graph(target)
        try:
            for file in files:
                report = progress and (lambda n, f=file: progress(f"load {f.path.name}", n))
                with file.open(report) as stream:
                    store.bulk_load(
                        input=stream, format=file.format, to_graph=target,
                        base_iri=file.path.as_uri(),
                    )  # fmt: skip
        except SyntaxError as exc:
            store.remove_graph(target)  # a new graph: nothing to keep, nothing half-loaded
            raise LoadError(f"{file.path}: {exc}") from None
        store.flush()
        triples = _count(store, target)
    finally:
        del store
        gc.collect()  # release the write lock before a server opens the directory
    record[graph] = stamp
    (directory / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True))
    return Loaded(graph, triples, False)
