"""Child processes of any cytoowl command die with their parent, never left as orphans.

Used by the server's children (query workers, the loader, the catalog builder: re-exported
by :mod:`cytoowl.serve.workers.limits`) and by ``cytoowl load`` for ``oxigraph load``: a
killed load left the bulk loader running, holding the store's write lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (also usable as ``preexec_fn``:
    the request survives ``exec``)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent died before we asked
        sys.exit(0)
