"""One writer per store directory: an advisory lock (``fcntl.flock``) that ``cytoowl serve``
holds for its lifetime and ``cytoowl load`` for a load.

The lock file lies beside the directory (``.NAME.cytoowl-lock`` in its parent), not in it:
the loader empties the directory and refuses one holding files it did not write. It names
its holder (command and pid), so the one refused can say who is in the way. The lock goes
with the process that holds it, however that process ends (the kernel drops it).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_SUFFIX = ".cytoowl-lock"


class LockError(Exception):
    """The store directory cannot be locked (one line: which directory, why)."""


class StoreBusy(LockError):
    """Another process holds the store directory; the message names it."""


def lock_path(directory: Path) -> Path:
    """The lock file of ``directory`` (beside it, one per real path)."""
    real = directory.resolve()
    return real.parent / f".{real.name}{LOCK_SUFFIX}"


class StoreLock:
    """A held lock on a store directory; :meth:`release` (or the process's end) frees it."""

    def __init__(self, descriptor: int, path: Path) -> None:
        self._descriptor: int | None = descriptor
        self.path = path

    def release(self) -> None:
        if self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
            os.close(self._descriptor)
            self._descriptor = None


def lock_store(directory: Path, holder: str) -> StoreLock:
    """The lock on ``directory`` for ``holder`` (e.g. ``cytoowl serve``); :class:`StoreBusy`
    naming the process that has it, :class:`LockError` if the directory cannot be used."""
    path = lock_path(directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:  # read-only, not a directory, no permission, disk full
        raise LockError(
            f"cannot use the store directory {directory}: {exc.strerror or exc}"
        ) from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        who = os.pread(descriptor, 300, 0).decode("utf-8", "replace").strip()
        os.close(descriptor)
        raise StoreBusy(
            f"the store directory {directory} is in use by {who or 'another process'}; "
            "stop it first"
        ) from None
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{holder} (pid {os.getpid()})".encode(), 0)
    return StoreLock(descriptor, path)


def holder(directory: Path) -> str | None:
    """Why ``directory`` cannot be locked now (who holds it, or what is wrong with it), or
    None if it can."""
    try:
        lock_store(directory, "a check").release()
    except LockError as busy:
        return str(busy)
    return None
