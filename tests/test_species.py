"""The mouse layer (issue 23): orthologs, the species' differences and the mouse interactome."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef

from cq_helpers import IRI, run
from cytoowl import vocab
from cytoowl.build import lr_resources
from cytoowl.build.assemble import (
    EVIDENCE_TYPE,
    IN_TAXON,
    MOUSE,
    MOUSE_ORTHOLOG_ABSENT,
    OBO,
    OIO,
    ORTHOLOGOUS_TO,
    build_graph,
)
from cytoowl.build.sources import SourceError
from cytoowl.release import interactome
from tools import CHECKOUT

MOUSE_DIR = CHECKOUT.source_dir / "mouse"
AGONIST = OBO.RO_0018027
INFERRED = vocab.expand("ECO:0000265")
NO_MOUSE_ORTHOLOG = (
    "CXCL8",
    "CCL14",
    "CCL16",
    "IL26",
    "IL32",
    "IL37",
    "IFNW1",
    "IFNL4",
    "TNFRSF6B",
)


def rows(name: str) -> list[dict[str, str]]:
    with (MOUSE_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def iri(key: str) -> URIRef:
    return URIRef(IRI[key])


def test_mouse_recall_of_liana_mouse_consensus(release_graph: Graph) -> None:
    human = lr_resources.release_pairs(
        release_graph, lr_resources.hgnc_symbols(CHECKOUT.source_dir)
    )
    reference = {m for h, m in lr_resources.mouse_consensus(CHECKOUT.source_dir) if h in human}
    mouse = lr_resources.release_mouse_pairs(release_graph)
    assert len(reference) > 400
    assert len(reference & mouse) / len(reference) >= 0.90


@pytest.mark.parametrize("row", rows("genes.tsv"), ids=lambda r: r["symbol"])
def test_mouse_gene_product(row: dict[str, str], release_graph: Graph) -> None:
    """Per record: MGI id, in taxon mouse, no human record, linked to each human ortholog."""
    term = URIRef(vocab.expand(row["id"]))
    xrefs = {str(x) for x in release_graph.objects(term, OIO.hasDbXref)}
    assert row["mgi"] in xrefs
    assert not any(x.startswith(("HGNC:", "NCBIGene:", "UniProtKB:")) for x in xrefs)
    assert list(release_graph.objects(term, IN_TAXON)) == [MOUSE]
    humans = {URIRef(IRI[h]) for h in row["human"].split(";")}
    assert set(release_graph.objects(term, ORTHOLOGOUS_TO)) == humans
    if len(humans) == 1 and row["label"].endswith("(mouse)") and row["types"]:
        (human,) = humans
        types = {str(t) for t in release_graph.objects(human, URIRef(vocab.RDF + "type"))}
        assert {str(t) for t in release_graph.objects(term, URIRef(vocab.RDF + "type"))} <= types


@pytest.mark.parametrize("symbol", NO_MOUSE_ORTHOLOG)
def test_human_genes_mouse_lacks_have_no_ortholog_and_say_why(
    symbol: str, release_graph: Graph
) -> None:
    human = iri(symbol)
    assert not list(release_graph.subjects(ORTHOLOGOUS_TO, human))
    assert list(release_graph.objects(human, MOUSE_ORTHOLOG_ABSENT))


def ask(store: pyoxigraph.Store, ligand: str, prop: URIRef, receptor: str) -> bool:
    return bool(store.query(f"ASK {{ <{IRI[ligand]}> <{prop}> <{IRI[receptor]}> }}"))


def evidence(graph: Graph, ligand: str, receptor: str) -> set[str]:
    axioms = graph.subjects(URIRef(vocab.OWL + "annotatedSource"), iri(ligand))
    return {
        str(e)
        for a in axioms
        if (a, URIRef(vocab.OWL + "annotatedTarget"), iri(receptor)) in graph
        for e in graph.objects(a, EVIDENCE_TYPE)
    }


def test_csf2rb2_serves_il3_only(release_store: pyoxigraph.Store, release_graph: Graph) -> None:
    """Mouse has a second, IL-3-specific beta chain (doi:10.1182/blood.v80.1.84.84)."""
    assert ask(release_store, "Il3", AGONIST, "Il3ra/Csf2rb2 (mouse)")
    assert ask(release_store, "Il3", AGONIST, "Il3ra/Csf2rb (mouse)")
    assert INFERRED not in evidence(release_graph, "Il3", "Il3ra/Csf2rb2 (mouse)")  # observed
    chains = {r["parts"] for r in rows("complexes.tsv")}
    assert "Csf2ra;Csf2rb2" not in chains and "Il5ra;Csf2rb2" not in chains


def test_mouse_ccl8_is_a_ccr8_agonist_not_a_ccr2_one(
    release_store: pyoxigraph.Store, release_graph: Graph
) -> None:
    """Species-specific receptor usage (doi:10.1038/ni.1984), against human CCL8 on CCR2."""
    assert ask(release_store, "Ccl8", AGONIST, "Ccr8")
    assert not ask(release_store, "Ccl8", AGONIST, "Ccr2")
    assert ask(release_store, "CCL8", AGONIST, "CCR2")
    assert evidence(release_graph, "Ccl8", "Ccr8") == {vocab.expand("ECO:0000314")}


def test_the_ifna_cluster_is_many_to_many(release_graph: Graph) -> None:
    ifna = [
        r for r in rows("genes.tsv") if r["symbol"].startswith("Ifna") and r["kind"] == "cytokine"
    ]
    assert len(ifna) >= 14
    assert all(len(r["human"].split(";")) == 13 for r in ifna)


def test_cq21_mouse_cytokines_with_no_human_ortholog(release_store: pyoxigraph.Store) -> None:
    found = {(r["cytokine"], r["familyLabel"]) for r in run(release_store, "cq21")}
    assert found == {(IRI["Cxcl15"], "CXC chemokine")}


def test_cq22_human_interactions_without_mouse_counterpart(
    release_store: pyoxigraph.Store,
) -> None:
    found = run(release_store, "cq22")
    assert {r["absent"] for r in found} == {IRI[s] for s in NO_MOUSE_ORTHOLOG}
    assert all(r["reason"] and r["source"] for r in found)
    il8 = {r["receptor"] for r in found if r["ligand"] == IRI["CXCL8"]}
    assert {IRI["CXCR1"], IRI["CXCR2"]} <= il8


def test_mouse_export_says_how_each_row_is_known(release_graph: Graph) -> None:
    frame = pd.read_csv(
        CHECKOUT.release.interactions_mouse, sep="\t", dtype=str, keep_default_na=False
    )
    assert list(frame.columns) == interactome.MOUSE_COLUMNS
    assert set(frame.species_evidence) == {"inferred from orthology", "observed in mouse"}
    inferred = frame[frame.species_evidence == "inferred from orthology"]
    assert (inferred.human_assertion != "").all() and (inferred.evidence == "ECO:0000265").all()
    il3 = frame[(frame.ligand_symbol == "Il3") & (frame.receptor_symbol == "Csf2rb2_Il3ra")]
    assert il3.species_evidence.tolist() == ["observed in mouse"]
    human = pd.read_csv(CHECKOUT.release.interactions_all, sep="\t", dtype=str)
    assert not human.ligand_label.str.endswith("(mouse)").any()


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    target = tmp_path / "src"
    shutil.copytree(CHECKOUT.source_dir, target)
    return target


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        (
            "genes.tsv",
            "CYTO:0006999\tFoo1\tfoo (mouse)\tMGI-1\t\tcytokine\t\tIL6\tMGI:1",
            "is not an MGI id",
        ),
        (
            "orthology.tsv",
            "Il6\tNOTAGENE\tortholog_one2one\t1\tHGNC",
            "is not a human gene product",
        ),
        (
            "interactions.tsv",
            "Il6\tis agonist of\tIl6ra\tperhaps\tECO:0000304\tPMID:1\tx",
            "status 'perhaps'",
        ),
        ("absent.tsv", "IL6\tHGNC:6018\tclaimed on purpose", "has a mouse ortholog"),
        (
            "interactions.tsv",
            "Il6x\tis agonist of\tIl6ra\tobserved\tECO:0000304\tdoi:10.1038/ni.1984\tx",
            "reference to undefined term 'Il6x'",
        ),
        (
            "interactions.tsv",
            "Il6\tproduced by\tIl6ra\tobserved\tECO:0000304\tdoi:10.1038/ni.1984\tx",
            "is not an interaction type",
        ),
    ],
)
def test_bad_mouse_row_stops_the_build(sources: Path, name: str, line: str, message: str) -> None:
    path = sources / "mouse" / name
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    number = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(SourceError) as error:
        build_graph(sources)
    assert str(error.value).startswith(f"{path}:{number}: ")
    assert message in str(error.value)


def test_mouse_terms_are_found_by_symbol_and_mgi(release_graph: Graph) -> None:
    il6 = iri("Il6")
    assert (il6, OIO.hasExactSynonym, Literal("Il6", lang="en")) in release_graph
    assert (il6, OIO.hasDbXref, Literal("MGI:96559")) in release_graph
