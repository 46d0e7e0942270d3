"""How the server starts its child processes: query workers, validators, the loader, the
counts and the catalog builder.

:func:`launch` is the one way a child starts (``python -P -m MODULE``: the working
directory is not on its import path, so a ``json.py`` there cannot run inside a child; the
environment of :func:`child_env`: this source tree importable, small malloc arenas; stdin
and stdout its channel). :func:`run_in_child` runs one module-level function in a fresh interpreter
(``python -m cytoowl.serve.workers.children``): its memory goes back to the system when it
exits, it dies with the server, and it is killed when the awaiting task is cancelled. The
call and its answer travel as pickles over the child's stdin and stdout, between processes
of the same server (nothing from a request is ever unpickled).

Why not :mod:`multiprocessing`: its spawn context starts a resource-tracker process that
stays for the server's lifetime (12 MiB), and a ProcessPoolExecutor offers no public way to
stop a running call.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import pickle
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cytoowl.serve.workers.limits import answer_channel, die_with_parent, limit_memory

T = TypeVar("T")
_SRC = str(Path(__file__).resolve().parents[3])


#: Signals by which a process dies of its own fault (the engine's, on the input it was given),
#: not stopped from outside: retrying the same query or data would crash it again.
CRASH_SIGNALS = frozenset({signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE})


def death_message(code: int | None, what: str) -> tuple[int, str]:
    """(HTTP status, message) for a child that died while working on a ``what`` ("query",
    "data"): a crash is the engine failing on this input (500, do not retry); anything else
    (SIGKILL from outside, a clean exit) may be retried (503)."""
    if code is not None and code < 0 and -code in CRASH_SIGNALS:
        name = signal.Signals(-code).name
        return 500, (
            f"the engine could not process this {what} (its process crashed with {name}); "
            f"the same {what} would crash it again: change it"
        )
    if code is not None and code < 0:
        return 503, f"the process working on this {what} was killed by signal {-code}; retry"
    return 503, f"the process working on this {what} exited (status {code}) before answering"


class ChildError(Exception):
    """A child process exited without answering (killed, crashed)."""


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child: this cytoowl importable, fewer malloc arenas.

    ``PYTHONPATH`` keeps no empty entry: Python reads one as the working directory."""
    given = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([_SRC, *(entry for entry in given if entry)]),
        "MALLOC_ARENA_MAX": "2",  # fewer malloc arenas: less address space per thread
        **extra,
    }


def _before_exec(memory_mb: int) -> None:  # runs in the child, before exec
    limit_memory(memory_mb)  # 0: no cap
    die_with_parent()


async def launch(
    module: str,
    *args: str,
    stderr: bool = False,
    memory_mb: int | None = None,
    line_limit: int = 2**16,
    **env: str,
) -> asyncio.subprocess.Process:
    """``python -P -m module *args`` as a child of the server, ``env`` added to its environment.

    stdin and stdout are pipes (the channel); stderr is piped when ``stderr`` (kept for the
    messages of a child that may die), else shared with the server's log. ``memory_mb``
    caps the child's address space before it runs (0: no cap) and has it die with the
    server, for a child that does not do so itself. ``line_limit`` bounds one line read
    from its stdout.
    """
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-P",  # safe path: neither the working directory nor '' first on sys.path
        "-m",
        module,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE if stderr else None,
        env=child_env(**env),
        limit=line_limit,
        preexec_fn=None if memory_mb is None else functools.partial(_before_exec, memory_mb),
    )


async def run_in_child(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a fresh process; its exception is raised here."""
    payload = pickle.dumps((function, args))
    process = await launch("cytoowl.serve.workers.children")
    try:
        out, _ = await process.communicate(payload)
    except BaseException:  # cancelled (shutdown): do not wait for a load to finish
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await asyncio.shield(process.wait())  # reaped at once after the kill
        raise
    if process.returncode != 0 or not out:
        name = getattr(function, "__qualname__", repr(function))
        code = process.returncode
        raise ChildError(f"the child process running {name} exited with status {code}")
    ok, value = pickle.loads(out)
    if not ok:
        raise value
    return value


def _answer(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    try:
        return pickle.dumps((True, function(*args)))
    except Exception as exc:
        try:
            return pickle.dumps((False, exc))
        except Exception:  # an exception that does not pickle: keep its message
            return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def main() -> None:
    die_with_parent()
    out = answer_channel()
    function, args = pickle.loads(sys.stdin.buffer.read())
    out.write(_answer(function, args))
    out.flush()


if __name__ == "__main__":
    main()
