"""The SHACL engine: the ``shacl`` package (a Rust validator), compiled once per process.

Chosen by measurement (docs/shapes.md, ``benchmarks/bench_validate.py``): on the project's
shapes it gives the same results as pySHACL on every fixture (``tests/test_shacl_engine.py``)
in a fraction of the time. It reads N-Triples text; its report names input blank nodes
``_:0_b<N>``, N numbering (from 0) the blank nodes of the shapes graph and then those of the
data in order of first appearance, which :func:`data_blank_number` and
:func:`blank_nodes_in_order` map back (the engine has no option to keep labels).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph
import shacl

from cytoowl import paths

NT = pyoxigraph.RdfFormat.N_TRIPLES
# The engine's name for a blank node of the data.
ENGINE_BLANK = re.compile(r"^0_b([0-9]+)$")


class ShapesError(Exception):
    """The shapes graph cannot be used by the engine."""


@functools.cache
def _compiled(directory: Path) -> tuple[shacl.Shapes, int]:
    store = pyoxigraph.Store()
    for path in sorted(directory.glob("*.ttl")):
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    text = store.dump(format=NT, from_graph=pyoxigraph.DefaultGraph())
    shapes = shacl.Shapes.from_text(text.decode("utf-8"), format="ntriples")
    if not len(shapes):
        raise ShapesError(f"no SHACL shapes in {directory}")
    return shapes, len(_blank_labels(text))


def _blank_labels(ntriples: bytes) -> set[str]:
    labels = set()
    for triple in pyoxigraph.parse(input=ntriples, format=NT):
        for term in (triple.subject, triple.object):
            if isinstance(term, pyoxigraph.BlankNode):
                labels.add(term.value)
    return labels


def compiled_shapes(directory: Path = paths.LAYOUT.shapes_dir) -> shacl.Shapes:
    """Every ``*.ttl`` of ``directory`` as one compiled shapes graph (blank nodes kept apart)."""
    return _compiled(directory)[0]


def data_blank_number(label: str) -> int | None:
    """The position (from 1, in order of first appearance) in the data of the blank node the
    engine's report calls ``label`` (with the project's shapes), or None for another label."""
    match = ENGINE_BLANK.match(label)
    return int(match.group(1)) - _compiled(paths.LAYOUT.shapes_dir)[1] + 1 if match else None


def run(ntriples: Iterable[bytes], shapes: shacl.Shapes | None = None) -> bytes:
    """Validate the concatenated N-Triples documents; the SHACL report as N-Triples."""
    text = b"".join(ntriples).decode("utf-8")
    try:
        report = (shapes or compiled_shapes()).validate_text(
            text, format="ntriples", allow_warnings=True
        )
    except ValueError as exc:  # e.g. a SPARQL constraint the engine cannot run
        raise ShapesError(str(exc)) from exc
    return report.serialize("ntriples").encode("utf-8")


def blank_nodes_in_order(
    documents: Iterable[bytes], wanted: set[int]
) -> dict[int, tuple[int, pyoxigraph.BlankNode]]:
    """Data blank-node numbers -> (document index, blank node as labelled in that document).

    Reads the documents (N-Triples, in the order given to :func:`run`) only as far as the
    highest number wanted.
    """
    found: dict[int, tuple[int, pyoxigraph.BlankNode]] = {}
    if not wanted:
        return found
    seen: set[str] = set()
    last = max(wanted)
    for index, document in enumerate(documents):
        for triple in pyoxigraph.parse(input=document, format=NT):
            for term in (triple.subject, triple.object):
                if isinstance(term, pyoxigraph.BlankNode) and term.value not in seen:
                    seen.add(term.value)
                    if len(seen) in wanted:
                        found[len(seen)] = (index, term)
                    if len(seen) >= last:
                        return found
    return found
