"""The release in an on-disk pyoxigraph store, queried by a pool of worker processes.

Protocol queries run in killable worker processes (:mod:`cytoowl.serve.workers.pool`);
bounded lookups and term pages run in-process on a read-only handle. The store is loaded,
counted and its derived files built in child processes (:mod:`cytoowl.serve.store.loader`).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Triple
from pyoxigraph import Store as OxStore

from cytoowl import dataset, storelock
from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import PLAIN, QueryResult, lookup_spelling
from cytoowl.serve.store.base import Node, QueryRequest, Store
from cytoowl.serve.store.loader import (
    FINGERPRINT,
    StoreDirError,
    count_in_child,
    derived_in_child,
    load_in_child,
)
from cytoowl.serve.store.readers import Build
from cytoowl.serve.store.statistics import Stats
from cytoowl.serve.workers.pool import PoolConfig, WorkerPool
from cytoowl.serve.workers.query_worker import execute
from cytoowl.settings import Settings


def _result(header: dict[str, Any], body: bytes) -> QueryResult:
    if header["status"] != 200:
        raise ServeError(header["status"], header["error"])
    return QueryResult.from_header(header, body)


class EmbeddedStore(Store):
    """The release in an on-disk pyoxigraph store, queried by a pool of worker processes."""

    def __init__(self, settings: Settings, sources: dataset.Sources) -> None:
        super().__init__(settings)
        self.sources = sources
        self._tmp: str | None = None
        self._local: OxStore | None = None
        self._pool: WorkerPool | None = None
        self._repairing: asyncio.Task[None] | None = None
        self._repair_lock = asyncio.Lock()
        self._stats: Stats | None = None
        self._lock: storelock.StoreLock | None = None

    @property
    def pool(self) -> WorkerPool | None:
        """The query workers (None before :meth:`start`)."""
        return self._pool

    @property
    def directory(self) -> Path:
        if self.settings.store_dir:
            return Path(self.settings.store_dir)
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix="cytoowl-store-")
        return Path(self._tmp)

    async def start(self) -> None:
        log, started = logging.getLogger("cytoowl.serve"), time.monotonic()
        if self.settings.store_dir:  # one writer per directory, for the server's lifetime
            try:
                self._lock = storelock.lock_store(self.directory, "cytoowl serve")
            except storelock.LockError as busy:
                raise StoreDirError(str(busy)) from None
        self._stats = await load_in_child(self.sources, self.directory)
        log.info("store at %s ready in %.1f s", self.directory, time.monotonic() - started)
        self._local = OxStore.read_only(str(self.directory))
        self._pool = WorkerPool(
            PoolConfig(
                self.directory,
                self.settings.workers,
                self.settings.service_allowlist,
                self.settings.worker_memory_mb,
                self.settings.worker_start_timeout_s,
                self.settings.worker_restarts,
                self.settings.worker_nice,
            ),
            before_spawn=self._repair,
        )
        await self._pool.start()
        log.info("%d query workers started in %.1f s", self._pool.size, time.monotonic() - started)

    async def _repair(self) -> None:
        """Before a worker restarts: reload the store if its directory has vanished."""
        async with self._repair_lock:  # one reload at a time (start-up of workers, /ready)
            if not (self.directory / FINGERPRINT).exists():
                self._stats = await load_in_child(self.sources, self.directory)
                self._local = OxStore.read_only(str(self.directory))
                self.generation += 1

    async def initial_statistics(self, timeout: float) -> Stats:
        # Read at load: the header, and the counts when an earlier start made them.
        return self._stats if self._stats is not None else await self.statistics(timeout)

    async def statistics(self, timeout: float) -> Stats:
        if self._stats is None or not self._stats.counted:
            self._stats = await count_in_child(self.directory)
        return self._stats

    async def ready(self) -> tuple[bool, str]:
        if self._pool is None:
            return False, "not started"
        if not (self.directory / FINGERPRINT).exists():
            if self._repairing is None or self._repairing.done():
                self._repairing = asyncio.get_running_loop().create_task(self._repair())
            return False, f"the store directory {self.directory} is missing; reloading it"
        if self._pool.alive == 0:
            return False, f"no query worker is running: {self._pool.failure or 'starting'}"
        return True, f"{self._pool.alive} of {self._pool.size} query workers running"

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        self._local = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        await super().close()

    def _job(self, request: QueryRequest) -> dict[str, Any]:
        return {
            "query": request.query,
            "formats": request.formats.__dict__,
            "default_graphs": list(request.default_graphs),
            "named_graphs": list(request.named_graphs),
            "row_limit": self.settings.row_limit,
            "max_bytes": self.settings.max_answer_bytes,
            "prefixes": request.prefixes,
            "base": request.base,
        }

    def lookup(self, request: QueryRequest) -> QueryResult | None:
        if self._local is None or request.default_graphs or request.named_graphs:
            return None
        spelling = lookup_spelling(request.query)
        if spelling is None:
            return None
        # In-process, see is_bounded_lookup: at most row_limit rows of one index scan.
        job = self._job(request)
        allowlist = self.settings.service_allowlist
        return _result(*execute(self._local, job, allowlist, plain_lookup=spelling == PLAIN))

    async def query(
        self, request: QueryRequest, timeout: float | None = None, lookup: bool = True
    ) -> QueryResult:
        assert self._pool is not None, "store not started"
        found = self.lookup(request) if lookup else None
        if found is not None:
            return found
        header, body = await self._pool.run(
            self._job(request), timeout or self.settings.query_timeout_s
        )
        return _result(header, body)

    async def derived_file(self, name: str, build: Build, timeout: float) -> Path:
        # Built once per load, beside the data, in a child process (its memory goes back
        # when it exits), reading the store in one pass per query; reused on restart.
        return await derived_in_child(self.directory, name, build)

    async def triples(
        self, subject: Node | None, predicate: NamedNode | None, obj: Any, limit: int
    ) -> list[Triple]:
        # In-process on purpose: one index range scan with a fixed bound, no query
        # evaluation, so it cannot run away and needs no killable worker.
        assert self._local is not None, "store not started"
        seen: dict[Triple, None] = {}
        for quad in self._local.quads_for_pattern(subject, predicate, obj, None):
            seen.setdefault(quad.triple, None)
            if len(seen) >= limit:
                break
        return list(seen)
