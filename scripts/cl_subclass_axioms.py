"""Vendor the CL subclass axioms among the reference CL terms (ontology/src/reference/).

Usage::

    python scripts/cl_subclass_axioms.py CL-EDIT.OWL EXTERNAL_TERMS.TSV SOURCE \
        > ontology/src/reference/cl_subclass_axioms.tsv

Reads CL's edit file (OWL functional syntax): the told is_a hierarchy is every
``SubClassOf(A B)`` with B named and every named conjunct (genus) of
``EquivalentClasses(A ObjectIntersectionOf(...))``. For each CL term of the reference table it
writes the nearest reference-table ancestors (transitive reduction within that set) with the told
path. No reasoner is run, so subsumptions that CL only infers (B cell under lymphocyte) are not
listed. A one-off vendoring tool kept for provenance; the build and the tests do not run it.
(Hand-written line matching: no Python library reads OWL functional syntax; py-horned-owl could,
but the two patterns needed are one line each in CL's file.)
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict, deque
from pathlib import Path

SUBCLASS = re.compile(r"SubClassOf\(obo:(CL_\d{7}) obo:(CL_\d{7})\)")
EQUIVALENT = re.compile(r"EquivalentClasses\(obo:(CL_\d{7}) ObjectIntersectionOf\((.*)\)\)\s*$")
NAMED = re.compile(r"obo:(CL_\d{7})")


def top_level_operands(expression: str) -> list[str]:
    """Split ``a b(c d) e`` at the spaces that are not inside parentheses."""
    operands, depth, current = [], 0, ""
    for char in expression:
        depth += (char == "(") - (char == ")")
        if char == " " and depth == 0:
            operands.append(current)
            current = ""
        else:
            current += char
    return [*operands, current]


def told_parents(owl: Path) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    with owl.open(encoding="utf-8") as handle:
        for line in handle:
            if m := SUBCLASS.match(line):
                parents[m[1]].add(m[2])
            elif m := EQUIVALENT.match(line):
                for operand in top_level_operands(m[2]):
                    if named := NAMED.fullmatch(operand):
                        parents[m[1]].add(named[1])
    return parents


def shortest_paths_up(start: str, parents: dict[str, set[str]]) -> dict[str, str | None]:
    """Breadth-first over the told parents: each ancestor mapped to its predecessor."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for parent in sorted(parents[node]):
            if parent not in previous:
                previous[parent] = node
                queue.append(parent)
    return previous


def main(owl: Path, reference: Path, source: str) -> None:
    parents = told_parents(owl)
    with reference.open(encoding="utf-8") as handle:
        terms = {
            row["curie"].replace(":", "_"): row["label"]
            for row in csv.DictReader(handle, delimiter="\t")
            if row["curie"].startswith("CL:")
        }
    ancestors = {t: shortest_paths_up(t, parents) for t in terms}
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["sub", "sub_label", "super", "super_label", "told_path", "source"])
    for term in sorted(terms):
        above = {a for a in ancestors[term] if a != term and a in terms}
        nearest = {a for a in above if not any(a != b and a in ancestors[b] for b in above)}
        for ancestor in sorted(nearest):
            path, node = [], ancestor
            while node is not None:
                path.append(node.replace("_", ":"))
                node = ancestors[term][node]
            row = [term, terms[term], ancestor, terms[ancestor], " < ".join(reversed(path))]
            writer.writerow([*(c.replace("CL_", "CL:") for c in row), source])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
