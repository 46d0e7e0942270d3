"""One prefix map: every external identifier has exactly one IRI in the release, the SSSOM
file and the term pages."""

from __future__ import annotations

import csv

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from cytoowl import paths, vocab
from cytoowl.build.assemble import OIO
from server_fixtures import app_client


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
        if str(o).partition(":")[0] in vocab.EXACT_MATCH_PREFIXES
    ]


def test_release_exact_matches_are_the_expanded_xrefs(release_graph: Graph) -> None:
    pairs = _xrefs(release_graph)
    assert len(pairs) > 600
    for subject, curie in pairs:
        assert (subject, SKOS.exactMatch, URIRef(vocab.expand(curie))) in release_graph, curie


def test_sssom_objects_are_release_exact_matches(release_graph: Graph) -> None:
    lines = [
        line
        for line in paths.RELEASE.sssom.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    assert rows
    for row in rows:
        subject = URIRef(vocab.expand(row["subject_id"]))
        target = URIRef(vocab.expand(row["object_id"]))
        assert (subject, SKOS.exactMatch, target) in release_graph, row["object_id"]
        assert (subject, OIO.hasDbXref, Literal(row["object_id"])) in release_graph


def test_term_page_links_each_xref_to_its_release_iri(release_graph: Graph) -> None:
    from cytoowl.dataset import Sources

    il2 = URIRef(vocab.expand("CYTO:0001117"))
    xrefs = [curie for s, curie in _xrefs(release_graph) if s == il2]
    assert len(xrefs) == 3
    with app_client(Sources()) as client:
        page = client.get("/CYTO_0001117", headers={"Accept": "text/html"}).text
    for curie in xrefs:
        assert f'href="{vocab.expand(curie)}"' in page, curie
