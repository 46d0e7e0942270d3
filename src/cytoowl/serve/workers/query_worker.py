"""A query worker: a child process with its own read-only handle on the on-disk store.

pyoxigraph cannot cancel a running query, so queries run here, where the server can kill
the whole process at the time limit. The protocol is length-prefixed frames on
stdin/stdout (:mod:`cytoowl.serve.workers.frames`): the server sends one JSON job, the
worker answers a JSON header frame and a body frame. Run as
``python -m cytoowl.serve.workers.query_worker CONFIG_JSON`` (store directory, allow-list,
memory limit); the first frame it writes is ``{"ready": true, "network": ...}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any

from pyoxigraph import NamedNode, Store

from cytoowl.budgets import OverBudget
from cytoowl.serve.protocol import (
    AnswerTooLarge,
    Formats,
    NotAcceptable,
    QueryRefused,
    check_service,
    shape,
)
from cytoowl.serve.protocol.lexer import check_nesting, has_dataset_clause
from cytoowl.serve.protocol.results import UNLIMITED
from cytoowl.serve.workers.frames import read_frame, write_frame
from cytoowl.serve.workers.limits import (
    answer_channel,
    die_with_parent,
    isolate_network,
    limit_memory,
)


def _error(status: int, message: str, retire: bool = False) -> tuple[dict[str, Any], bytes]:
    header: dict[str, Any] = {"status": status, "error": message}
    if retire:  # the worker's state is suspect: the pool replaces it after answering
        header["retire"] = True
    return header, b""


def execute(
    store: Store, job: dict[str, Any], allowlist: tuple[str, ...], plain_lookup: bool = False
) -> tuple[dict, bytes]:
    """Run one job: the query with its dataset, shaped under the row and byte caps.

    ``plain_lookup``: the query is a bounded lookup in its plain spelling
    (:func:`~cytoowl.serve.protocol.lookup_spelling`), which has no SERVICE, FROM or nesting
    to check (two token passes, a fifth of a lookup's time in the server).
    """
    try:
        return _execute(store, job, allowlist, plain_lookup)
    except MemoryError:
        limit = job.get("memory_mb")
        return _error(
            507,
            "the query needed more memory than a query may use"
            + (f" ({limit} MiB)" if limit else "")
            + "; narrow it (LIMIT, fewer or smaller values)",
            retire=True,
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:
        return _error(
            500, f"the query engine failed on this query ({type(e).__name__}: {e})", retire=True
        )


def _execute(
    store: Store, job: dict[str, Any], allowlist: tuple[str, ...], plain_lookup: bool
) -> tuple[dict, bytes]:
    base = job.get("base")
    try:
        if not plain_lookup:
            check_nesting(job["query"])
            check_service(job["query"], allowlist, base)
        default = [NamedNode(g) for g in job.get("default_graphs") or []]
        named = [NamedNode(g) for g in job.get("named_graphs") or []]
        # The union of all graphs is the default graph unless the protocol's graph
        # parameters or the query's own FROM / FROM NAMED give the dataset (the union
        # option would override FROM: `FROM <http://nonexistent/>` counted every triple).
        union = not (default or named or (not plain_lookup and has_dataset_clause(job["query"])))
        results = store.query(
            job["query"],
            base_iri=base,
            use_default_graph_as_union=union,
            default_graph=default or None,
            named_graphs=named or None,
        )
        shaped = shape(
            results,
            Formats(**job["formats"]),
            job["row_limit"],
            job.get("prefixes"),
            job.get("max_bytes") or UNLIMITED,
        )
    except SyntaxError as e:
        return _error(400, f"query syntax error: {e}")
    except OverBudget as e:
        return _error(400, f"query refused: {e}")
    except QueryRefused as e:
        return _error(403, str(e))
    except NotAcceptable as e:
        return _error(406, f"no acceptable media type for a {e} result")
    except AnswerTooLarge as e:
        return _error(507, f"{e}; narrow the query (LIMIT, fewer variables) to get an answer")
    except MemoryError:
        raise
    except ValueError as e:
        return _error(400, f"invalid request: {e}")
    except Exception as e:  # evaluation errors: report them rather than die
        return _error(500, f"query evaluation failed: {e}")
    return {"status": 200, **shaped.header()}, shaped.body


def warm_up() -> None:
    """Pay one-off costs (rdflib's SPARQL grammar for the SERVICE check) before any job.

    Only where endpoints are allow-listed: then every SERVICE query is parsed by rdflib.
    Without an allow-list a SERVICE keyword is refused by the tokenizers alone, and rdflib
    (23 MiB per worker) is imported by the first query that merely spells "service"."""
    with contextlib.suppress(QueryRefused):
        check_service("ASK { SERVICE <http://localhost/> {} }", ())  # never executed


def main(argv: list[str]) -> None:
    die_with_parent()
    config = json.loads(argv[0])
    allowlist = tuple(config["allowlist"])
    # Before any thread exists (unshare needs a single-threaded process): without
    # allow-listed endpoints a worker needs no network at all.
    network = "kept: SERVICE endpoints are allow-listed" if allowlist else isolate_network()
    limit_memory(config.get("memory_mb", 0))
    os.nice(config.get("nice", 0))  # heavy queries yield the CPU to the server's event loop
    out = answer_channel()  # the frame channel
    inp = sys.stdin.buffer
    store = Store.read_only(config["store"])
    if allowlist:
        warm_up()
    write_frame(out, json.dumps({"ready": True, "network": network}).encode())
    out.flush()
    while (frame := read_frame(inp)) is not None:
        header, body = execute(store, json.loads(frame), allowlist)
        write_frame(out, json.dumps(header).encode())
        write_frame(out, body)
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
