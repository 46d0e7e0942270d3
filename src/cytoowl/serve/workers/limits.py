"""Operating-system limits a query worker puts on itself before it reads any job.

* :func:`isolate_network`: a new, empty network namespace (``unshare(CLONE_NEWNET)``), so
  the engine's built-in HTTP client cannot reach anything even if a SERVICE slipped past
  the text check. As root it works directly; otherwise a user namespace is tried first
  (``CLONE_NEWUSER | CLONE_NEWNET``, allowed on many Linux systems); where neither is
  permitted the worker keeps the network and says so.
* :func:`limit_memory`: ``RLIMIT_AS``, so a query that builds huge values fails in that
  worker (which is then replaced) instead of exhausting the machine.
* :func:`die_with_parent`: every child of the server (query workers, the loader, the catalog
  builder) is killed by Linux when the server dies, never left running as an orphan.
* :func:`answer_channel`: stdout is kept for the answers to the server, and anything printed
  goes to stderr. This module stays light (no asyncio), as the workers import it.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
from typing import BinaryIO

from cytoowl.processes import die_with_parent

__all__ = ["answer_channel", "die_with_parent", "isolate_network", "limit_memory"]

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


def isolate_network() -> str:
    """Leave the network; returns ``"isolated"`` or why the network is still there."""
    if not sys.platform.startswith("linux"):
        return f"not isolated: no network namespaces on {sys.platform}"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as exc:
        return f"not isolated: {exc}"
    errors = []
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return "isolated"
        errors.append(os.strerror(ctypes.get_errno()))
    return "not isolated: unshare refused (" + "; ".join(errors) + ")"


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at ``megabytes`` MiB (0: no cap)."""
    if megabytes <= 0:
        return
    limit = megabytes * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def answer_channel() -> BinaryIO:
    """This child's stdout, kept for its answers to the server; from here on anything
    printed (by this code or a library) goes to stderr, never into the answers."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return out
