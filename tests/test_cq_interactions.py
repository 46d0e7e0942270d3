"""Competency questions of the interactome (issues 9 and 22) answer exactly."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph
import pytest

from cq_helpers import IRI, run
from cytoowl.build.assemble import BINDS_RECEPTOR, OBO

BINDS = str(BINDS_RECEPTOR)


def iris(*keys: str) -> set[str]:
    return {IRI[k] for k in keys}


def test_cq13_receptors_bmp4_binds(release_store: pyoxigraph.Store) -> None:
    found = {(r["receptor"], r["typeLabel"]) for r in run(release_store, "cq13")}
    signalling = [
        "ACVR2A/BMPR1A",
        "ACVR2A/BMPR1B",
        "ACVR2B/BMPR1A",
        "ACVR2B/BMPR1B",
        "BMPR1A/BMPR2",
        "BMPR1B/BMPR2",
    ]
    # Gremlin-2, chordin and noggin sequester BMP4 outside the cell: not receptors (CQ20).
    assert found == {(IRI[k], "is agonist of") for k in signalling} | {
        (IRI[k], "binds co-receptor") for k in ("CFC1", "HJV", "RGMB")
    }


def test_cq14_cytokines_by_shared_chain(release_store: pyoxigraph.Store) -> None:
    by_chain = defaultdict(set)
    for row in run(release_store, "cq14"):
        by_chain[row["chainSymbol"]].add(row["cytokine"])
    assert dict(by_chain) == {
        "IL2RG": iris("IL2", "IL4", "IL7", "IL9", "IL15", "IL21"),
        "IL6ST": iris(
            "IL6", "IL11", "LIF", "OSM", "CNTF", "CTF1", "CLCF1", "CLC/CLF", "IL-27", "IL-35"
        ),
        "CSF2RB": iris("CSF2", "IL3", "IL5"),
        "IL10RB": iris("IL10", "IL22", "IL26", "IFNL1", "IFNL2", "IFNL3", "IFNL4"),
        "IL17RA": iris("IL17A", "IL17F", "IL-17A/F", "IL17B", "IL17C", "IL25"),
        "IL1RAP": iris("IL1A", "IL1B", "IL33", "IL36A", "IL36B", "IL36G"),
    }


def test_cq15_decoy_receptors_and_what_they_trap(release_store: pyoxigraph.Store) -> None:
    trapped = defaultdict(set)
    for row in run(release_store, "cq15"):
        trapped[row["decoy"]].add(row["cytokine"])
    assert trapped[IRI["IL1R2"]] == iris("IL1RN")
    assert trapped[IRI["IL1R2/IL1RAP"]] == iris("IL1A", "IL1B")
    assert trapped[IRI["IL13RA2"]] == iris("IL13", "TNFSF9")
    assert trapped[IRI["IL22RA2"]] == iris("IL22")
    assert trapped[IRI["IL18BP"]] == iris("IL18")
    assert trapped[IRI["TNFRSF6B"]] == iris("FASLG", "TNFSF14", "TNFSF15")
    assert trapped[IRI["TNFRSF11B"]] == iris("TNFSF10", "TNFSF11")
    assert iris("CCL2", "CCL5", "CXCL8") <= trapped[IRI["ACKR1"]]
    assert iris("CXCL12", "CXCL11") <= trapped[IRI["ACKR3"]]
    expected_decoys = iris(
        "IL1R2",
        "IL1R2/IL1RAP",
        "IL13RA2",
        "IL22RA2",
        "IL18BP",
        "TNFRSF6B",
        "TNFRSF11B",
        "TNFRSF10C",
        "TNFRSF10D",
        "ACKR1",
        "ACKR2",
        "ACKR3",
        "ACKR4",
        # issue 22 audit: BAMBI is a pseudoreceptor that captures no ligand, CCRL2 presents
        # chemerin (CCL5 on CCRL2 excluded); CD163 and vasorin trap TWEAK and TGF-b1.
        "CD163",
        "VASN",
    )
    assert set(trapped) == expected_decoys


def test_cq16_ligands_without_receptor_are_the_documented_ones(
    release_store: pyoxigraph.Store,
) -> None:
    # docs/interactions.md documents each: neither resource pairs them with any receptor.
    assert {r["cytokine"] for r in run(release_store, "cq16")} == iris("CXCL17", "IL17D", "IL40")


def test_cq17_natural_antagonists_of_ccr5(release_store: pyoxigraph.Store) -> None:
    found = {(r["ligand"], r["receptor"], r["tier"]) for r in run(release_store, "cq17")}
    # Blanpain 1999 (PMID:10477718), Petkovic 2004 (PMID:15178708), CCL26 by review.
    assert found == {
        (IRI["CCL7"], IRI["CCR5"], "experimental"),
        (IRI["CXCL11"], IRI["CCR5"], "experimental"),
        (IRI["CCL26"], IRI["CCR5"], "curated"),
    }
    rows = run(release_store, "cq17")
    cited = {r["ligand"] for r in rows if r["source"].startswith(("PMID:", "doi:"))}
    assert cited == {ligand for ligand, _, _ in found}  # each antagonist names its paper


def test_cq18_il6_interactions_with_a_structure_or_binding_assay(
    release_store: pyoxigraph.Store,
) -> None:
    rows = run(release_store, "cq18")
    assert {(r["receptor"], r["kindLabel"]) for r in rows} == {(IRI["IL-6R"], "is agonist of")}
    assert {r["evidence"] for r in rows} == {str(OBO.ECO_0007735)}
    assert "PMID:10510164" in {r["source"] for r in rows}


def test_cq19_what_binds_without_signalling(release_store: pyoxigraph.Store) -> None:
    found = {(r["ligand"], r["receptor"]) for r in run(release_store, "cq19")}
    assert found == {
        (IRI["CCL11"], IRI["CXCR3"]),
        (IRI["CCL19"], IRI["CCRL2"]),
        (IRI["CLC/CLF"], IRI["SORL1"]),
        (IRI["PF4"], IRI["LDLR"]),
        (IRI["PF4"], IRI["THBD"]),
    }


@pytest.mark.parametrize(
    ("ligand", "receptor"),
    [
        ("CCL7", "CCR5"),
        ("CCL11", "CCR2"),
        ("CXCL9", "CCR3"),
        ("CXCL10", "CCR3"),
        ("CXCL11", "CCR3"),
        ("LEFTY1", "CRIPTO"),
        ("LEFTY2", "CRIPTO"),
        ("IL1RN", "IL1R1"),
    ],
)
def test_natural_antagonists_are_not_agonists(
    release_store: pyoxigraph.Store, ligand: str, receptor: str
) -> None:
    """The issue 22 examples: typed 'is antagonist of', never 'is agonist of'."""
    kinds = {
        str(r["p"].value)
        for r in release_store.query(f"SELECT ?p WHERE {{ <{IRI[ligand]}> ?p <{IRI[receptor]}> }}")
    }
    assert str(OBO.RO_0018029) in kinds
    assert str(OBO.RO_0018027) not in kinds


def test_wrong_pairs_of_the_review_are_gone(release_store: pyoxigraph.Store) -> None:
    """Pairs with no binding in human (issue 22): asserted by no relation at all."""
    for ligand, receptor in (("CXCL12", "CCR4"), ("TGFB1", "CXCR4"), ("IL22", "IL-20R type II")):
        query = f"ASK {{ <{IRI[ligand]}> ?p <{IRI[receptor]}> }}"
        assert not release_store.query(query), (ligand, receptor)


def test_cq20_extracellular_antagonists(release_store: pyoxigraph.Store) -> None:
    pairs = defaultdict(set)
    for row in run(release_store, "cq20"):
        pairs[row["antagonist"]].add(row["cytokine"])
    assert dict(pairs) == {
        IRI["FST"]: iris("INHBA", "MSTN", "GDF11"),
        IRI["FSTL3"]: iris("INHBA", "MSTN"),
        IRI["NOG"]: iris("BMP2", "BMP4", "BMP5", "BMP7", "GDF5"),
        IRI["CHRD"]: iris("BMP4"),
        IRI["GREM1"]: iris("BMP2"),
        IRI["GREM2"]: iris("BMP2", "BMP4"),
    }
    # An antagonist is not a receptor: the sequestered cytokine does not 'bind receptor' it.
    for antagonist in pairs:
        assert not release_store.query(f"ASK {{ ?c <{BINDS}> <{antagonist}> }}")
