"""A small pool of killable query worker processes, driven from the asyncio event loop.

Each worker (:mod:`cytoowl.query_worker`) holds a read-only handle on the same on-disk
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
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("cytoowl.serve.workers")
_LENGTH = struct.Struct("!Q")
_SRC = str(Path(__file__).resolve().parents[2])


class WorkerError(Exception):
    """A job could not be answered; ``status`` is the HTTP status to report."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(eq=False)  # hashed by identity
class _Worker:
    process: asyncio.subprocess.Process

    async def send(self, job: dict[str, Any]) -> None:
        data = json.dumps(job).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(_LENGTH.pack(len(data)) + data)
        await self.process.stdin.drain()

    async def receive(self) -> bytes:
        assert self.process.stdout is not None
        head = await self.process.stdout.readexactly(_LENGTH.size)
        return await self.process.stdout.readexactly(_LENGTH.unpack(head)[0])

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()


class WorkerPool:
    """``size`` workers on ``store_dir``; :meth:`run` answers a job within a time limit."""

    def __init__(self, store_dir: Path, size: int, allowlist: tuple[str, ...]) -> None:
        self.store_dir = store_dir
        self.size = max(1, size)
        self.allowlist = allowlist
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._spawning: set[asyncio.Task[None]] = set()
        self._closed = False

    async def start(self) -> None:
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([_SRC, os.environ.get("PYTHONPATH", "")]),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cytoowl.serve.query_worker",
            str(self.store_dir),
            json.dumps(list(self.allowlist)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        worker = _Worker(process)
        if await worker.receive() != b"ready":
            worker.kill()
            raise RuntimeError("query worker failed to start")
        if self._closed:
            worker.kill()
            await process.wait()
            return
        self._all.add(worker)
        self._idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background."""
        worker.kill()
        self._all.discard(worker)
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _respawn(self, old: _Worker) -> None:
        await old.process.wait()
        while not self._closed:
            try:
                await self._spawn()
                return
            except Exception:  # keep the pool at size: retry after a pause
                log.exception("query worker restart failed")
                await asyncio.sleep(1)

    async def run(self, job: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        """Run a job; 503 if no worker frees up in time, 504 if the query overruns."""
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            raise WorkerError(
                503, f"all {self.size} query workers stayed busy for {timeout:g} s; retry later"
            ) from None
        try:
            async with asyncio.timeout_at(deadline):
                await worker.send(job)
                header = json.loads(await worker.receive())
                body = await worker.receive()
        except TimeoutError:
            self._replace(worker)
            raise WorkerError(
                504,
                f"query stopped at the time limit of {timeout:g} s; "
                "narrow it (LIMIT, more specific patterns) or ask for a longer limit",
            ) from None
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            self._replace(worker)
            raise WorkerError(503, "the query worker died; the query was not answered") from None
        except BaseException:  # cancelled (client gone): the worker is mid-job, so retire it
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return header, body

    async def close(self) -> None:
        self._closed = True
        for task in list(self._spawning):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        for worker in list(self._all):
            with contextlib.suppress(Exception):
                await worker.process.wait()
        self._all.clear()
