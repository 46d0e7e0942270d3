"""Recall of the CellPhoneDB v5 and LIANA consensus ligand-receptor pairs (gene level).

Usage: python benchmarks/interaction_recall.py [BEFORE_REV]  (default e50ba38, the release
before issue 9). Reads only files of this repository: the vendored resource tables, the current
release ontology/cytoowl.ttl, and the same file at BEFORE_REV through git.
"""

from __future__ import annotations

import subprocess
import sys

from rdflib import Graph
from rich.console import Console
from rich.table import Table

from cytoowl import paths
from cytoowl.build import lr_resources

BEFORE = "e50ba38"


def release_graph(rev: str | None) -> Graph:
    graph = Graph()
    if rev is None:
        graph.parse(paths.LAYOUT.release.ttl, format="turtle")
    else:
        text = subprocess.run(
            ["git", "show", f"{rev}:ontology/cytoowl.ttl"],
            cwd=paths.LAYOUT.root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        graph.parse(data=text, format="turtle")
    return graph


def main(before: str = BEFORE) -> None:
    pairs = lr_resources.load()
    hgnc = lr_resources.hgnc_symbols()
    table = Table(title="cytoowl recall of resource ligand-receptor pairs (gene level)")
    table.add_column("reference")
    table.add_column("pairs", justify="right")
    for name in (f"before ({before})", "after (this release)"):
        table.add_column(name, justify="right")
    asserted = [lr_resources.release_pairs(release_graph(rev), hgnc) for rev in (before, None)]
    for label, ref in (
        ("CellPhoneDB v5", pairs.cellphonedb),
        ("LIANA consensus, >= 2 resources", pairs.liana(2)),
        ("LIANA consensus, all", pairs.liana(0)),
    ):
        cells = [f"{len(a & ref)} ({lr_resources.recall(a, ref):.1%})" for a in asserted]
        table.add_row(label, str(len(ref)), *cells)
    Console().print(table)


if __name__ == "__main__":
    main(*sys.argv[1:])
