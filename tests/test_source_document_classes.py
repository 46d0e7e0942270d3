"""Classes the source documents name (issue 9, item 6): interferon types, lymphokine, monokine.

CQ11 and CQ12 give exactly the curated / inferred answers; lymphokine and monokine members are
inferred by HermiT (never asserted in the sources) and materialised; every interferon binds the
receptor of its type; the vendored CL subclass axioms agree with the reference terms.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, Graph, URIRef

from cq_helpers import IFN_TYPE_I, IRI, run
from cytoowl import vocab
from cytoowl.build.assemble import build_graph
from cytoowl.validate import engine
from cytoowl.validate.shacl import release_data
from tools import CHECKOUT

T = vocab.TERM_PREFIX
TYPE_I, TYPE_II, TYPE_III = (T + n for n in ("0000070", "0000071", "0000072"))
LYMPHOKINE, MONOKINE = T + "0000073", T + "0000074"
CL = "http://purl.obolibrary.org/obo/CL_"
WIKI = "wikipedia.en:Cytokine"
EXPECTED_INTERFERONS = {
    TYPE_I: (set(IFN_TYPE_I), "IFNAR"),
    TYPE_II: ({"IFNG"}, "IFNGR"),
    TYPE_III: ({"IFNL1", "IFNL2", "IFNL3", "IFNL4"}, "IFNLR"),
}
# (class, cytokine key, producing cell CL number): produced-by rows of cell_sources.tsv whose
# cell is (under) lymphocyte, or monocyte / macrophage, by the CL subclass axioms (issue 25:
# the seed's cells and the reviews'; B cells are not listed: CL only infers B cell < lymphocyte).
EXPECTED_CELL_SOURCE_CLASSES = {
    *((LYMPHOKINE, k, "0000084") for k in ("IL10", "IL17A", "IL22", "IL4", "TGFB1")),
    *((LYMPHOKINE, k, "0000542") for k in ("IFNG", "IL6", "MIF")),
    *((LYMPHOKINE, k, "0000545") for k in ("IFNG", "IL2", "TNF")),
    *((LYMPHOKINE, k, "0000546") for k in ("IL10", "IL13", "IL25", "IL4", "IL5", "IL6")),
    (LYMPHOKINE, "IL5", "0000623"),
    *((LYMPHOKINE, k, "0000815") for k in ("IL-35", "IL10", "TGFB1")),
    *((LYMPHOKINE, k, "0000899") for k in ("IL17A", "IL17F", "IL21", "IL22", "IL26", "IL6")),
    *((LYMPHOKINE, k, "0000912") for k in ("IL2", "IL21")),
    *((LYMPHOKINE, k, "0001065") for k in ("IL17A", "IL22", "IL5")),
    *(
        (MONOKINE, k, "0000235")
        for k in ("IL-12", "IL-23", "IL10", "IL15", "IL18", "IL1A", "IL1B", "IL6", "TNF")
    ),
    *((MONOKINE, k, "0000576") for k in ("IL10", "IL15", "IL1B", "TNF")),
}


def test_cq11_interferon_types_exact_answer(release_store: pyoxigraph.Store) -> None:
    rows = run(release_store, "cq11")
    assert len(rows) == len({(r["type"], r["interferon"]) for r in rows}), "duplicate rows"
    by_type: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_type[row["type"]].add(row["interferon"])
        assert row.get("source"), f"{row['label']}: its type has no source"
    assert dict(by_type) == {
        t: {IRI[k] for k in keys} for t, (keys, _) in EXPECTED_INTERFERONS.items()
    }


def test_cq11_each_interferon_binds_the_receptor_of_its_type(
    release_store: pyoxigraph.Store,
) -> None:
    for row in run(release_store, "cq11"):
        receptor = IRI[EXPECTED_INTERFERONS[row["type"]][1]]
        assert row.get("receptor") == receptor, f"{row['label']} binds {row.get('receptor')}"


def test_type_ii_interferon_is_interferon_gamma_alone(release_store: pyoxigraph.Store) -> None:
    members = {r["interferon"] for r in run(release_store, "cq11") if r["type"] == TYPE_II}
    assert members == {IRI["IFNG"]}
    sources = {r["source"] for r in run(release_store, "cq11") if r["type"] == TYPE_II}
    assert all(WIKI in s for s in sources), "the article states IFN-gamma is the sole type II"


def test_cq12_lymphokines_and_monokines_exact_answer(release_store: pyoxigraph.Store) -> None:
    rows = run(release_store, "cq12")
    answer = {(r["class"], r["cytokine"], r["cell"]) for r in rows}
    assert len(answer) == len(rows), "duplicate rows"
    expected = {(c, IRI[k], CL + n) for c, k, n in EXPECTED_CELL_SOURCE_CLASSES}
    assert answer == expected
    assert all(r.get("source") for r in rows), "every producing-cell assertion has a source"
    counts = {
        c: len({k for cc, k, _ in EXPECTED_CELL_SOURCE_CLASSES if cc == c})
        for c in (LYMPHOKINE, MONOKINE)
    }
    assert counts == {LYMPHOKINE: 17, MONOKINE: 9}


@pytest.fixture(scope="module")
def asserted() -> Graph:
    return build_graph(CHECKOUT.source_dir)


@pytest.mark.parametrize("cls", [LYMPHOKINE, MONOKINE], ids=["lymphokine", "monokine"])
def test_cell_source_classes_are_inferred_not_asserted(
    asserted: Graph, release_graph: Graph, cls: str
) -> None:
    assert not set(asserted.subjects(RDF.type, URIRef(cls))), "asserted by hand"
    assert set(release_graph.subjects(RDF.type, URIRef(cls))), "HermiT inferred none"


def test_cl_subclass_axioms_use_reference_terms_with_their_labels() -> None:
    reference = CHECKOUT.source_dir / "reference"
    with (reference / "external_terms.tsv").open(encoding="utf-8") as handle:
        terms = {r["curie"]: r for r in csv.DictReader(handle, delimiter="\t")}
    with (reference / "cl_subclass_axioms.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert rows
    for row in rows:
        for column in ("sub", "super"):
            term = terms.get(row[column])
            assert term is not None, f"{row[column]} not in external_terms.tsv"
            assert term["label"] == row[f"{column}_label"], row
            assert term["obsolete"] == "false", row
            # The same CL commit as the reference terms themselves.
            assert row["source"] == term["source"], row
        path = row["told_path"].split(" < ")
        assert path[0] == row["sub"] and path[-1] == row["super"], row


def test_lymphokine_and_monokine_shapes_bite_in_the_release(
    release_graph: Graph, tmp_path: Path
) -> None:
    for name in ("common.ttl", "names_and_cell_sources.ttl"):  # common.ttl: SPARQL prefixes
        (tmp_path / name).write_bytes((CHECKOUT.shapes_dir / name).read_bytes())
    report = engine.run([release_data().ntriples], engine.compiled_shapes(tmp_path))
    assert b'#conforms> "true"' in report, report.decode()
    for cls in (LYMPHOKINE, MONOKINE):
        assert (None, RDF.type, URIRef(cls)) in release_graph, "the shapes have focus nodes"
