"""Corrections found in review (issue 9, item 5): each test fails on the data before the fix.

The checks run on the committed release (what users get); each names the offending term.
"""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from cq_helpers import IRI
from cytoowl import vocab

CYTO = vocab.TERM_PREFIX
OIO = "http://www.geneontology.org/formats/oboInOwl#"
EXACT = URIRef(OIO + "hasExactSynonym")
SOURCE = URIRef(OIO + "source")
XREF = URIRef(OIO + "hasDbXref")
DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
HAS_PART = URIRef("http://purl.obolibrary.org/obo/BFO_0000051")
BINDS = URIRef(CYTO + "0000100")
CYTOKINE, SUBUNIT, DRUG = (URIRef(CYTO + n) for n in ("0000001", "0000025", "0000050"))
HETEROMERIC_CYTOKINE = URIRef(CYTO + "0000024")
IL2_SUBFAMILY, SHORT_CHAIN = URIRef(CYTO + "0000003"), URIRef(CYTO + "0000007")
TGFB_SUPERFAMILY, IL17_FAMILY = URIRef(CYTO + "0000009"), URIRef(CYTO + "0000010")
TYPE_2, CLASS_I_RECEPTOR = URIRef(CYTO + "0000018"), URIRef(CYTO + "0000034")
ENCYCLOPEDIA = "wikipedia.en:Cytokine"
# INN stems of recombinant cytokine drugs (WHO INN stem book: -leukin/-kin interleukins,
# -grastim/-gramostim colony-stimulating factors, -poetin erythropoietins, -ermin growth factors,
# -kinra IL-1 receptor antagonists).
INN_STEM = re.compile(r"^[a-z]+(leukin|elvekin|grastim|gramostim|poetin|ermin|kinra)$")
# Short-chain cytokines first described after Rozwarski et al. (March 1994), which therefore
# cannot be its subject: IL-15 (1994), IL-21 (2000), TSLP (human, 2001), IL-34 (2008).
DESCRIBED_AFTER_1994_PAPER = ["IL15", "IL21", "TSLP", "IL34"]
ROZWARSKI_1994, RECHE_2019 = "PMID:8069631", "PMID:30716660"


def names(graph: Graph, term: URIRef) -> set[str]:
    """Label and exact synonyms of a term, case-folded."""
    values = [*graph.objects(term, RDFS.label), *graph.objects(term, EXACT)]
    return {str(v).casefold() for v in values}


def sources_of(graph: Graph, s: URIRef, p: URIRef, o: URIRef) -> set[str]:
    return {
        str(src)
        for axiom in graph.subjects(OWL.annotatedSource, s)
        if (axiom, OWL.annotatedProperty, p) in graph and (axiom, OWL.annotatedTarget, o) in graph
        for src in graph.objects(axiom, SOURCE)
    }


def test_no_gene_product_or_heteromer_has_a_drug_name_as_exact_synonym(
    release_graph: Graph,
) -> None:
    drug_names = set().union(
        *(names(release_graph, d) for d in release_graph.subjects(RDF.type, DRUG))
    )
    offending = sorted(
        f"{release_graph.value(term, RDFS.label)}: '{synonym}'"
        for term in release_graph.subjects(RDF.type, OWL.NamedIndividual)
        if (term, RDF.type, DRUG) not in release_graph
        for synonym in map(str, release_graph.objects(term, EXACT))
        if synonym.casefold() in drug_names or INN_STEM.match(synonym.casefold())
    )
    assert not offending, f"drug names as exact synonyms of natural products: {offending}"


def test_no_subunit_shares_an_exact_name_with_its_heteromeric_cytokine(
    release_graph: Graph,
) -> None:
    """E.g. IL-27 p28 (IL27) must not be called 'IL-27', the name of the p28/EBI3 dimer."""
    g = release_graph
    offending = sorted(
        f"{g.value(part, RDFS.label)} (part of {g.value(whole, RDFS.label)})"
        f": {sorted(names(g, part) & names(g, whole))}"
        for whole in g.subjects(RDF.type, HETEROMERIC_CYTOKINE)
        for part in g.objects(whole, HAS_PART)
        if names(g, part) & names(g, whole)
    )
    assert not offending, offending


