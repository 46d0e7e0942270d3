"""Definitions of individuals are written by the build from their facts (issue 25, item 3), and a
name a receptor chain and its complex share is a related synonym of both (item 4)."""

from __future__ import annotations

import re

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from cq_helpers import IRI
from cytoowl import vocab
from cytoowl.build import definitions

OBO = "http://purl.obolibrary.org/obo/"
DEFINITION = URIRef(OBO + "IAO_0000115")
DEFINITION_SOURCE = URIRef(OBO + "IAO_0000119")
IN_TAXON = URIRef(OBO + "RO_0002162")
OIO = Namespace(vocab.OIO)
T = vocab.TERM_PREFIX


def definition(graph: Graph, key: str) -> str:
    (text,) = graph.objects(URIRef(IRI[key]), DEFINITION)
    return str(text)


def definition_sources(graph: Graph, key: str) -> set[str]:
    term = URIRef(IRI[key])
    (text,) = graph.objects(term, DEFINITION)
    return {
        str(source)
        for axiom in graph.subjects(OWL.annotatedSource, term)
        if (axiom, OWL.annotatedProperty, DEFINITION) in graph
        and (axiom, OWL.annotatedTarget, text) in graph
        for source in graph.objects(axiom, DEFINITION_SOURCE)
    }


def test_il6_definition_says_family_receptor_cells_and_disease(release_graph: Graph) -> None:
    text = definition(release_graph, "IL6")
    assert text.startswith("A long-chain four-alpha-helix cytokine (")
    for fact in (
        "that signals through the interleukin-6 receptor complex",
        "produced by dendritic cells, endothelial cells, epithelial cells, glial cells, "
        "lymphocytes, macrophages and 4 other cell types",
        "a reported marker of ",
        "major depressive disorder",
        "product of the human gene IL6 (HGNC:6018).",
    ):
        assert fact in text, (fact, text)
    # every fact's source is a definition source (IAO:0000119)
    assert definition_sources(release_graph, "IL6") >= {
        "HGNC:6018",
        "wikipedia.en:Cytokine",
        "PMID:20015486",
    }


def test_every_gene_product_and_complex_has_a_generated_definition(release_graph: Graph) -> None:
    terms = set(release_graph.subjects(IN_TAXON, None)) - set(
        release_graph.subjects(OWL.deprecated, Literal(True))
    )
    assert len(terms) > 900
    for term in terms:
        (text,) = release_graph.objects(term, DEFINITION)
        assert not str(text).startswith(("The human gene product of", "The mouse gene product")), (
            term
        )
        assert str(text).endswith("."), text
        has_record = any(release_graph.objects(term, SKOS.notation))
        has_parts = any(release_graph.objects(term, URIRef(OBO + "BFO_0000051")))
        assert has_record or has_parts, term
        if has_record:
            assert re.search(r"; product of the (human|mouse) gene \S+ \([A-Za-z]+:", text), text


def test_mouse_definition_names_the_human_ortholog(release_graph: Graph) -> None:
    text = definition(release_graph, "Il6")
    assert text.startswith("A long-chain four-alpha-helix cytokine")
    assert text.endswith("product of the mouse gene Il6 (MGI:96559), ortholog of human IL6.")


def test_chain_and_complex_definitions_differ_in_kind(release_graph: Graph) -> None:
    chain, complex_ = definition(release_graph, "IL6R"), definition(release_graph, "IL-6R")
    assert chain.startswith("A hemopoietin receptor (class I), a component of the ")
    assert complex_.startswith("A human receptor complex made of IL6R + IL6ST") or (
        complex_.startswith("A human receptor complex made of IL6ST + IL6R")
    )
    assert "that binds IL6" in complex_


def test_shared_chain_and_complex_name_is_a_related_synonym_of_both(release_graph: Graph) -> None:
    name = Literal("IL-6R", lang="en")
    for key in ("IL6R", "IL-6R"):  # the chain (HGNC symbol) and the complex (its key)
        term = URIRef(IRI[key])
        assert (term, OIO.hasRelatedSynonym, name) in release_graph
        assert (term, OIO.hasExactSynonym, name) not in release_graph
    labels = {str(release_graph.value(URIRef(IRI[k]), RDFS.label)) for k in ("IL6R", "IL-6R")}
    assert labels == {"interleukin 6 receptor", "interleukin-6 receptor complex"}


def test_describe_writes_genus_then_differentiae_from_a_small_graph() -> None:
    g = Graph()
    cyto, receptor, cell = URIRef(T + "9999999"), URIRef(T + "9999998"), URIRef(OBO + "CL_0000235")
    family, role = URIRef(T + "0000008"), URIRef(T + "0000019")
    g.add((family, RDFS.label, Literal("IL-1 family cytokine")))
    g.add((role, RDFS.label, Literal("pro-inflammatory cytokine")))
    g.add((cell, RDFS.label, Literal("macrophage")))
    g.add((receptor, RDFS.label, Literal("IL-99 receptor complex")))
    for triple in (
        (cyto, RDF.type, family),
        (cyto, RDF.type, role),
        (cyto, URIRef(OBO + "RO_0018027"), receptor),
        (cyto, IN_TAXON, URIRef(OBO + "NCBITaxon_9606")),
        (cyto, SKOS.notation, Literal("IL99")),
        (cyto, OIO.hasDbXref, Literal("HGNC:1")),
    ):
        g.add(triple)
    restriction = URIRef("urn:x:some-macrophage")  # stands in for the restriction blank node
    g.add((restriction, OWL.onProperty, URIRef(OBO + "RO_0003001")))
    g.add((restriction, OWL.someValuesFrom, cell))
    g.add((cyto, RDF.type, restriction))

    def label(iri: URIRef) -> str:
        return str(g.value(iri, RDFS.label))

    written = definitions.definitions(g, [cyto], label)[cyto]
    assert written.text == (
        "An IL-1 family cytokine (a pro-inflammatory cytokine) that signals through the "
        "IL-99 receptor complex, produced by macrophages; product of the human gene IL99 (HGNC:1)."
    )
    assert written.sources == ("HGNC:1",)
