"""``cytoowl load`` into the embedded store's directory, and the join queries of sparql/joins/
on the release plus the CL fixture (tests/fixtures/ontologies/README.md)."""

from __future__ import annotations

import asyncio
import csv
import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store, serialize

from cytoowl import dataset, vocab
from cytoowl.publish.load import LoadError, load
from cytoowl.publish.rdffiles import InputError, rdf_file
from cytoowl.queryfiles import read_query_dir
from cytoowl.serve.protocol import choose_formats
from cytoowl.serve.store.base import QueryRequest
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.serve.store.loader import load_store
from cytoowl.settings import Settings
from server_fixtures import FIXTURE
from tools import CHECKOUT

FIXTURES = Path(__file__).parent / "fixtures" / "ontologies"
CL_TTL = FIXTURES / "cl-subset.ttl"
CL_GRAPH = "http://purl.obolibrary.org/obo/cl.owl"
OBO = vocab.OBO
T_CELL, LEUKOCYTE = OBO + "CL_0000084", OBO + "CL_0000738"


def cl_edges() -> list[dict[str, str]]:
    with (FIXTURES / "cl-subset-edges.tsv").open() as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def below(root: str) -> set[str]:
    """``root`` and every class under it, by the fixture's edge table (not by SPARQL)."""
    children: dict[str, set[str]] = {}
    for edge in cl_edges():
        children.setdefault(vocab.expand(edge["parent"]), set()).add(vocab.expand(edge["child"]))
    out, todo = set(), [root]
    while todo:
        node = todo.pop()
        if node not in out:
            out.add(node)
            todo += children.get(node, ())
    return out


def test_cl_fixture_terms_come_from_the_reference_snapshot() -> None:
    """Every class of the subset is in the reference table or an ancestor reached by an edge."""
    with (CHECKOUT.source_dir / "reference" / "external_terms.tsv").open() as handle:
        seeds = {
            r["curie"] for r in csv.DictReader(handle, delimiter="\t") if r["ontology"] == "CL"
        }
    edges = cl_edges()
    parents = {e["parent"] for e in edges}
    children = {e["child"] for e in edges}
    for curie in children | parents:
        assert curie in seeds or curie in parents, f"{curie}: neither a seed nor a parent"
    assert seeds <= children | {"CL:0000000"}, sorted(seeds - children)
    for edge in edges:
        assert edge["axiom"] in ("SubClassOf", "EquivalentClasses genus"), edge


@pytest.fixture(
    params=[pytest.param("oxigraph-cli", marks=pytest.mark.slow), "pyoxigraph"]  # slow: a CLI
)
def loader(request, monkeypatch) -> str:
    """Both loaders: Oxigraph's CLI (when installed) and pyoxigraph's bulk_load."""
    import cytoowl.publish.load as module

    if request.param == "pyoxigraph":
        monkeypatch.setattr(module, "oxigraph_cli", lambda: None)
    elif module.oxigraph_cli() is None:
        pytest.skip("the oxigraph command is not installed: only pyoxigraph's loader runs")
    return request.param


def test_load_turtle_gzip_and_rdfxml(tmp_path: Path, loader: str) -> None:
    zipped = tmp_path / "cl.ttl.gz"
    zipped.write_bytes(gzip.compress(CL_TTL.read_bytes()))
    as_xml = tmp_path / "cl.owl"
    triples = [q.triple for q in Store_of(CL_TTL).quads_for_pattern(None, None, None, None)]
    as_xml.write_bytes(serialize(triples, format=RdfFormat.RDF_XML))
    expected = len(triples)
    for name, path in (("ttl", CL_TTL), ("gz", zipped), ("xml", as_xml)):
        directory = tmp_path / name
        assert not load(directory, [rdf_file(path)], CL_GRAPH).skipped
        assert load(directory, [rdf_file(path)], CL_GRAPH).skipped, f"{name}: reloaded"
        store = Store.read_only(str(directory))
        graph = NamedNode(CL_GRAPH)
        assert sum(1 for _ in store.quads_for_pattern(None, None, None, graph)) == expected, name


def Store_of(path: Path) -> Store:
    store = Store()
    store.load(path=str(path), format=RdfFormat.TURTLE)
    return store


def test_a_broken_file_leaves_the_graph_as_it_was(tmp_path: Path, loader: str) -> None:
    directory = tmp_path / "store"
    fresh = tmp_path / "broken-new.ttl"
    fresh.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n")
    with pytest.raises(LoadError, match=r"broken-new\.ttl: .*line 2"):
        load(directory, [rdf_file(fresh)], "urn:new")  # into a new graph: nothing is left
    assert not list(Store.read_only(str(directory)).quads_for_pattern(None, None, None, None))
    load(directory, [rdf_file(CL_TTL)], CL_GRAPH)
    broken = tmp_path / "broken.ttl"
    broken.write_text(CL_TTL.read_text() + "\nobo:CL_1 rdfs:label .\n")
    with pytest.raises(LoadError) as error:
        load(directory, [rdf_file(broken)], CL_GRAPH)
    assert "broken.ttl" in str(error.value) and "line" in str(error.value)
    store = Store.read_only(str(directory))
    kept = sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(CL_GRAPH)))
    assert kept == len(list(Store_of(CL_TTL)))


