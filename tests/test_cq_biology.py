"""Competency questions 5, 6, 7, 9, 10 and 23 give exactly the curated answers (DESIGN §6)."""

from __future__ import annotations

import pyoxigraph
import pytest

from cq_helpers import IRI, run
from cytoowl import vocab
from tools import CHECKOUT

T = vocab.TERM_PREFIX
OBO = "http://purl.obolibrary.org/obo/"


WIKI = "wikipedia.en:Cytokine"
DEPRESSION_META_ANALYSIS = "PMID:20015486"
PAIN_DEPRESSION = "doi:10.1007/s11916-007-0005-y"  # Strouse 2007, the seed abstract
PROINFLAMMATORY = "PMID:10936147"  # Dinarello 2000

# name of the CQ file, the columns compared, and the exact expected answer set.
EXPECTED = {
    # issue 25: producing cells from the seed and the reviews of relations/cell_sources.tsv
    "cq05": (
        ("cytokine",),
        {
            (IRI[k],)
            for k in ("IL1A", "IL1B", "IL6", "TNF", "IL10", "IL15", "IL18", "IL-12", "IL-23")
        },
    ),
    "cq06": (
        ("cytokine", "source"),
        {(IRI["IL6"], DEPRESSION_META_ANALYSIS), (IRI["TNF"], DEPRESSION_META_ANALYSIS)},
    ),
    "cq07": (
        ("drug", "cytokine", "condition"),
        {
            (IRI["aldesleukin"], IRI["IL2"], None),
            (IRI["dibotermin alfa"], IRI["BMP2"], None),
            (IRI["epoetin alfa"], IRI["EPO"], OBO + "MONDO_0002280"),
            (IRI["filgrastim"], IRI["CSF3"], OBO + "MONDO_0001475"),
            (IRI["sargramostim"], IRI["CSF2"], OBO + "MONDO_0001475"),
            (IRI["interferon alfa-2b"], IRI["IFNA2"], OBO + "MONDO_0005231"),
            (IRI["interferon beta-1a"], IRI["IFNB1"], OBO + "MONDO_0005301"),
            (IRI["interferon beta-1b"], IRI["IFNB1"], OBO + "MONDO_0005301"),
            (IRI["oprelvekin"], IRI["IL11"], OBO + "MONDO_0002049"),
            (IRI["interferon gamma-1b"], IRI["IFNG"], OBO + "MONDO_0018305"),
            (IRI["interferon gamma-1b"], IRI["IFNG"], OBO + "MONDO_0017198"),
        },
    ),
    # issue 25: the pain/depression source's class-level claim, fever from Dinarello 2000
    "cq23": (
        ("subject", "relation", "condition", "source"),
        {
            (T + "0000019", T + "0000112", OBO + "MONDO_0002050", PAIN_DEPRESSION),
            (T + "0000019", T + "0000112", OBO + "HP_0001945", PROINFLAMMATORY),
            *(
                (IRI[k], OBO + "RO_0003302", OBO + "HP_0001945", PROINFLAMMATORY)
                for k in ("IL1A", "IL1B", "TNF")
            ),
            *(
                (IRI[k], OBO + "RO_0002607", OBO + "MONDO_0002009", DEPRESSION_META_ANALYSIS)
                for k in ("IL6", "TNF")
            ),
        },
    ),
    "cq09": (
        ("chain", "source"),
        {(IRI["IL2RG"], "PMID:11905829 " + WIKI)},
    ),
    "cq10": (
        ("receptor",),
        {(IRI["CCR5"],), (IRI["CXCR4"],)},
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_competency_question_answer(release_store: pyoxigraph.Store, name: str) -> None:
    columns, expected = EXPECTED[name]
    rows = run(release_store, name)
    answer = [tuple(row.get(c) for c in columns) for row in rows]
    assert len(answer) == len(set(answer)), f"{name} returns duplicate rows"
    assert set(answer) == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_competency_question_has_header(name: str) -> None:
    (path,) = CHECKOUT.cq_dir.glob(f"{name}_*.rq")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# title: ") and lines[1].startswith("# description: ")


def test_cq05_every_macrophage_source_is_sourced(release_store: pyoxigraph.Store) -> None:
    sources = {row["cytokine"]: set(row["source"].split()) for row in run(release_store, "cq05")}
    assert all(sources.values()), "every 'produced by some macrophage' has its source"
    for key in ("IL1A", "IL1B", "IL6", "TNF"):  # the seed's 'resident macrophages'
        assert WIKI in sources[IRI[key]]
    assert sources[IRI["IL-23"]] >= {"PMID:15546388", "doi:10.3748/wjg.14.4280"}


def test_cq07_drugs_labelled_by_inn(release_store: pyoxigraph.Store) -> None:
    labels = {row["drugLabel"] for row in run(release_store, "cq07")}
    assert {"aldesleukin", "epoetin alfa", "filgrastim", "sargramostim", "oprelvekin"} <= labels


def test_cq09_chain_is_part_of_the_gamma_chain_receptors(release_store: pyoxigraph.Store) -> None:
    (row,) = run(release_store, "cq09")
    assert "interleukin-2 receptor complex (high affinity)" in row["complexes"]


def test_cd4_is_primary_receptor_not_chemokine_receptor(release_store: pyoxigraph.Store) -> None:
    ask = f"""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        ASK {{ <{IRI["CD4"]}> a <{T}0000061> .
               FILTER NOT EXISTS {{ <{IRI["CD4"]}> a/rdfs:subClassOf* <{T}0000038> }}
               FILTER NOT EXISTS {{ <{IRI["CD4"]}> a <{T}0000062> }} }}"""
    assert release_store.query(ask)


def test_inconclusive_chronic_fatigue_is_no_association(release_store: pyoxigraph.Store) -> None:
    """The ME/CFS review is recorded as inconclusive, never as a marker or cause."""
    mecfs = OBO + "MONDO_0005404"
    ask_assoc = f"""ASK {{ ?c ?p <{mecfs}> .
        VALUES ?p {{ <{OBO}RO_0002607> <{OBO}RO_0003302> }} }}"""
    assert not release_store.query(ask_assoc)
    ask_inconclusive = f"""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>
        ASK {{ <{T}0000001> <{T}0000110> <{mecfs}> .
               ?ax owl:annotatedSource <{T}0000001> ; owl:annotatedProperty <{T}0000110> ;
                   owl:annotatedTarget <{mecfs}> ; oboInOwl:source "PMID:31445522" }}"""
    assert release_store.query(ask_inconclusive)
