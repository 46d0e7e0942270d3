"""run_in_child: a function in a fresh interpreter, its answer or exception back, killed when
the awaiting task is cancelled, and no process left behind (no multiprocessing tracker)."""

from __future__ import annotations

import asyncio
import os
import time

import psutil
import pytest

from cytoowl.serve.workers.children import ChildError, run_in_child


def run(coroutine):
    return asyncio.run(coroutine)


def _children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def _running(pids: set[int]) -> bool:
    """Any of ``pids`` still running (a zombie has exited, it only awaits its reaping)."""
    return any(
        psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in pids
    )


def test_answer_comes_from_another_process_which_is_gone_afterwards() -> None:
    before = _children()
    pid = run(run_in_child(os.getpid))
    assert pid != os.getpid()
    assert not _running({pid})
    assert _children() <= before  # nothing stays (multiprocessing kept a resource tracker)


def test_exception_of_the_function_is_raised_here() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        run(run_in_child(int, "not a number"))


def test_a_child_that_dies_without_answering_is_a_child_error() -> None:
    with pytest.raises(ChildError, match="exited with status 3"):
        run(run_in_child(os._exit, 3))


def test_cancelling_the_call_kills_the_child() -> None:
    async def scenario() -> set[int]:
        before = _children()
        task = asyncio.ensure_future(run_in_child(time.sleep, 60))
        for _ in range(100):
            await asyncio.sleep(0.05)
            if _children() - before:
                break
        started = _children() - before
        assert started, "the child did not start"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return started

    started = run(scenario())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(started):
        time.sleep(0.05)
    assert not _running(started)
