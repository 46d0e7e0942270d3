"""Each QC check catches its bad fixture, and the release passes every ERROR check."""

from __future__ import annotations

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from cytoowl import paths
from cytoowl.build import qc
from cytoowl.cli import app

PREFIXES = """
@prefix CYTO: <https://w3id.org/cytoowl/CYTO_> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""
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
    "label_whitespace": ('CYTO:9999999 rdfs:label " padded  label"@en .', BAD),
    "missing_synonym": ('CYTO:9999999 a owl:Class ; rdfs:label "lonely"@en .', BAD),
}


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


def test_release_passes_every_error_check(release_graph: Graph) -> None:
    findings = qc.run_qc(release_graph)
    assert [f for f in findings if f.check.level != "INFO"] == []


def test_levels_are_declared(checks: dict[str, qc.Check]) -> None:
    assert {c.level for c in checks.values()} <= set(qc.LEVELS)
    assert {c.level for c in checks.values()} == {"ERROR", "WARN", "INFO"}


def test_cli_qc_exit_codes(tmp_path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["qc", str(paths.RELEASE.ttl)])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + FIXTURES["missing_label"][0])
    failed = runner.invoke(app, ["qc", str(bad)])
    assert failed.exit_code == 1
    assert "missing label" in failed.output