@pytest.mark.parametrize("symbol", DESCRIBED_AFTER_1994_PAPER)
def test_short_chain_type_does_not_cite_a_paper_older_than_the_cytokine(
    release_graph: Graph, symbol: str
) -> None:
    cytokine = URIRef(IRI[symbol])
    if (cytokine, RDF.type, SHORT_CHAIN) in release_graph:
        sources = sources_of(release_graph, cytokine, RDF.type, SHORT_CHAIN)
        assert sources, f"{symbol}: short-chain type without a source"
        assert ROZWARSKI_1994 not in sources, f"{symbol} cites {ROZWARSKI_1994}: {sources}"


@pytest.mark.parametrize("symbol", ["IL15", "IL21"])
def test_gamma_c_cytokines_short_chain_type_cites_reche_2019(
    release_graph: Graph, symbol: str
) -> None:
    cytokine = URIRef(IRI[symbol])
    assert RECHE_2019 in sources_of(release_graph, cytokine, RDF.type, SHORT_CHAIN)


def test_il34_is_short_chain_like_csf1(release_graph: Graph) -> None:
    for symbol in ("CSF1", "IL34"):
        assert (URIRef(IRI[symbol]), RDF.type, SHORT_CHAIN) in release_graph, symbol


def test_cystine_knot_class_is_the_tgf_beta_superfamily(release_graph: Graph) -> None:
    g = release_graph
    assert str(g.value(TGFB_SUPERFAMILY, RDFS.label)) == "TGF-beta superfamily cytokine"
    # IPR029034 is the cystine-knot fold, which IL-17s share: not an xref of the superfamily.
    assert Literal("InterPro:IPR029034") not in set(g.objects(TGFB_SUPERFAMILY, XREF))
    assert "cysteine-knot cytokine" not in names(g, TGFB_SUPERFAMILY)
    members = set(g.subjects(RDF.type, TGFB_SUPERFAMILY))
    assert URIRef(IRI["TGFB1"]) in members
    assert not members & set(g.subjects(RDF.type, IL17_FAMILY))


def test_il2_subfamily_definition_allows_receptor_tyrosine_kinase_members(
    release_graph: Graph,
) -> None:
    """Members whose receptor has no class I chain (CSF-1, IL-34: CSF1R) are not denied."""
    g = release_graph

    def class_i(receptor: URIRef) -> bool:
        chains = [receptor, *g.objects(receptor, HAS_PART)]
        return any((chain, RDF.type, CLASS_I_RECEPTOR) in g for chain in chains)

    members = set(g.subjects(RDF.type, IL2_SUBFAMILY)) | set(g.subjects(RDF.type, SHORT_CHAIN))
    non_class_i = sorted(
        str(g.value(m, RDFS.label))
        for m in members
        if (receptors := list(g.objects(m, BINDS))) and not any(map(class_i, receptors))
    )
    assert non_class_i, "expected members signalling through receptor tyrosine kinases"
    definition = str(g.value(IL2_SUBFAMILY, DEFINITION))
    assert "receptor tyrosine kinase" in definition, (non_class_i, definition)
    assert not re.search(r"(?<!most of which )signals through class I", definition), definition


def test_inha_is_a_subunit_of_inhibins_not_a_cytokine(release_graph: Graph) -> None:
    inha = URIRef(IRI["INHA"])
    assert inha == URIRef(CYTO + "0001143"), "INHA keeps its id"
    assert (inha, RDF.type, SUBUNIT) in release_graph
    assert (inha, RDF.type, CYTOKINE) not in release_graph
    assert not any(
        (inha, RDF.type, cls) in release_graph
        for cls in release_graph.transitive_subjects(RDFS.subClassOf, CYTOKINE)
    )


def test_tgf_beta_is_type_2_as_the_seed_states_with_other_views_as_comment(
    release_graph: Graph,
) -> None:
    """Issue 25 (supersedes the issue-9 correction): the seed's class, the seed as its source;
    reviews that class TGF-beta otherwise are named in a sourced comment."""
    cytokine = URIRef(IRI["TGFB1"])
    assert (cytokine, RDF.type, TYPE_2) in release_graph
    assert sources_of(release_graph, cytokine, RDF.type, TYPE_2) == {ENCYCLOPEDIA}
    comment = str(release_graph.value(cytokine, RDFS.comment))
    assert "ambivalent" in comment and "anti-inflammatory" in comment
    assert sources_of(release_graph, cytokine, RDFS.comment, Literal(comment, lang="en")) >= {
        ENCYCLOPEDIA,
        "doi:10.1186/ar2767",
    }
