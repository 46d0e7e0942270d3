"""Validation in a process of its own, for ``POST /validate`` (docs/serving.md).

The server runs validations here so that one can be killed at its time limit and bounded in
memory without touching the server process. The process is kept warm: it reads the release,
compiles the shapes and finds the release's own results once, then answers request after
request, so a small body costs one engine run (the release beside the data), not a new
interpreter and two runs.

Usage: ``python -m cytoowl.validate.worker NAME`` (NAME: how messages call the input). It
writes ``{"ready": true}`` as its first line, then answers each job line
``{"format": F, "body": TEXT}`` (F a ``--format`` name; TEXT the body's bytes decoded as
UTF-8 with ``surrogateescape``, so any bytes survive JSON) with one JSON line: the outcome,
``{"error": ...}`` for unusable input, or ``{"failure": ...}`` when the validation itself
failed. Anything a library prints goes to stderr, which the server keeps for its messages.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from typing import Any, BinaryIO

from cytoowl import formats, vocab
from cytoowl.validate import shacl
from cytoowl.validate.shacl import InputError, parse_bytes, validate


def answer(fmt: str, body: bytes, name: str) -> dict[str, Any]:
    """The outcome of validating ``body`` (in format ``fmt``), as the server reads it."""
    try:
        if fmt not in formats.NAMES:
            raise InputError(f"unknown format '{fmt}'")
        data = parse_bytes(body, formats.NAMES[fmt], name, vocab.BASE_IRI + "validate/")
        outcome = validate(data)
    except InputError as exc:
        return {"error": str(exc)}
    return {
        "mode": outcome.mode,
        "conforms": outcome.conforms,
        "summary": outcome.summary(),
        "results": [dataclasses.asdict(r) for _, group in outcome.by_focus() for r in group],
        "turtle": outcome.serialize("turtle"),
        "jsonld": outcome.serialize("json-ld"),
    }


def warm_up() -> None:
    """What every request would otherwise pay: the release read, the shapes compiled, the
    release's own results found (left out of data-mode reports)."""
    shacl.release_data()
    shacl._release_identities()


def _answer_channel() -> BinaryIO:
    """stdout kept for the answers; anything printed from here on goes to stderr."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return out


def serve(name: str, inp: BinaryIO, out: BinaryIO) -> None:
    warm_up()
    out.write(b'{"ready": true}\n')
    out.flush()
    while line := inp.readline():
        job = json.loads(line)
        body = job["body"].encode("utf-8", "surrogateescape")
        try:
            outcome = answer(job["format"], body, name)
        except Exception as exc:  # not the input's fault: say so, and stay for the next
            outcome = {"failure": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(outcome).encode() + b"\n")
        out.flush()


def main(argv: list[str]) -> int:
    serve(argv[1] if len(argv) > 1 else "request body", sys.stdin.buffer, _answer_channel())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
