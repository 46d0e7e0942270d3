"""Recall of LIANA's mouse consensus by cytoowl's mouse interactome (issue 23), gene level.

Usage: python benchmarks/mouse_recall.py. Reads only files of this repository: the vendored
LIANA mouse consensus (a one-to-one translation of its human consensus), the mouse orthology
table and the current release ``ontology/cytoowl.ttl``. The reference is the mouse pairs whose
human counterparts cytoowl asserts; the script also counts the mouse pairs cytoowl has that no
one-to-one translation can produce (a partner whose orthology is one-to-many or many-to-many,
e.g. Il3 with Csf2rb2, or that is mouse-only).
"""

from __future__ import annotations

import csv

from rdflib import Graph
from rich.console import Console
from rich.table import Table

from cytoowl import paths
from cytoowl.build import lr_resources


def one_to_one() -> set[str]:
    """Mouse symbols whose every orthology pair is one-to-one."""
    path = paths.LAYOUT.source_dir / "mouse" / "orthology.tsv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    other = {r["mouse"] for r in rows if r["homology"] != "ortholog_one2one"}
    return {r["mouse"] for r in rows} - other


def main() -> None:
    graph = Graph().parse(paths.LAYOUT.release.ttl, format="turtle")
    human = lr_resources.release_pairs(graph, lr_resources.hgnc_symbols())
    mouse = lr_resources.release_mouse_pairs(graph)
    reference = {m for h, m in lr_resources.mouse_consensus() if h in human}
    found = reference & mouse
    simple = one_to_one()
    beyond = {(a, b) for a, b in mouse if a not in simple or b not in simple}
    table = Table(title="LIANA mouse consensus against cytoowl's mouse interactome (gene pairs)")
    for column in ("measure", "pairs", "share"):
        table.add_column(column)
    table.add_row("LIANA mouse pairs whose human pair cytoowl asserts", str(len(reference)), "")
    table.add_row("  of those in cytoowl's mouse interactome", str(len(found)),
                  f"{len(found) / len(reference):.1%}")  # fmt: skip
    table.add_row("cytoowl mouse pairs", str(len(mouse)), "")
    table.add_row("  that no one-to-one translation yields", str(len(beyond)),
                  f"{len(beyond) / len(mouse):.1%}")  # fmt: skip
    console = Console()
    console.print(table)
    console.print("missed:", ", ".join(f"{a}-{b}" for a, b in sorted(reference - mouse)))


if __name__ == "__main__":
    main()
