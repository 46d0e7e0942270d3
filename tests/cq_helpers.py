"""Helpers shared by the competency-question tests: key -> IRI index and running a CQ file."""

from __future__ import annotations

import csv

import pyoxigraph

from cytoowl import vocab
from cytoowl.build.sources import GENE_TABLES
from tools import CHECKOUT

T = vocab.TERM_PREFIX
KEY_COLUMNS = (
    *((name, "symbol") for name in GENE_TABLES),
    ("complexes", "key"),
    ("drugs", "key"),
    ("mouse/genes", "symbol"),
    ("mouse/only", "symbol"),
    ("mouse/complexes", "key"),
)


def keys_to_iris() -> dict[str, str]:
    """Every individual key (HGNC symbol, complex key, drug key) to its IRI."""
    index = {}
    for name, column in KEY_COLUMNS:
        path = CHECKOUT.source_dir / f"{name}.tsv"
        if not path.exists():
            continue
        with path.open() as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                index[row[column]] = T + row["id"].removeprefix("CYTO:")
    return index


IRI = keys_to_iris()

#: The type I interferons (HGNC symbols): the thirteen IFNA genes, IFNB1, IFNE, IFNK and IFNW1.
#: Written out rather than read from ``classifications.tsv``: the CQ tests compare the release
#: against this independent expectation, so a row lost or added in the sources fails them.
IFN_TYPE_I = (
    "IFNA1", "IFNA2", "IFNA4", "IFNA5", "IFNA6", "IFNA7", "IFNA8", "IFNA10", "IFNA13", "IFNA14",
    "IFNA16", "IFNA17", "IFNA21", "IFNB1", "IFNE", "IFNK", "IFNW1",
)  # fmt: skip


def run(store: pyoxigraph.Store, name: str) -> list[dict[str, str]]:
    """Run ``sparql/cq/<name>_*.rq`` and return its rows as {variable: value}."""
    (path,) = CHECKOUT.cq_dir.glob(f"{name}_*.rq")
    results = store.query(path.read_text())
    names = [v.value for v in results.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in results]
