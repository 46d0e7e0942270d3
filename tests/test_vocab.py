"""One prefix map: every external identifier has exactly one IRI in the release, the SSSOM
file and the term pages."""

from __future__ import annotations

import csv

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from cytoowl import vocab
from cytoowl.build.assemble import OIO
from tools import CHECKOUT


def test_map_expands_and_compresses_both_ways() -> None:
    for curie in ("HGNC:6018", "UniProtKB:P05231", "NCBIGene:3569", "CL:0000235", "CYTO:0001117"):
        assert vocab.curie(vocab.expand(curie)) == curie
    assert vocab.expand("HGNC:6018") == "http://identifiers.org/hgnc/6018"  # DESIGN §3
    # IRIs other tools write compress to the same CURIE.
    assert vocab.curie("https://identifiers.org/hgnc:6018") == "HGNC:6018"
    assert vocab.curie("https://www.ncbi.nlm.nih.gov/gene/3569") == "NCBIGene:3569"
    with pytest.raises(ValueError, match="NOPE"):
        vocab.expand("NOPE:1")


def test_no_two_prefixes_share_a_namespace() -> None:
    namespaces = [r["uri_prefix"] for r in vocab.RECORDS]
    assert len(namespaces) == len(set(namespaces))


def _xrefs(graph: Graph) -> list[tuple[URIRef, str]]:
    return [
        (s, str(o))
        for s, o in graph.subject_objects(OIO.hasDbXref)
        if str(o).partition(":")[0] in vocab.XREF_MAPPING_PREFIXES
    ]


GENE_PRODUCT_OF = URIRef(vocab.expand("RO:0002204"))
#: xref prefix -> the predicates its record IRI may have in the release (docs/mappings.md).
XREF_PREDICATES = {
    "HGNC": {GENE_PRODUCT_OF},
    "NCBIGene": {GENE_PRODUCT_OF},
    "UniProtKB": {SKOS.exactMatch, SKOS.broadMatch},
}


def test_each_gene_product_xref_has_its_one_mapping(release_graph: Graph) -> None:
    pairs = _xrefs(release_graph)
    assert len(pairs) > 600
    for subject, curie in pairs:
        target = URIRef(vocab.expand(curie))
        found = {p for p in release_graph.predicates(subject, target)}
        assert len(found) == 1 and found <= XREF_PREDICATES[curie.partition(":")[0]], curie


def test_no_gene_product_is_exact_match_of_a_gene(release_graph: Graph) -> None:
    for _, target in release_graph.subject_objects(SKOS.exactMatch):
        assert vocab.curie(str(target)).partition(":")[0] not in ("HGNC", "NCBIGene"), target


def test_shared_uniprot_entries_are_broad_not_exact(release_graph: Graph) -> None:
    """CCL3L1/CCL3L3 and CCL4L1/CCL4L2 share an entry: not exact matches of each other."""
    holders: dict[URIRef, set] = {}
    for s, o in release_graph.subject_objects(SKOS.exactMatch | SKOS.broadMatch):
        if vocab.curie(str(o)).startswith("UniProtKB:"):
            holders.setdefault(o, set()).add(s)
    shared = {o for o, s in holders.items() if len(s) > 1}
    assert {vocab.curie(str(o)) for o in shared} == {"UniProtKB:P16619", "UniProtKB:Q8NHW4"}
    for entry in shared:
        assert not list(release_graph.subjects(SKOS.exactMatch, entry)), entry


def _sssom_rows() -> list[dict[str, str]]:
    lines = [
        line
        for line in CHECKOUT.release.sssom.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_sssom_rows_are_release_triples(release_graph: Graph) -> None:
    """The release and the SSSOM file say the same: each row is a triple (or, for
    RO:0002215 'capable of', the class's existential restriction)."""
    from rdflib import OWL, RDFS

    rows = _sssom_rows()
    assert rows
    for row in rows:
        subject = URIRef(vocab.expand(row["subject_id"]))
        predicate = URIRef(vocab.expand(row["predicate_id"]))
        target = URIRef(vocab.expand(row["object_id"]))
        assert row["mapping_justification"].startswith("semapv:"), row
        if row["predicate_id"] == "RO:0002215":
            assert any(
                release_graph.value(r, OWL.onProperty) == predicate
                and release_graph.value(r, OWL.someValuesFrom) == target
                for r in release_graph.objects(subject, RDFS.subClassOf)
            ), row
        else:
            assert (subject, predicate, target) in release_graph, row
        if row["object_id"].partition(":")[0] in vocab.XREF_MAPPING_PREFIXES:
            assert (subject, OIO.hasDbXref, Literal(row["object_id"])) in release_graph


@pytest.mark.slow  # a store of the real release
def test_term_page_links_each_xref_to_its_release_iri(
    release_graph: Graph,
    release_client: TestClient,
) -> None:
    il2 = URIRef(vocab.expand("CYTO:0001117"))
    xrefs = [curie for s, curie in _xrefs(release_graph) if s == il2]
    assert len(xrefs) == 3
    page = release_client.get("/CYTO_0001117", headers={"Accept": "text/html"}).text
    for curie in xrefs:
        assert f'href="{vocab.expand(curie)}"' in page, curie