def test_a_foreign_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(LoadError, match="not created by cytoowl"):
        load(tmp_path, [rdf_file(CL_TTL)], CL_GRAPH)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_unknown_and_missing_files_are_named(tmp_path: Path) -> None:
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n")
    with pytest.raises(InputError, match=r"data\.csv: unknown RDF file type"):
        rdf_file(odd)
    with pytest.raises(InputError, match=r"nope\.ttl: no such file"):
        rdf_file(tmp_path / "nope.ttl")


def test_served_directory_keeps_loaded_graphs_and_joins(tmp_path: Path) -> None:
    """Load CL, then serve the same directory: the release is added, CL stays, joins work."""
    directory = tmp_path / "store"
    load(directory, [rdf_file(CL_TTL)], CL_GRAPH)
    load_store(FIXTURE, directory)
    load_store(FIXTURE, directory)  # a restart: same fingerprint, nothing reloaded or dropped
    store = Store.read_only(str(directory))
    graphs = {g.value for g in store.named_graphs()}
    assert {CL_GRAPH, *dataset.GRAPHS} <= graphs

    async def scenario() -> int:
        served = EmbeddedStore(Settings(store_dir=str(directory), workers=1), FIXTURE)
        await served.start()
        try:
            rows = await served.select(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c <{vocab.RDFS}subClassOf>+ <{LEUKOCYTE}> }}"
            )
            return int(rows[0]["n"].value)
        finally:
            await served.close()

    assert asyncio.run(scenario()) == len(below(LEUKOCYTE)) - 1


def join_rows(store: Store, name: str) -> list[dict[str, str]]:
    (query,) = [q for q in read_query_dir(CHECKOUT.joins_dir) if q.slug == name]
    results = store.query(query.text, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in results]


@pytest.fixture(scope="module")
def joined(release_sources) -> Store:
    store = Store()
    store.load(path=str(release_sources.ontology_file), format=RdfFormat.TURTLE,
               to_graph=NamedNode(dataset.ONTOLOGY_GRAPH))  # fmt: skip
    store.load(path=str(CL_TTL), format=RdfFormat.TURTLE, to_graph=NamedNode(CL_GRAPH))
    return store


def produced_by(store: Store) -> set[tuple[str, str]]:
    """(cytokine, cell) pairs of the release's produced-by assertions on cytokines."""
    query = f"""SELECT ?c ?cell WHERE {{ ?c a ?r ;
      a/<{vocab.RDFS}subClassOf>* <{vocab.TERM_PREFIX}0000001> .
      ?r <{vocab.OWL}onProperty> <{OBO}RO_0003001> ; <{vocab.OWL}someValuesFrom> ?cell }}"""
    rows = store.query(query, use_default_graph_as_union=True)
    return {(r["c"].value, r["cell"].value) for r in rows}  # type: ignore[index]


def test_cytokines_of_some_kind_of_t_cell(joined: Store) -> None:
    rows = join_rows(joined, "t_cell_cytokines")
    expected = {pair for pair in produced_by(joined) if pair[1] in below(T_CELL)}
    assert {(r["cytokine"], r["cell"]) for r in rows} == expected
    assert {r["cell"] for r in rows} >= {OBO + "CL_0000545", OBO + "CL_0000899"}  # Th1, Th17
    assert len(rows) == len(expected), "one row per cytokine and cell"


def test_cells_under_leukocyte(joined: Store) -> None:
    rows = join_rows(joined, "cells_under_leukocyte")
    pairs = produced_by(joined)
    expected = {
        cell: len({c for c, x in pairs if x == cell})
        for cell in below(LEUKOCYTE) - {LEUKOCYTE}
        if any(x == cell for _, x in pairs)
    }
    assert {r["cell"]: int(r["cytokines"]) for r in rows} == expected
    assert OBO + "CL_0000066" not in expected  # epithelial cell is no leukocyte


def test_joins_see_more_with_cl_than_on_the_release_alone(joined: Store, release_sources) -> None:
    """The release carries at most a reduced CL hierarchy among its own CL terms; with CL
    loaded beside it the joins find every answer the release alone finds, and the fixture's."""
    alone = Store()
    alone.load(path=str(release_sources.ontology_file), format=RdfFormat.TURTLE)
    for name in ("t_cell_cytokines", "cells_under_leukocyte"):
        cells = {r["cell"] for r in join_rows(alone, name)}
        assert cells <= {r["cell"] for r in join_rows(joined, name)}, name


@pytest.mark.slow
def test_cli_load_then_serve_directory(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    command = [sys.executable, "-m", "cytoowl.cli", "load", "--data-dir", str(directory)]
    first = subprocess.run([*command, "--graph", CL_GRAPH, str(CL_TTL)], env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "loaded" in first.stderr and CL_GRAPH in first.stderr
    second = subprocess.run([*command, "--graph", CL_GRAPH, str(CL_TTL)], env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "already loaded" in second.stderr
    bad = subprocess.run([*command, str(tmp_path / "missing.ttl")], env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert bad.returncode == 1 and "missing.ttl: no such file" in bad.stderr

    async def count() -> bool:
        served = EmbeddedStore(Settings(store_dir=str(directory), workers=1), FIXTURE)
        await served.start()
        try:
            formats = choose_formats("application/sparql-results+json")
            answer = await served.query(
                QueryRequest(f"ASK {{ GRAPH <{CL_GRAPH}> {{ ?s ?p ?o }} }}", formats)
            )
            return b"true" in answer.body
        finally:
            await served.close()

    assert asyncio.run(count())
