"""The committed release: formats agree, loads in owlready2 and the OWL API, HermiT-consistent,
and equals a fresh build."""

from __future__ import annotations

import owlready2
import pytest
from rdflib import BNode, Graph

from cytoowl import vocab
from cytoowl.build import reason
from cytoowl.build.assemble import stable_blank_nodes
from cytoowl.release import htmldoc
from cytoowl.release.pipeline import differing_files
from owlapi_check import check_dl_profile
from tools import CHECKOUT, require


def canonical(graph: Graph) -> set[tuple]:
    """Triples with content-derived blank node labels, comparable across parsers."""
    return set(stable_blank_nodes(graph))


@pytest.mark.slow  # fixed facts of the release (Java)
@pytest.mark.parametrize(
    ("path", "fmt"),
    [(CHECKOUT.release.owl, "xml"), (CHECKOUT.release.jsonld, "json-ld")],
    ids=["rdfxml", "jsonld"],
)
def test_formats_are_the_same_graph(release_graph: Graph, path, fmt) -> None:
    other = Graph().parse(path, format=fmt)
    assert len(other) == len(release_graph)
    assert canonical(other) == canonical(release_graph)


def test_base_module_has_only_own_subjects(release_graph: Graph) -> None:
    """OBO base: axioms about own terms; external entities only declared (rdf:type)."""
    from rdflib import RDF

    base = Graph().parse(CHECKOUT.release.base, format="xml")
    assert 0 < len(base) < len(release_graph)
    own = (vocab.TERM_PREFIX, vocab.BASE_ONTOLOGY_IRI)
    for s, p, _ in base:
        assert isinstance(s, BNode) or str(s).startswith(own) or p == RDF.type, (s, p)


def test_sssom_lists_every_mapping_triple(release_graph: Graph) -> None:
    from cytoowl.release.sssom import mapping_triples

    lines = [
        line
        for line in CHECKOUT.release.sssom.read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0].startswith("subject_id\tsubject_label\tpredicate_id\tobject_id")
    assert len(lines) - 1 == len(set(mapping_triples(release_graph))) > 900


@pytest.mark.slow  # fixed facts of the release (Java)
def test_loads_in_owlready2() -> None:
    world = owlready2.World()
    onto = world.get_ontology(CHECKOUT.release.owl.as_uri()).load()
    assert onto.base_iri.startswith("https://w3id.org/cytoowl/")
    il2 = world.search_one(label="interleukin 2")
    assert il2 is not None and il2.iri == vocab.TERM_PREFIX + "0001117"


@pytest.mark.slow  # fixed facts of the release (Java)
def test_owl_api_dl_profile_and_declarations() -> None:
    require("java", "javac", install="apt-get install default-jdk-headless libowlapi-java")
    result = check_dl_profile(CHECKOUT.release.owl)
    assert result["format"] == "RDF/XML Syntax"
    # Undeclared entities are DL profile violations in the OWL API, so zero covers both.
    assert result["violation_lines"] == []
    assert result["individuals"] > 300
    assert result["classes"] >= 40


@pytest.mark.slow  # fixed facts of the release (Java)
def test_hermit_consistent_and_inferences_materialised(release_graph: Graph) -> None:
    inference = reason.reason(release_graph)
    assert inference.types == [], "inferred types missing from the release"


@pytest.mark.slow
def test_committed_release_equals_fresh_build() -> None:
    assert differing_files() == [], "run `cytoowl build` and commit the release"


@pytest.mark.slow  # pyLODE in a child, as a build runs it
def test_a_failing_pylode_names_the_file_and_its_error(tmp_path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")  # no object
    with htmldoc.ReferenceHtml(broken) as reference, pytest.raises(htmldoc.DocError) as caught:
        reference.result()
    assert str(broken) in str(caught.value) and "Bad syntax" in str(caught.value)


@pytest.mark.slow  # pyLODE in a child, as a build runs it
def test_leaving_the_build_early_stops_pylode(tmp_path) -> None:
    """pyLODE runs beside the rest of the build; a build that fails meanwhile kills it."""
    with pytest.raises(RuntimeError), htmldoc.ReferenceHtml(CHECKOUT.release.ttl) as reference:
        child = reference._proc
        raise RuntimeError("a later step of the build failed")
    assert child.poll() is not None
