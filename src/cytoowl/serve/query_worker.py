"""A query worker: a child process with its own read-only handle on the on-disk store.

pyoxigraph cannot cancel a running query, so queries run here, where the server can kill
the whole process at the time limit. The protocol is length-prefixed frames on
stdin/stdout: the server sends one JSON job, the worker answers a JSON header frame and a
body frame. Run as ``python -m cytoowl.serve.query_worker STORE_DIR ALLOWLIST_JSON``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import struct
import sys
from typing import Any, BinaryIO

from pyoxigraph import NamedNode, Store

from cytoowl.serve.protocol import Formats, NotAcceptable, QueryRefused, check_service, shape

_LENGTH = struct.Struct("!Q")


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame, or None at end of input."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    return stream.read(_LENGTH.unpack(head)[0])


def write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)) + data)


def _error(status: int, message: str) -> tuple[dict[str, Any], bytes]:
    return {"status": status, "error": message}, b""


def execute(store: Store, job: dict[str, Any], allowlist: tuple[str, ...]) -> tuple[dict, bytes]:
    """Run one job: the query with its dataset, shaped under the row cap."""
    try:
        check_service(job["query"], allowlist)
        default = [NamedNode(g) for g in job.get("default_graphs") or []]
        named = [NamedNode(g) for g in job.get("named_graphs") or []]
        results = store.query(
            job["query"],
            use_default_graph_as_union=not default,
            default_graph=default or None,
            named_graphs=named or None,
        )
        shaped = shape(results, Formats(**job["formats"]), job["row_limit"], job.get("prefixes"))
    except SyntaxError as e:
        return _error(400, f"query syntax error: {e}")
    except QueryRefused as e:
        return _error(403, str(e))
    except NotAcceptable as e:
        return _error(406, f"no acceptable media type for a {e} result")
    except ValueError as e:
        return _error(400, f"invalid request: {e}")
    except Exception as e:  # evaluation errors: report them rather than die
        return _error(500, f"query evaluation failed: {e}")
    return {"status": 200, **shaped.header()}, shaped.body


def warm_up() -> None:
    """Pay one-off costs (rdflib's SPARQL grammar for the SERVICE check) before any job."""
    with contextlib.suppress(QueryRefused):
        check_service("ASK { SERVICE <http://localhost/> {} }", ())  # never executed


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the server dies (else a runaway query would
    keep burning a core as an orphan)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the server died before we asked
        sys.exit(0)


def main(argv: list[str]) -> None:
    die_with_parent()
    store_dir, allowlist = argv[0], tuple(json.loads(argv[1]))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the frame channel
    inp = sys.stdin.buffer
    store = Store.read_only(store_dir)
    warm_up()
    write_frame(out, b"ready")
    out.flush()
    while (frame := read_frame(inp)) is not None:
        header, body = execute(store, json.loads(frame), allowlist)
        write_frame(out, json.dumps(header).encode())
        write_frame(out, body)
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
