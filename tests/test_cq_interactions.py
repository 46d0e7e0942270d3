"""Competency questions 11-14 (issue 9): the interactome answers exactly."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph

from cq_helpers import IRI, run


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
    assert found == {(IRI[k], "is agonist of") for k in signalling} | {
        (IRI[k], "binds co-receptor") for k in ("CFC1", "HJV", "RGMB")
    }


def test_cq14_cytokines_by_shared_chain(release_store: pyoxigraph.Store) -> None:
    by_chain = defaultdict(set)
    for row in run(release_store, "cq14"):
        by_chain[row["chainSymbol"]].add(row["cytokine"])
    assert dict(by_chain) == {
        "IL2RG": iris("IL2", "IL4", "IL7", "IL9", "IL15", "IL21"),
        "IL6ST": iris("IL6", "IL11", "LIF", "OSM", "CNTF", "CTF1", "CLCF1", "IL-27", "IL-35"),
        "CSF2RB": iris("CSF2", "IL3", "IL5"),
        "IL10RB": iris("IL10", "IL22", "IL26", "IFNL1", "IFNL2", "IFNL3", "IFNL4"),
        "IL17RA": iris("IL17A", "IL17F", "IL-17A/F", "IL17C", "IL25"),
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
        "CCRL2",
        "BAMBI",
    )
    assert set(trapped) == expected_decoys


def test_cq16_ligands_without_receptor_are_the_documented_ones(
    release_store: pyoxigraph.Store,
) -> None:
    # docs/interactions.md documents each: neither resource pairs them with any receptor.
    assert {r["cytokine"] for r in run(release_store, "cq16")} == iris("CXCL17", "IL17D", "IL40")
