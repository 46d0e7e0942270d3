"""``cytoowl load``: other ontologies (CL, GO, MONDO, ...) into the embedded store's directory.

The files stream into a named graph of the on-disk pyoxigraph store that ``cytoowl serve
--store-dir DIR`` serves (the default graph of queries is the union of all graphs, so the
release and the loaded ontologies join by shared IRIs). The files stream in chunks, so files
larger than memory load: through Oxigraph's own bulk loader (``oxigraph load``, the same
engine and on-disk format as pyoxigraph, with parallel parsing: about twice as fast here)
when its version matches pyoxigraph's, else through pyoxigraph's ``bulk_load``. A graph that
already holds the same files (path, size, modification time) is not loaded again; a graph
holding other data is replaced, and only after the new files have been loaded in full into a
staging graph, so a broken file, or a load stopped mid-way, leaves it as it was. A load holds
the store directory's lock (:mod:`cytoowl.storelock`): it refuses while a server runs on it.
"""

from __future__ import annotations

import gc
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, Quad, Store

from cytoowl import dataset, storelock, vocab
from cytoowl.processes import die_with_parent
from cytoowl.publish.rdffiles import CHUNK, InputError, Progress, RdfFile

RECORD = dataset.LOAD_RECORD
#: staging graphs of loads under way (a stopped load leaves one; the next load drops it)
LOADING = "urn:cytoowl:loading:"


class LoadError(Exception):
    """A load failed; the message names the file (and line, for a syntax error)."""


@dataclass(frozen=True)
class Loaded:
    graph: str
    bytes: int  # of the files as given (compressed size for .gz)
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
    try:
        directory.mkdir(parents=True, exist_ok=True)
        marker.write_text(dataset.STORE_MARKER_TEXT)
    except OSError as exc:  # read-only, disk full, not a directory
        raise LoadError(
            f"cannot use the store directory {directory}: {exc.strerror or exc}"
        ) from None
    try:
        return Store(str(directory))
    except OSError as exc:
        raise LoadError(
            f"cannot open the store {directory} for writing ({exc}); "
            "is a `cytoowl serve` running on it? stop it first"
        ) from None


@cache
def oxigraph_cli() -> str | None:
    """The ``oxigraph`` command beside this Python (or on PATH) if it is pyoxigraph's version."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        return None
    try:
        answer = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found if answer.stdout.split()[-1:] == [pyoxigraph.__version__] else None


def _load_with_cli(
    cli: str, directory: Path, file: RdfFile, graph: str, report: Progress | None
) -> None:
    """``oxigraph load`` of one file: by path (parsed in parallel), or for ``.gz`` through a
    pipe we fill with the decompressed bytes (counted for the progress bar)."""
    command = [cli, "load", "--location", str(directory), "--graph", graph,
               "--format", file.media_type, "--base", file.path.as_uri()]  # fmt: skip
    if not file.gzipped:
        command += ["--file", str(file.path)]
    with tempfile.TemporaryFile() as errors:
        piped = subprocess.PIPE if file.gzipped else subprocess.DEVNULL
        process = subprocess.Popen(
            command, stdin=piped, stdout=errors, stderr=errors, preexec_fn=die_with_parent
        )
        if process.stdin is not None:
            try:
                with file.open(report) as stream:
                    shutil.copyfileobj(stream, process.stdin, CHUNK)
            except BrokenPipeError:
                pass  # the loader stopped (a syntax error): its message follows
            finally:
                process.stdin.close()
        code = process.wait()
        if report is not None and not file.gzipped:
            report(file.size)
        if code:
            errors.seek(0)
            text = errors.read().decode("utf-8", "replace")
            lines = [line.strip() for line in text.splitlines()]
            said = [line.split(": ", 1)[-1] for line in lines if "error at line" in line.lower()]
            said += [line for line in lines if line.startswith("Error:")]
            why = said[0].removeprefix("Error:").strip() if said else text.strip()[-500:]
            raise LoadError(f"{file.path}: {why}")


def load(
    directory: Path,
    files: list[RdfFile],
    graph: str,
    progress: Callable[[str, int], None] | None = None,
) -> Loaded:
    """Load ``files`` into ``graph`` of the store at ``directory`` (replacing that graph)."""
    if not files:
        raise InputError("no files to load")
    try:
        vocab.sparql_iri(graph)
    except ValueError as exc:
        raise LoadError(f"graph {exc}") from None
    for file in files:
        file.check_budget()  # before any parser: no DOCTYPE, bounded JSON-LD nesting
    try:
        lock = storelock.lock_store(directory, "cytoowl load")
    except storelock.LockError as busy:
        raise LoadError(str(busy)) from None
    try:
        return _load_locked(directory, files, graph, progress)
    finally:
        lock.release()


def _load_locked(
    directory: Path,
    files: list[RdfFile],
    graph: str,
    progress: Callable[[str, int], None] | None,
) -> Loaded:
    record = _record(directory)
    stamp = fingerprint(files)
    target = NamedNode(graph)
    staging = NamedNode(f"{LOADING}{secrets.token_hex(8)}")
    store: Store | None = _open(directory)
    try:
        if record.get(graph) == stamp:
            return Loaded(graph, sum(f.size for f in files), True)
        _drop_staging(store)  # what a stopped load left
        cli = oxigraph_cli()
        if cli is not None:
            store = None  # the loader process takes the write lock: release ours
            gc.collect()
        try:
            for file in files:
                report = progress and (lambda n, f=file: progress(f"load {f.path.name}", n))
                if store is None:
                    _load_with_cli(cli or "", directory, file, staging.value, report)
                    continue
                with file.open(report) as stream:
                    store.bulk_load(
                        input=stream, format=file.format, to_graph=staging,
                        base_iri=file.path.as_uri(),
                    )  # fmt: skip
        except (SyntaxError, LoadError) as exc:
            if store is None:  # (a Store with no triples is falsy: test for None)
                store = _open(directory)
            store.remove_graph(staging)  # the target graph was never touched
            message = str(exc) if isinstance(exc, LoadError) else f"{file.path}: {exc}"
            raise LoadError(message) from None
        if store is None:
            store = _open(directory)
        _switch(store, staging, target)
    finally:
        store = None  # release the write lock before a server opens the directory
        gc.collect()
    record[graph] = stamp
    (directory / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True))
    return Loaded(graph, sum(f.size for f in files), False)


def _drop_staging(store: Store) -> None:
    for graph in list(store.named_graphs()):
        if graph.value.startswith(LOADING):
            store.remove_graph(graph)


def _switch(store: Store, staging: NamedNode, target: NamedNode) -> None:
    """Replace ``target`` by the fully loaded ``staging`` graph. Not one transaction (a
    SPARQL ``MOVE`` of 500k triples took 167 s and 1.7 GiB here), but seconds long, after
    the parse: a load stopped while parsing (where its time goes) leaves ``target`` as it
    was."""
    store.remove_graph(target)
    store.bulk_extend(
        Quad(q.subject, q.predicate, q.object, target)
        for q in store.quads_for_pattern(None, None, None, staging)
    )
    store.remove_graph(staging)
    store.flush()
