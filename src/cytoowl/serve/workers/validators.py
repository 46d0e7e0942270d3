"""Warm validation processes for ``POST /validate`` (:mod:`cytoowl.validate.worker`).

Each process reads the release and compiles the shapes once, then validates body after body
(one JSON line in, one out). At most ``SLOTS`` run at once, each started on the first
request that needs it, killed at the time limit (``validate_timeout_s``) and replaced on
demand, limited in address space (``worker_memory_mb``, 0: no cap). A process that dies is
named by the last line it wrote to stderr. The validation code is never imported here: the
server only talks to the process.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import signal
from typing import Any

from cytoowl.serve.errors import ServeError
from cytoowl.serve.workers.children import death_message, launch
from cytoowl.settings import Settings

SLOTS = 2
#: What a child says on stderr when its memory cap stopped it (Python, the dynamic loader).
_OUT_OF_MEMORY = ("MemoryError", "failed to map segment", "Cannot allocate memory")
#: Lines of a validator's stderr kept for the message when it dies.
STDERR_LINES = 20
#: The longest line a validator answers (a report of every result, as Turtle and JSON-LD).
ANSWER_LIMIT = 1 << 30


class _Validator:
    """One warm ``cytoowl.validate.worker`` process and the tail of its stderr."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self._reader = asyncio.get_running_loop().create_task(self._keep_stderr())

    async def _keep_stderr(self) -> None:
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.stderr.append(line.decode("utf-8", "replace").rstrip())

    async def line(self) -> dict[str, Any]:
        """The next answer line; :class:`EOFError` when the process ended instead."""
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise EOFError
        return json.loads(line)

    async def ask(self, fmt: str, body: bytes) -> dict[str, Any]:
        job = {"format": fmt, "body": body.decode("utf-8", "surrogateescape")}
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(job).encode() + b"\n")
        await self.process.stdin.drain()
        return await self.line()

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    async def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        if self.process.stdin is not None:
            self.process.stdin.close()  # with the other pipes at their end, the transport closes
        await self.process.wait()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(self._reader, 2)
        assert self.process.stdout is not None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.process.stdout.read(), 2)

    async def death(self, memory_mb: int) -> tuple[int, str]:
        """(status, why the process ended): a crash or a kill (:func:`death_message`), with
        the last line it wrote to stderr, and the memory limit when it ran out of memory."""
        await self.stop()
        code = self.process.returncode
        status, message = death_message(code, "data")
        said = next((line for line in reversed(self.stderr) if line.strip()), "")
        if said:
            message += f" ({said[:300]})"
        if memory_mb and (code == -signal.SIGABRT or any(w in said for w in _OUT_OF_MEMORY)):
            message += f"; it needed more than {memory_mb} MiB (--worker-memory)"
        return status, message


class Validators:
    """Up to ``SLOTS`` warm validation processes; :meth:`run` validates one body."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started = 0  # processes started so far
        self._slots: asyncio.Semaphore | None = None
        self._idle: list[_Validator] = []
        self._busy: set[_Validator] = set()

    async def _start(self) -> _Validator:
        process = await launch(
            "cytoowl.validate.worker",
            "request body",
            stderr=True,
            memory_mb=self.settings.worker_memory_mb,
            line_limit=ANSWER_LIMIT,
        )
        self.started += 1
        return _Validator(process)

    async def run(self, body: bytes, fmt: str) -> dict[str, Any]:
        """Validate ``body`` in a validation process; the outcome, or :class:`ServeError`."""
        timeout = self.settings.validate_timeout_s
        deadline = asyncio.get_running_loop().time() + timeout
        self._slots = self._slots or asyncio.Semaphore(SLOTS)
        try:
            async with asyncio.timeout_at(deadline):
                await self._slots.acquire()
        except TimeoutError:
            raise ServeError(503, f"all validation slots stayed busy for {timeout:g} s") from None
        try:
            return await self._run(body, fmt, deadline)
        finally:
            self._slots.release()

    async def _run(self, body: bytes, fmt: str, deadline: float) -> dict[str, Any]:
        while self._idle and not self._idle[-1].alive:  # died while idle
            await self._idle.pop().stop()
        validator = self._idle.pop() if self._idle else None
        try:
            async with asyncio.timeout_at(deadline):
                if validator is None:
                    validator = await self._start()
                    self._busy.add(validator)
                    await validator.line()  # {"ready": true}, after the warm-up
                else:
                    self._busy.add(validator)
                outcome = await validator.ask(fmt, body)
        except TimeoutError:
            if validator is not None:
                await validator.stop()
            timeout = self.settings.validate_timeout_s
            raise ServeError(
                504, f"validation stopped at the time limit of {timeout:g} s; send less data"
            ) from None
        except (EOFError, ConnectionError, ValueError):
            assert validator is not None
            status, message = await validator.death(self.settings.worker_memory_mb)
            raise ServeError(status, message) from None
        except BaseException:  # cancelled (client gone, shutdown): the process is mid-job
            if validator is not None:
                await asyncio.shield(validator.stop())
            raise
        finally:
            self._busy.discard(validator)  # type: ignore[arg-type]
        self._idle.append(validator)
        if "failure" in outcome:
            raise ServeError(500, f"validation failed: {outcome['failure']}")
        if "error" in outcome:
            raise ServeError(400, f"unusable input: {outcome['error']}")
        return outcome

    async def close(self) -> None:
        for validator in [*self._idle, *self._busy]:
            await validator.stop()
        self._idle.clear()
        self._busy.clear()
