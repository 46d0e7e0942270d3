"""Loading a large file in parts on threads: the same quads as the whole file, or no cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import CanonicalizationAlgorithm, Dataset, NamedNode, RdfFormat
from pyoxigraph import Store as OxStore
from rdflib import OWL, BNode, Graph

from cytoowl.dataset import ONTOLOGY_GRAPH
from cytoowl.serve.store import loader, parts
from server_fixtures import FIXTURE
from tools import CHECKOUT

GRAPH = NamedNode(ONTOLOGY_GRAPH)
RELEASE = CHECKOUT.release.ttl


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of a few kilobytes, so that small files are cut, and two cores at least."""
    monkeypatch.setattr(parts, "MIN_PART_BYTES", 2_000)
    monkeypatch.setattr(parts, "cores", lambda: 2)


def _canonical(store: OxStore) -> set:
    dataset = Dataset(store.quads_for_pattern(None, None, None, GRAPH))
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _loaded(path: Path, count: int) -> tuple[set, int]:
    store = OxStore()
    used = parts.bulk_load(store, path, RdfFormat.TURTLE, GRAPH, count)
    return _canonical(store), used


def _whole(path: Path) -> set:
    store = OxStore()
    store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=GRAPH)
    return _canonical(store)


@pytest.fixture(scope="module")
def release_inline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Turtle release without the axioms that annotate a 'produced by some' class assertion
    (issue 25): their target is the restriction the cytokine is typed with, a blank node used
    twice, which Turtle writes with a label (``_:``), so the release itself is never cut."""
    graph = Graph().parse(RELEASE, format="turtle")
    for axiom in list(graph.subjects(OWL.annotatedTarget, None)):
        if isinstance(graph.value(axiom, OWL.annotatedTarget), BNode):
            graph.remove((axiom, None, None))
    path = tmp_path_factory.mktemp("release") / "cytoowl.ttl"
    graph.serialize(path, format="turtle")
    assert b"_:" not in path.read_bytes()
    return path


@pytest.mark.slow  # the real release, cut three ways
@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("count", [2, 3, 7])
def test_release_in_parts_has_the_quads_of_the_whole_file(count: int, release_inline) -> None:
    """The Turtle release (prefixes, nested blank nodes, multi-line statements)."""
    got, used = _loaded(release_inline, count)
    assert used == count
    assert got == _whole(release_inline)


@pytest.mark.slow
@pytest.mark.usefixtures("small_parts")
def test_release_with_labelled_blank_nodes_loads_whole() -> None:
    got, used = _loaded(RELEASE, 3)
    assert used == 1
    assert got == _whole(RELEASE)


HEADER = (
    "@prefix ex: <http://example.org/> .\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\n"
)


def _statements(count: int, literal: str = "a label") -> str:
    return "".join(
        f'ex:s{i} rdfs:label "{literal} {i}" ;\n    ex:p [ ex:q ex:o{i} ] .\n\n'
        for i in range(count)
    )


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.ttl"
    path.write_text(text)
    return path


@pytest.mark.usefixtures("small_parts")
def test_words_of_directives_inside_literals_do_not_stop_a_cut(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + _statements(200, "Cells. Based on a prefix of"))
    got, used = _loaded(path, 4)
    assert used == 4 and got == _whole(path)


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize(
    "later",
    [
        "@prefix ex: <http://example.org/other/> .\n",
        "PREFIX ex: <http://example.org/other/>\n",
        "ex:a ex:b ex:c . BASE <http://example.org/other/>\n",
        "base\n<http://example.org/other/>\n",
        "_:node ex:b ex:c .\n",
    ],
    ids=["@prefix", "PREFIX", "BASE after a statement", "BASE on two lines", "blank node label"],
)
def test_no_cut_where_a_part_could_parse_differently(tmp_path: Path, later: str) -> None:
    """A directive after the header, or a blank node label anywhere: loaded whole."""
    path = _file(tmp_path, HEADER + _statements(100) + later + _statements(100))
    assert parts.plan(path, 4) is None
    got, used = _loaded(path, 4)
    assert used == 1 and got == _whole(path)


def test_small_files_and_other_syntaxes_are_loaded_whole(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + _statements(100))
    assert parts.plan(path, 4) is None  # under MIN_PART_BYTES
    store = OxStore()
    owl = FIXTURE.ontology_file
    syntax = RdfFormat.RDF_XML if owl.suffix == ".owl" else RdfFormat.TURTLE
    assert parts.bulk_load(store, owl, syntax, GRAPH, 4) == 1


def _cut_inside_a_long_string(tmp_path: Path) -> Path:
    """A long string whose lines look like statements, where the cut lands."""
    inside = "".join(f"ex:s{i} ex:p ex:o .\n" for i in range(300))
    text = HEADER + _statements(50) + f'ex:t ex:note """\n{inside}""" .\n' + _statements(50)
    path = _file(tmp_path, text)
    planned = parts.plan(path, 2)
    assert planned is not None
    _, offsets = planned
    assert text.index('"""') < offsets[1] < text.rindex('"""'), offsets
    return path


@pytest.mark.usefixtures("small_parts")
def test_a_cut_inside_a_statement_fails_and_the_store_is_loaded_whole(tmp_path: Path) -> None:
    path = _cut_inside_a_long_string(tmp_path)
    with pytest.raises(parts.PartsFailed, match="did not parse"):
        parts.bulk_load(OxStore(), path, RdfFormat.TURTLE, GRAPH, 2)

    loader.load_store(_project(tmp_path, path.read_text()), tmp_path / "store")
    assert _canonical(OxStore.read_only(str(tmp_path / "store"))) == _whole(path)


def _project(tmp_path: Path, release: str):
    root = tmp_path / "root"
    (root / "ontology").mkdir(parents=True)
    (root / "ontology" / "cytoowl.ttl").write_text(release)
    return type(FIXTURE).at(root)


@pytest.mark.usefixtures("small_parts")
def test_a_syntax_error_names_its_line_in_the_whole_file(tmp_path: Path) -> None:
    """The parts fail; the whole file then fails with the file's own line number."""
    text = HEADER + _statements(100) + "ex:broken ex:p .\n" + _statements(100)
    line = text[: text.index("ex:broken")].count("\n") + 1
    with pytest.raises(SyntaxError, match=f"line {line}\\b"):
        loader.load_store(_project(tmp_path, text), tmp_path / "store")
