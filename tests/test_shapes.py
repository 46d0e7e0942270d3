"""SHACL shapes: each constraint bites on a minimal bad fixture, with exactly the expected result.

A bad fixture (``fixtures/shacl/bad/<base>/<case>.ru``) is a SPARQL Update applied to the
conforming ``fixtures/shacl/good/<base>.ttl``; its ``# expect:`` lines list every result the
validation must give, as ``severity focus path component``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from cytoowl import paths
from cytoowl.validate.shacl import SH, Outcome, load_shapes, validate_graphs

FIXTURES = Path(__file__).parent / "fixtures" / "shacl"
EX = "http://example.org/fixture/"
PREFIXES = f"""
PREFIX ex: <{EX}>
PREFIX cmp: <https://w3id.org/cytoowl/profile/measurement#>
PREFIX CYTO: <https://w3id.org/cytoowl/CYTO_>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX oio: <http://www.geneontology.org/formats/oboInOwl#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX unit: <http://qudt.org/vocab/unit/>
PREFIX sosa: <http://www.w3.org/ns/sosa/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
BAD = sorted((FIXTURES / "bad").glob("*/*.ru"))
BASES = ["instances", "measurement"]

Expectation = tuple[str, str, str, str]  # severity, focus, path, component

# Constraint parameter -> the SHACL constraint component it reports.
COMPONENTS = {
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.qualifiedMinCount: "QualifiedMinCountConstraintComponent",
    SH.qualifiedMaxCount: "QualifiedMaxCountConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH["class"]: "ClassConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
}
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)


def expectations(fixture: Path) -> set[Expectation]:
    """The ``# expect:`` lines of a bad fixture (``ex:x`` written for the fixture IRIs)."""
    expected = set()
    for line in fixture.read_text().splitlines():
        if line.startswith("# expect:") and "(none)" not in line:
            severity, focus, path, component = line.removeprefix("# expect:").split()
            if focus.startswith("ex:"):
                focus = f"<{EX}{focus.removeprefix('ex:')}>"
            expected.add((severity, focus, path, component))
    return expected


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontologies(release_graph: Graph) -> dict[str, Graph]:
    """Instance fixtures need only the TBox; measurements cite cytokines of the release."""
    tbox = Graph()
    for path in sorted((paths.SOURCE_DIR / "tbox").glob("*.ttl")):
        tbox.parse(path, format="turtle")
    return {"instances": tbox, "measurement": release_graph}


def run(base: str, update: str | None, ontologies: dict[str, Graph], shapes: Graph) -> Outcome:
    graph = Graph().parse(FIXTURES / "good" / f"{base}.ttl", format="turtle")
    if update:
        graph.update(PREFIXES + update)
    return validate_graphs(graph, ontologies[base], shapes)


@pytest.fixture(scope="module")
def bad_outcomes(ontologies: dict[str, Graph], shapes: Graph) -> dict[Path, Outcome]:
    """Every bad fixture validated once (shared by the per-fixture and coverage tests)."""
    return {f: run(f.parent.name, f.read_text(), ontologies, shapes) for f in BAD}


@pytest.mark.parametrize("base", BASES)
def test_good_fixture_conforms_without_any_result(
    base: str, ontologies: dict[str, Graph], shapes: Graph
) -> None:
    outcome = run(base, None, ontologies, shapes)
    assert outcome.results == [], outcome.text()


@pytest.mark.parametrize("fixture", BAD, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bad_fixture_gives_exactly_the_expected_results(
    fixture: Path, bad_outcomes: dict[Path, Outcome]
) -> None:
    outcome = bad_outcomes[fixture]
    got = {(r.severity, r.focus, r.path, r.component) for r in outcome.results}
    assert got == expectations(fixture), outcome.text()
    assert all(r.message for r in outcome.results)
    assert outcome.conforms == all(severity != "Violation" for severity, *_ in got)


# Shapes of this module's scope (shapes/biology.ttl is tested with the biology module).
OWN_SHAPE_FILES = [
    "common.ttl",
    "instances.ttl",
    "relations.ttl",
    "measurement-profile.ttl",
    "names_and_cell_sources.ttl",
]


def declared_constraints(shapes: Graph) -> set[tuple[Node, str]]:
    """(shape, component) for every constraint of a targeted node shape and its properties."""
    own = Graph()
    for name in OWN_SHAPE_FILES:
        own.parse(paths.SHAPES_DIR / name, format="turtle")
    node_shapes = {s for t in TARGETS for s in own.subjects(t, None) if isinstance(s, URIRef)}
    declared = set()
    for node_shape in node_shapes:  # property shapes read from ``shapes``: same blank nodes
        for shape in [node_shape, *shapes.objects(node_shape, SH.property)]:
            for parameter, component in COMPONENTS.items():
                if (shape, parameter, None) in shapes:
                    declared.add((shape, component))
    return declared


def test_every_constraint_has_a_bad_fixture(
    shapes: Graph, bad_outcomes: dict[Path, Outcome]
) -> None:
    produced = {
        (report.value(r, SH.sourceShape), str(report.value(r, SH.sourceConstraintComponent)))
        for report in (o.report for o in bad_outcomes.values())
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    produced = {(shape, component.rsplit("#", 1)[-1]) for shape, component in produced}
    missing = declared_constraints(shapes) - produced
    names = sorted(
        f"{s if isinstance(s, URIRef) else shapes.value(s, SH.path)} {c}" for s, c in missing
    )
    assert not missing, "constraints no bad fixture exercises:\n" + "\n".join(names)


def test_every_shape_has_a_message_and_a_severity(shapes: Graph) -> None:
    for shape, _ in declared_constraints(shapes):
        constraint = shapes.value(shape, SH.sparql) or shape
        assert shapes.value(constraint, SH.message), shape
        assert shapes.value(constraint, SH.severity) in {SH.Violation, SH.Warning, SH.Info}, shape
