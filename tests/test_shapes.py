"""SHACL shapes: each constraint bites on a minimal bad fixture, with exactly the expected result.

A bad fixture (``fixtures/shacl/bad/<base>/<case>.ru``) is a SPARQL Update applied to the
conforming ``fixtures/shacl/good/<base>.ttl``; its ``# expect:`` lines list every result the
validation must give, as ``severity focus path component``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from cytoowl import vocab
from cytoowl.validate.report import SH, Outcome, path_text
from cytoowl.validate.shacl import DATA, STANDALONE, data_of_graph, validate
from shacl_helpers import BAD, BASES, EX, fixture_graph
from tools import CHECKOUT

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
    SH.xone: "XoneConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
}
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)


def expectations(fixture: Path) -> set[Expectation]:
    """The ``# expect:`` lines of a bad fixture (``ex:x`` written for the fixture IRIs)."""
    expected = set()
    for line in fixture.read_text().splitlines():
        if line.startswith("# expect:") and "(none)" not in line:
            severity, rest = line.removeprefix("# expect:").split(maxsplit=1)
            focus, path, component = rest.rsplit(maxsplit=2)  # a literal focus may hold spaces
            path = "" if path == "(node)" else path  # a node shape's constraint
            if focus.startswith("ex:"):
                focus = f"<{EX}{focus.removeprefix('ex:')}>"
            expected.add((severity, focus, path, component))
    return expected


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The shapes as one graph (to list their constraints)."""
    shapes = Graph()
    for path in sorted(CHECKOUT.shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def run(base: str, update: Path | None, tbox: Graph) -> Outcome:
    """Instance fixtures are an ontology (with the TBox), validated as they stand; measurement
    fixtures are users' data, validated with the release beside them (modes chosen by the data).
    """
    updates = [update] if update else []
    outcome = validate(data_of_graph(fixture_graph(base, updates, tbox)))
    assert outcome.mode == (STANDALONE if base == "instances" else DATA)
    return outcome


@pytest.fixture(scope="module")
def outcome_of(tbox_graph: Graph) -> Callable[[Path], Outcome]:
    """A bad fixture's outcome, validated once per process when first asked for (shared by
    the per-fixture and coverage tests): under pytest-xdist each worker validates only the
    fixtures it runs, and the coverage test the rest."""
    outcomes: dict[Path, Outcome] = {}

    def outcome(fixture: Path) -> Outcome:
        if fixture not in outcomes:
            outcomes[fixture] = run(fixture.parent.name, fixture, tbox_graph)
        return outcomes[fixture]

    return outcome


@pytest.mark.parametrize("base", BASES)
def test_good_fixture_conforms_without_any_result(base: str, tbox_graph: Graph) -> None:
    outcome = run(base, None, tbox_graph)
    assert outcome.results == [], outcome.text()


@pytest.mark.slow  # every bad fixture of the shapes
@pytest.mark.parametrize("fixture", BAD, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bad_fixture_gives_exactly_the_expected_results(
    fixture: Path, outcome_of: Callable[[Path], Outcome]
) -> None:
    outcome = outcome_of(fixture)
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


def shape_key(shapes: Graph, shape: Node) -> str:
    """A shape by its IRI, a blank property shape by its path and message (the engine's report
    holds blank nodes of its own copy of the shapes)."""
    if isinstance(shape, URIRef):
        return str(shape)
    return f"{path_text(shapes, shapes.value(shape, SH.path))} {shapes.value(shape, SH.message)}"


def declared_constraints(shapes: Graph) -> dict[tuple[str, str], Node]:
    """(shape key, component) -> shape, for every constraint of a targeted node shape."""
    own = Graph()
    for name in OWN_SHAPE_FILES:
        own.parse(CHECKOUT.shapes_dir / name, format="turtle")
    node_shapes = {s for t in TARGETS for s in own.subjects(t, None) if isinstance(s, URIRef)}
    declared = {}
    for node_shape in node_shapes:  # property shapes read from ``shapes``: same blank nodes
        for shape in [node_shape, *shapes.objects(node_shape, SH.property)]:
            for parameter, component in COMPONENTS.items():
                if (shape, parameter, None) in shapes:
                    declared[(shape_key(shapes, shape), component)] = shape
    return declared


@pytest.mark.slow  # every bad fixture of the shapes
def test_every_constraint_has_a_bad_fixture(
    shapes: Graph, outcome_of: Callable[[Path], Outcome]
) -> None:
    produced = set()
    for report in (outcome_of(f).report for f in BAD):
        for r in report.subjects(RDF.type, SH.ValidationResult):
            shape = report.value(r, SH.sourceShape)
            key = (
                str(shape)
                if isinstance(shape, URIRef)
                else f"{path_text(report, report.value(r, SH.resultPath))} "
                f"{report.value(r, SH.resultMessage)}"
            )
            component = str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
            produced.add((key, component))
    declared = declared_constraints(shapes)
    missing = set(declared) - produced
    names = sorted(
        f"{s if isinstance(s, URIRef) else shapes.value(s, SH.path)} {c}"
        for (_, c), s in ((k, declared[k]) for k in missing)
    )
    assert not missing, "constraints no bad fixture exercises:\n" + "\n".join(names)


def test_every_shape_has_a_message_and_a_severity(shapes: Graph) -> None:
    for shape in declared_constraints(shapes).values():
        constraint = shapes.value(shape, SH.sparql) or shape
        assert shapes.value(constraint, SH.message), shape
        assert shapes.value(constraint, SH.severity) in {SH.Violation, SH.Warning, SH.Info}, shape


def test_the_hgnc_exact_match_pattern_is_the_builds(shapes: Graph) -> None:
    """One source of truth for the HGNC IRI: the shape's pattern is what the build writes
    (``vocab.expand`` of the HGNC xref)."""
    base = vocab.expand("HGNC:6018").removesuffix("6018")
    queries = [str(q) for q in shapes.objects(None, SH.select) if "hasDbXref" in str(q)]
    hgnc = [q for q in queries if "identifiers.org/hgnc" in q]
    assert hgnc, "no SPARQL constraint ties HGNC xrefs to exactMatch IRIs"
    for query in hgnc:
        assert query.count("identifiers.org/hgnc") == query.count(f'"{base}"')
