"""Differential test: the fast engine (``shacl``) and pySHACL give the same results.

Every good and bad fixture, the release and the example dataset go through both engines as the
same N-Triples with the same shapes; the results must agree on focus node, path, constraint
component and severity. pySHACL is a test dependency only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.sparql import Query

from cytoowl import vocab
from cytoowl.validate import engine as shacl_engine
from cytoowl.validate.report import SH, curie, path_text
from cytoowl.validate.shacl import (
    _rdflib_term,
    data_of_graph,
    read_file,
    release_data,
    report_graph,
    validate,
)
from shacl_helpers import BAD, BASES, FIXTURES, fixture_graph
from tools import CHECKOUT

# The pySHACL differential: fixed facts of the shapes and the engine (make test runs it).
pytestmark = pytest.mark.slow

EXAMPLE = CHECKOUT.examples_dir / "cytokine-measurements.ttl"
BIOLOGY = sorted((FIXTURES / "shapes_biology").glob("*.ru"))
IL6 = URIRef(vocab.TERM_PREFIX + "0001140")
Key = tuple[str, str, str, str]  # focus, path, component, severity


@pytest.fixture(scope="module", autouse=True)
def prepared_queries() -> Iterator[None]:
    """pySHACL hands rdflib each SPARQL constraint of the shapes as text on every validation,
    and rdflib parses it again (pyparsing: ~60% of a small fixture's 0.75 s). Here a text is
    parsed once and rdflib's prepared query reused, as ``rdflib.plugins.sparql.prepareQuery``
    is meant to be (the bindings, such as ``$this``, still come with each evaluation)."""
    original = processor.SPARQLProcessor.query
    prepared: dict[tuple, Query] = {}

    def query(self, text, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(text, str):
            key = (text, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in prepared:
                prepared[key] = processor.translateQuery(processor.parseQuery(text), base, initNs)
            text = prepared[key]
        return original(self, text, initBindings, initNs, base, DEBUG)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processor.SPARQLProcessor, "query", query)
        yield


@pytest.fixture(scope="module")
def shapes_graph() -> Graph:
    graph = Graph()
    for path in sorted(CHECKOUT.shapes_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def background(tbox_graph: Graph, release_graph: Graph) -> Graph:
    """What the measurement fixtures cite: the TBox and the types of IL6 in the release."""
    graph = Graph()
    graph += tbox_graph
    for value in release_graph.objects(IL6, RDF.type):
        graph.add((IL6, RDF.type, value))
    return graph


def _key(report: Graph, node: object, focus: str) -> Key:
    return (
        focus,
        path_text(report, report.value(node, SH.resultPath)),
        str(report.value(node, SH.sourceConstraintComponent)),
        str(report.value(node, SH.resultSeverity)),
    )


def fast_results(documents: list[bytes]) -> set[Key]:
    report = report_graph(shacl_engine.run(documents))
    nodes = list(report.subjects(RDF.type, SH.ValidationResult))
    foci = {n: report.value(n, SH.focusNode) for n in nodes}
    numbers = {
        shacl_engine.data_blank_number(str(f)) for f in foci.values() if isinstance(f, BNode)
    }
    blanks = shacl_engine.blank_nodes_in_order(documents, {n for n in numbers if n})
    keys = set()
    for node, focus in foci.items():
        if isinstance(focus, BNode):
            _, term = blanks[shacl_engine.data_blank_number(str(focus))]
            keys.add(_key(report, node, f"_:{term.value}"))
        else:
            keys.add(_key(report, node, curie(focus)))
    return keys


def pyshacl_results(documents: list[bytes], shapes: Graph) -> set[Key]:
    """pySHACL on the same N-Triples (blank node labels kept, so focus nodes compare)."""
    graph = Graph()
    for document in documents:
        for t in pyoxigraph.parse(input=document, format=pyoxigraph.RdfFormat.N_TRIPLES):
            graph.add(tuple(_rdflib_term(x) for x in (t.subject, t.predicate, t.object)))
    _, report, _ = pyshacl_validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )
    keys = set()
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        name = f"_:{focus}" if isinstance(focus, BNode) else curie(focus)
        keys.add(_key(report, node, name))
    return keys


CASES = [(base, None) for base in BASES] + [(f.parent.name, f) for f in BAD]
CASES += [("instances", f) for f in BIOLOGY]


@pytest.mark.parametrize(
    ("base", "fixture"), CASES, ids=lambda c: c if isinstance(c, str) else c and c.stem
)
def test_fixture_gives_the_same_results_in_both_engines(
    base: str, fixture: Path | None, tbox_graph: Graph, background: Graph, shapes_graph: Graph
) -> None:
    def documents(updates: list[Path]) -> list[bytes]:
        graph = fixture_graph(base, updates, tbox_graph)
        if base == "measurement":
            graph += background
        return [data_of_graph(graph).ntriples]

    given = documents([fixture] if fixture else [])  # once: blank node labels are random
    fast = fast_results(given)
    assert fast == pyshacl_results(given, shapes_graph)
    if fixture is not None and fixture in BAD:  # a bad fixture adds results (does not pass)
        assert fast - fast_results(documents([])), fixture.name


def test_release_and_the_example_give_the_same_results_in_both_engines(
    shapes_graph: Graph,
) -> None:
    documents = [release_data().ntriples, read_file(EXAMPLE).ntriples]
    fast = fast_results(documents)
    assert fast == pyshacl_results(documents, shapes_graph)
    assert len(fast) == len(validate().results)  # the release's own Warnings, no more


def test_a_literal_focus_node_compares(shapes_graph: Graph, tbox_graph: Graph) -> None:
    """Literal focus nodes (a string where a disease IRI belongs) appear in both reports."""
    fixture = next(f for f in BAD if f.stem == "treats-literal")
    documents = [data_of_graph(fixture_graph("instances", [fixture], tbox_graph)).ntriples]
    fast = fast_results(documents)
    assert any(focus == curie(Literal("anemia")) for focus, *_ in fast)
    assert fast == pyshacl_results(documents, shapes_graph)
