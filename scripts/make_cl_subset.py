"""Make tests/fixtures/ontologies/cl-subset.ttl (and its edge table) from a CL edit file.

    python scripts/make_cl_subset.py path/to/cl-edit.owl

Input: ``src/ontology/cl-edit.owl`` (OWL functional syntax) of obophenotype/cell-ontology at
the commit recorded in tests/fixtures/ontologies/README.md. The subset is every CL class in
ontology/src/reference/external_terms.tsv and all their CL ancestors, with one
``rdfs:subClassOf`` edge per named CL superclass: asserted ``SubClassOf(A B)`` axioms and the
genus ``B`` of ``EquivalentClasses(A ObjectIntersectionOf(B ...))`` (which entails A ⊑ B).
Labels are CL's own ``rdfs:label`` annotations. A regular-expression reader suffices for
these line-per-axiom forms; no OWL library is needed for the tests to use the result.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "ontologies"
_ANN = r"(?:Annotation\(.*?\) )*"
SUB = re.compile(rf"^SubClassOf\({_ANN}obo:(CL_\d+) obo:(CL_\d+)\)$", re.M)
GENUS = re.compile(
    rf"^EquivalentClasses\({_ANN}obo:(CL_\d+) ObjectIntersectionOf\(obo:(CL_\d+) ", re.M
)
LABEL = re.compile(r'^AnnotationAssertion\(rdfs:label obo:(CL_\d+) "([^"]*)"', re.M)


def main(cl_edit: Path) -> None:
    text = cl_edit.read_text(encoding="utf-8")
    parents: dict[str, dict[str, str]] = {}
    for pattern, how in ((SUB, "SubClassOf"), (GENUS, "EquivalentClasses genus")):
        for m in pattern.finditer(text):
            parents.setdefault(m[1], {}).setdefault(m[2], how)
    labels = {m[1]: m[2] for m in LABEL.finditer(text)}
    with (ROOT / "ontology/src/reference/external_terms.tsv").open() as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        seeds = [r["curie"].replace(":", "_") for r in rows if r["ontology"] == "CL"]
    todo, seen = list(seeds), set()
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo += sorted(parents.get(c, {}))
    with (OUT / "cl-subset-edges.tsv").open("w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["child", "child_label", "parent", "parent_label", "axiom"])
        for c in sorted(seen):
            for p, how in sorted(parents.get(c, {}).items()):
                out.writerow([c.replace("_", ":"), labels[c], p.replace("_", ":"), labels[p], how])
    lines = [
        "# A subset of the Cell Ontology (CL) for the join tests; source: README.md.",
        "@prefix obo: <http://purl.obolibrary.org/obo/> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
    ]
    for c in sorted(seen):
        parts = [f"obo:{c} a owl:Class", f'    rdfs:label "{labels[c]}"']
        if parents.get(c):
            parts.append("    rdfs:subClassOf " + ", ".join(f"obo:{p}" for p in sorted(parents[c])))
        lines.append(" ;\n".join(parts) + " .\n")
    (OUT / "cl-subset.ttl").write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(seeds)} seed classes, {len(seen)} classes in the subset")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
