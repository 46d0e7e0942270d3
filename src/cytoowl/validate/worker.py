"""One validation in a process of its own: RDF on stdin, the outcome as JSON on stdout.

The server runs this per ``POST /validate`` so that a request can be killed at its time limit
and bounded in memory without touching the server process (docs/serving.md).
Usage: ``python -m cytoowl.validate.worker FORMAT NAME`` (FORMAT a ``--format`` name).
"""

from __future__ import annotations

import dataclasses
import json
import sys

from cytoowl import formats, vocab
from cytoowl.validate.shacl import InputError, parse_bytes, validate


def main(argv: list[str]) -> int:
    fmt, name = argv[1], argv[2]
    body = sys.stdin.buffer.read()
    try:
        if fmt not in formats.NAMES:
            raise InputError(f"unknown format '{fmt}'")
        data = parse_bytes(body, formats.NAMES[fmt], name, vocab.BASE_IRI + "validate/")
        outcome = validate(data)
    except InputError as exc:
        json.dump({"error": str(exc)}, sys.stdout)
        return 0
    json.dump(
        {
            "mode": outcome.mode,
            "conforms": outcome.conforms,
            "summary": outcome.summary(),
            "results": [dataclasses.asdict(r) for _, group in outcome.by_focus() for r in group],
            "turtle": outcome.serialize("turtle"),
            "jsonld": outcome.serialize("json-ld"),
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
