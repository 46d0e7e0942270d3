"""SHACL shapes of the biology module (shapes/biology.ttl): a good fixture and the bad ones.

The good fixture adds every biology assertion kind, complete and sourced, to the conforming
instance fixture; each bad fixture (``fixtures/shacl/bad/instances/biology-*.ru``, whose exact
results ``test_shapes.py`` checks) must give a Violation from a biology shape. The release
itself conforms, and the biology shapes have focus nodes in it (they do not pass vacuously).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from cytoowl.validate import engine as shacl_engine
from cytoowl.validate.report import Outcome
from cytoowl.validate.shacl import data_of_graph, release_data, validate
from shacl_helpers import FIXTURES, fixture_graph
from tools import CHECKOUT

BAD = sorted((FIXTURES / "shacl" / "bad" / "instances").glob("biology-*.ru"))
# Bad fixture -> the start of the message of the biology shape it must trigger.
EXPECTED_MESSAGE = {
    "biology-coreceptor-not-chemokine-receptor": "An HIV-1 co-receptor (CYTO:0000062) must be",
    "biology-primary-receptor-chemokine-receptor": "The HIV-1 primary receptor (CD4) is not",
    "biology-inconclusive-not-disease": "'has inconclusive evidence for a role in'",
    "biology-cross-regulation-not-functional-class": "'tends to inhibit the effects of'",
    "biology-statement-no-source": "Statement without its source",
}


def validate_fixture(updates: list[Path], tbox_graph: Graph) -> Outcome:
    """The instance fixture with the TBox: an ontology, validated as it stands."""
    return validate(data_of_graph(fixture_graph("instances", updates, tbox_graph)))


def test_good_biology_fixture_conforms_without_any_result(tbox_graph: Graph) -> None:
    outcome = validate_fixture([FIXTURES / "shapes_biology" / "good.ru"], tbox_graph)
    assert outcome.results == [], outcome.text()


@pytest.mark.parametrize("fixture", BAD, ids=lambda p: p.stem)
def test_bad_biology_fixture_is_a_violation(fixture: Path, tbox_graph: Graph) -> None:
    outcome = validate_fixture([fixture], tbox_graph)
    assert not outcome.conforms, f"{fixture.name} passed the shapes"
    expected = EXPECTED_MESSAGE[fixture.stem]
    assert any(r.message.startswith(expected) for r in outcome.violations), outcome.text()


def test_every_biology_shape_has_a_bad_fixture() -> None:
    assert {p.stem for p in BAD} == set(EXPECTED_MESSAGE)


def test_release_conforms_and_biology_shapes_have_focus_nodes(
    release_graph: Graph, tmp_path: Path
) -> None:
    (tmp_path / "biology.ttl").write_bytes((CHECKOUT.shapes_dir / "biology.ttl").read_bytes())
    report = shacl_engine.run([release_data().ntriples], shacl_engine.compiled_shapes(tmp_path))
    assert b"ValidationResult" not in report, report.decode()
    ask = """
        PREFIX CYTO: <https://w3id.org/cytoowl/CYTO_>
        ASK { ?coreceptor a CYTO:0000062 . ?primary a CYTO:0000061 .
              ?c1 CYTO:0000110 ?d1 . ?c2 CYTO:0000111 ?d2 . ?c3 CYTO:0000112 ?d3 .
              ?c4 CYTO:0000113 ?note . }"""
    assert release_graph.query(ask).askAnswer
