"""A small pool of killable query worker processes, driven from the asyncio event loop.

Each worker (:mod:`cytoowl.serve.workers.query_worker`) holds a read-only handle on the same on-disk
store, so a worker starts in a fraction of a second and the data is shared through the
page cache. The event loop never blocks: jobs and answers travel over the workers'
pipes as asyncio streams. At the time limit the worker is killed (the only way to stop a
pyoxigraph query) and replaced in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cytoowl.serve.errors import ServeError
from cytoowl.serve.workers import frames
from cytoowl.serve.workers.children import death_message, launch

log = logging.getLogger("cytoowl.serve.workers.pool")


class WorkerStartError(Exception):
    """A worker could not be started (it exited, or was not ready in time)."""


@dataclass(eq=False)  # hashed by identity
class _Worker:
    process: asyncio.subprocess.Process

    async def send(self, job: dict[str, Any]) -> None:
        data = json.dumps(job).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(frames.pack(data))
        await self.process.stdin.drain()

    async def receive(self) -> bytes:
        assert self.process.stdout is not None
        return await frames.receive(self.process.stdout)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()


@dataclass(frozen=True)
class PoolConfig:
    """How workers are started: store, allow-list, limits, and how hard to keep trying."""

    store_dir: Path
    size: int
    allowlist: tuple[str, ...] = ()
    memory_mb: int = 0
    start_timeout_s: float = 60.0
    restart_attempts: int = 5
    nice: int = 0
    #: The first wait before a restart is tried again (it doubles, up to 8 s).
    restart_backoff_s: float = 0.25


class WorkerPool:
    """``size`` workers on ``store_dir``; :meth:`run` answers a job within a time limit."""

    def __init__(
        self, config: PoolConfig, before_spawn: Callable[[], Awaitable[None]] | None = None
    ):
        self.config = config
        self.size = max(1, config.size)
        self.before_spawn = before_spawn
        self.network: str | None = None
        self.failure: str | None = None  # set when restarts were given up
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._spawning: set[asyncio.Task[None]] = set()
        self._watchers: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def alive(self) -> int:
        """Workers running now (idle or busy)."""
        return len(self._all)

    @property
    def restarting(self) -> bool:
        """Whether a replacement is being started (or waits to be tried again)."""
        return bool(self._spawning)

    def pids(self) -> list[int]:
        """The process ids of the workers running now."""
        return [worker.process.pid for worker in self._all]

    def busy_pids(self) -> list[int]:
        """The process ids of the workers answering a job now."""
        idle = set(self._idle._queue)  # type: ignore[attr-defined]
        return [worker.process.pid for worker in self._all if worker not in idle]

    async def settled(self) -> None:
        """Wait until no replacement is being started: each has started or been given up."""
        while self._spawning:
            await asyncio.gather(*self._spawning, return_exceptions=True)

    async def start(self) -> None:
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        config = {
            "store": str(self.config.store_dir),
            "allowlist": list(self.config.allowlist),
            "memory_mb": self.config.memory_mb,
            "nice": self.config.nice,
        }
        # The worker caps its own memory once its network is gone (it must unshare first);
        # an out-of-memory abort logs one line, not a backtrace.
        process = await launch(
            "cytoowl.serve.workers.query_worker", json.dumps(config), RUST_BACKTRACE="0"
        )
        worker = _Worker(process)
        try:
            async with asyncio.timeout(self.config.start_timeout_s):
                ready = json.loads(await worker.receive())
        except TimeoutError:
            worker.kill()
            raise WorkerStartError(
                f"a query worker did not become ready within {self.config.start_timeout_s:g} s"
            ) from None
        except (asyncio.IncompleteReadError, ValueError, OSError):
            worker.kill()
            code = await process.wait()
            raise WorkerStartError(
                f"a query worker exited while starting (status {code})"
            ) from None
        if self.network is None:
            self.network = ready.get("network", "unknown")
            level = logging.INFO if self.network == "isolated" else logging.WARNING
            log.log(level, "query workers' network: %s", self.network)
        if self._closed:
            worker.kill()
            await process.wait()
            return
        self._all.add(worker)
        self._idle.put_nowait(worker)
        watcher = asyncio.get_running_loop().create_task(self._watch(worker))
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)

    async def _watch(self, worker: _Worker) -> None:
        """Replace a worker that dies on its own (killed, crashed) even while idle."""
        await worker.process.wait()
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background (once per worker)."""
        worker.kill()
        if worker not in self._all:
            return
        self._all.discard(worker)
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _respawn(self, old: _Worker) -> None:
        """Start a replacement, retrying with exponential backoff a bounded number of times."""
        await old.process.wait()
        delay = self.config.restart_backoff_s
        for attempt in range(1, self.config.restart_attempts + 1):
            if self._closed:
                return
            try:
                if self.before_spawn is not None:
                    await self.before_spawn()
                await self._spawn()
                self.failure = None
                return
            except Exception as exc:
                log.warning("query worker restart %d failed: %s", attempt, exc)
                self.failure = str(exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8.0)
        log.error(
            "gave up restarting a query worker after %d attempts: %s",
            self.config.restart_attempts,
            self.failure,
        )

    def _died(self, worker: _Worker) -> ServeError:
        code = worker.process.returncode
        self._replace(worker)
        if code == -signal.SIGABRT and self.config.memory_mb:
            return ServeError(
                507,
                "the query ran out of memory (limit "
                f"{self.config.memory_mb} MiB per query worker); narrow it",
            )
        return ServeError(*death_message(code, "query"))

    async def run(self, job: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        """Run a job; 503 if no worker frees up in time, 504 if the query overruns."""
        if not self._all and not self._spawning:
            raise ServeError(503, f"no query worker is running: {self.failure or 'stopped'}")
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            async with asyncio.timeout_at(deadline):
                worker = await self._idle.get()
                while worker not in self._all:  # died while idle: its watcher replaces it
                    worker = await self._idle.get()
        except TimeoutError:
            raise ServeError(
                503, f"all {self.size} query workers stayed busy for {timeout:g} s; retry later"
            ) from None
        try:
            async with asyncio.timeout_at(deadline):
                await worker.send({**job, "memory_mb": self.config.memory_mb})
                header = json.loads(await worker.receive())
                body = await worker.receive()
        except TimeoutError:
            self._replace(worker)
            raise ServeError(
                504,
                f"query stopped at the time limit of {timeout:g} s; "
                "narrow it (LIMIT, more specific patterns) or ask for a longer limit",
            ) from None
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(worker.process.wait(), 2)
            raise self._died(worker) from None
        except BaseException:  # cancelled (client gone): the worker is mid-job, so retire it
            self._replace(worker)
            raise
        if header.pop("retire", False):
            self._replace(worker)
        else:
            self._idle.put_nowait(worker)
        return header, body

    async def close(self) -> None:
        self._closed = True
        for task in [*self._spawning, *self._watchers]:
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        for worker in list(self._all):
            with contextlib.suppress(Exception):
                await worker.process.wait()
        self._all.clear()
