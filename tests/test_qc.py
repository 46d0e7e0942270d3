"""Each QC check catches its bad fixture, and the release passes every ERROR check."""

from __future__ import annotations

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from cytoowl.build import qc
from cytoowl.cli import app
from tools import CHECKOUT

PREFIXES = """
@prefix CYTO: <https://w3id.org/cytoowl/CYTO_> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
ONTO = "https://w3id.org/cytoowl/cytoowl.owl"
OLD = "https://w3id.org/cytoowl/CYTO_9999990"

BAD = "https://w3id.org/cytoowl/CYTO_9999999"

# check name -> (Turtle that violates it, entity the finding must name)
FIXTURES: dict[str, tuple[str, str]] = {
    "missing_label": ("CYTO:9999999 a owl:Class .", BAD),
    "duplicate_label": ('CYTO:9999999 rdfs:label "x"@en . CYTO:9999998 rdfs:label "X"@en .', BAD),
    "multiple_labels": ('CYTO:9999999 rdfs:label "a"@en, "b"@en .', BAD),
    "missing_definition": ('CYTO:9999999 a owl:NamedIndividual ; rdfs:label "a"@en .', BAD),
    "multiple_definitions": ('CYTO:9999999 obo:IAO_0000115 "a"@en, "b"@en .', BAD),
    "invalid_xref": ('CYTO:9999999 oboInOwl:hasDbXref "HGNC:12a" .', BAD),
    "ontology_metadata": (
        "<https://w3id.org/cytoowl/cytoowl.owl> a owl:Ontology .",
        "https://w3id.org/cytoowl/cytoowl.owl",
    ),
    "deprecated_reference": (
        "CYTO:9999999 a owl:Class ; rdfs:subClassOf obo:GO_0005615 . "
        'obo:GO_0005615 rdfs:label "obsolete extracellular space"@en .',
        BAD,
    ),
    "untyped_entity": ('CYTO:9999999 rdfs:label "never declared"@en .', BAD),
    # issue 25: a cell class punned as an individual of itself
    "class_instance_of_itself": ("CYTO:9999999 a owl:Class , CYTO:9999999 .", BAD),
    "definition_restates_type": (
        'CYTO:9999990 rdfs:label "interleukin"@en . '
        'CYTO:9999999 a CYTO:9999990 ; obo:IAO_0000115 "An interleukin (IL-99)."@en . '
        "CYTO:9999998 a CYTO:9999990 ; obo:IAO_0000115 "
        '"The human gene product of IL99 (HGNC:1), classified as: interleukin."@en .',
        BAD,
    ),
    "label_whitespace": ('CYTO:9999999 rdfs:label " padded  label"@en .', BAD),
    "missing_synonym": ('CYTO:9999999 a owl:Class ; rdfs:label "lonely"@en .', BAD),
    # ROBOT's default report profile (docs/qc.md)
    "annotation_whitespace": (
        'CYTO:9999999 obo:IAO_0000115 "trailing " . obo:IAO_0000115 a owl:AnnotationProperty .',
        BAD,
    ),
    "deprecated_boolean_datatype": ('CYTO:9999999 owl:deprecated "true" .', BAD),
    "deprecated_class_reference": (
        "CYTO:9999990 a owl:Class ; owl:deprecated true . "
        "CYTO:9999999 a owl:Class ; rdfs:subClassOf CYTO:9999990 .",
        BAD,
    ),
    "deprecated_property_reference": (
        "CYTO:9999990 a owl:ObjectProperty ; owl:deprecated true . "
        "CYTO:9999999 CYTO:9999990 CYTO:9999998 .",
        BAD,
    ),
    "duplicate_definition": (
        'CYTO:9999999 obo:IAO_0000115 "Same."@en . CYTO:9999998 obo:IAO_0000115 "same."@en .',
        BAD,
    ),
    "duplicate_exact_synonym": (
        'CYTO:9999999 oboInOwl:hasExactSynonym "IL-X" . '
        'CYTO:9999998 oboInOwl:hasExactSynonym "il-x" .',
        BAD,
    ),
    "duplicate_label_synonym": (
        'CYTO:9999999 rdfs:label "x"@en ; oboInOwl:hasExactSynonym "x"@en .',
        BAD,
    ),
    "duplicate_scoped_synonym": (
        'CYTO:9999999 oboInOwl:hasExactSynonym "x" ; oboInOwl:hasRelatedSynonym "x" .',
        BAD,
    ),
    "equivalent_pair": ("CYTO:9999999 owl:equivalentClass CYTO:9999998 .", BAD),
    "label_formatting": ('CYTO:9999999 rdfs:label "two\\nlines"@en .', BAD),
    "lowercase_definition": ('CYTO:9999999 obo:IAO_0000115 "a lower-case start."@en .', BAD),
    "missing_obsolete_label": ('CYTO:9999999 owl:deprecated true ; rdfs:label "x"@en .', BAD),
    "misused_obsolete_label": ('CYTO:9999999 rdfs:label "obsolete x"@en .', BAD),
    "missing_ontology_title": (f"<{ONTO}> a owl:Ontology .", ONTO),
    "missing_ontology_license": (f"<{ONTO}> a owl:Ontology .", ONTO),
    "missing_ontology_description": (f"<{ONTO}> a owl:Ontology .", ONTO),
    "missing_superclass": ('CYTO:9999999 a owl:Class ; rdfs:label "orphan"@en .', BAD),
    "multiple_equivalent_classes": (
        "CYTO:9999999 owl:equivalentClass [ owl:unionOf ( CYTO:1 CYTO:2 ) ] , "
        "[ owl:unionOf ( CYTO:3 CYTO:4 ) ] .",
        BAD,
    ),
}
#: The 25 checks of ROBOT's default report profile (ontodev/robot report_profile.txt).
ROBOT_PROFILE = {
    "annotation_whitespace": "WARN", "deprecated_boolean_datatype": "ERROR",
    "deprecated_class_reference": "ERROR", "deprecated_property_reference": "ERROR",
    "duplicate_definition": "ERROR", "duplicate_exact_synonym": "WARN",
    "duplicate_label_synonym": "WARN", "duplicate_label": "ERROR",
    "duplicate_scoped_synonym": "WARN", "equivalent_pair": "WARN", "invalid_xref": "WARN",
    "label_formatting": "ERROR", "label_whitespace": "ERROR", "lowercase_definition": "INFO",
    "missing_definition": "WARN", "missing_label": "ERROR", "missing_obsolete_label": "WARN",
    "missing_ontology_description": "ERROR", "missing_ontology_license": "ERROR",
    "missing_ontology_title": "ERROR", "missing_superclass": "INFO",
    "misused_obsolete_label": "ERROR", "multiple_definitions": "ERROR",
    "multiple_equivalent_classes": "ERROR", "multiple_labels": "ERROR",
}  # fmt: skip
SEVERITY = {"INFO": 0, "WARN": 1, "ERROR": 2}


@pytest.fixture(scope="module")
def checks() -> dict[str, qc.Check]:
    return {check.name: check for check in qc.load_checks()}


def test_every_check_has_a_fixture(checks: dict[str, qc.Check]) -> None:
    assert sorted(checks) == sorted(FIXTURES)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_check_catches_its_bad_fixture(name: str, checks: dict[str, qc.Check]) -> None:
    turtle, entity = FIXTURES[name]
    graph = Graph().parse(data=PREFIXES + turtle, format="turtle")
    findings = qc.run_checks(qc.to_store(graph), [checks[name]])
    assert entity in {f.entity for f in findings}


def test_a_definition_with_differentiae_is_not_a_restated_type(
    checks: dict[str, qc.Check],
) -> None:
    turtle = (
        'CYTO:9999990 rdfs:label "interleukin"@en . CYTO:9999999 a CYTO:9999990 ; '
        'obo:IAO_0000115 "An interleukin that signals through the IL-99 receptor complex; '
        'product of the human gene IL99 (HGNC:1)."@en .'
    )
    graph = Graph().parse(data=PREFIXES + turtle, format="turtle")
    found = qc.run_checks(qc.to_store(graph), [checks["definition_restates_type"]])
    assert found == []
    graph.parse(
        data=PREFIXES + "CYTO:9999998 a CYTO:9999990 ; obo:IAO_0000115 "
        '"The human gene product of IL99 (HGNC:1), classified as: interleukin."@en .',
        format="turtle",
    )
    found = qc.run_checks(qc.to_store(graph), [checks["definition_restates_type"]])
    assert {f.entity for f in found} == {"https://w3id.org/cytoowl/CYTO_9999998"}


def test_every_robot_profile_check_at_least_as_severe(checks: dict[str, qc.Check]) -> None:
    assert len(ROBOT_PROFILE) == 25
    for name, level in ROBOT_PROFILE.items():
        assert name in checks, name
        assert SEVERITY[checks[name].level] >= SEVERITY[level], name


@pytest.mark.slow  # fixed facts of the release; the CLI
def test_release_passes_every_error_check(release_graph: Graph) -> None:
    findings = qc.run_qc(release_graph)
    assert [f for f in findings if f.check.level == "ERROR"] == []
    # A name a receptor chain and its complex share ("IL-6R") is a related synonym of both
    # (issue 25): no exact synonym is ambiguous, and no warning is left.
    assert [f for f in findings if f.check.level == "WARN"] == []


def test_qc_tsv_has_robot_report_columns(tmp_path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + FIXTURES["missing_label"][0])
    result = CliRunner().invoke(app, ["qc", str(bad), "--format", "tsv"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Level\tRule Name\tSubject\tProperty\tValue"
    assert "ERROR\tmissing_label\tCYTO:9999999\trdfs:label\t" in lines


def test_qc_fails_on_a_term_that_disappeared(tmp_path) -> None:
    old = tmp_path / "old.ttl"
    old.write_text(PREFIXES + 'CYTO:9999990 a owl:Class ; rdfs:label "kept"@en .')
    new = tmp_path / "new.ttl"
    new.write_text(PREFIXES + 'CYTO:9999999 a owl:Class ; rdfs:label "other"@en .')
    result = CliRunner().invoke(app, ["qc", str(new), "--previous", str(old), "--format", "tsv"])
    assert result.exit_code == 1
    assert "ERROR\tdisappeared_term\tCYTO:9999990\trdf:type\t" in result.stdout.splitlines()


def test_levels_are_declared(checks: dict[str, qc.Check]) -> None:
    assert {c.level for c in checks.values()} <= set(qc.LEVELS)
    assert {c.level for c in checks.values()} == {"ERROR", "WARN", "INFO"}


@pytest.mark.slow  # fixed facts of the release; the CLI
def test_cli_qc_exit_codes(tmp_path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["qc", str(CHECKOUT.release.ttl)])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + FIXTURES["missing_label"][0])
    failed = runner.invoke(app, ["qc", str(bad)])
    assert failed.exit_code == 1
    assert "missing label" in failed.output
