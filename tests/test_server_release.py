"""The server on the real release (skipped until ``cytoowl build`` has produced it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import (
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
)

from cq_helpers import IRI
from cytoowl import dataset, vocab
from cytoowl.dataset import Sources
from server_fixtures import app_client
from tools import CHECKOUT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(release_sources: Sources) -> Iterator[TestClient]:
    with app_client(release_sources, query_timeout_s=30, row_limit=10_000) as c:
        yield c


def _cell(term: object) -> str:
    """A term as text; a literal's words sorted (GROUP_CONCAT's order is unspecified)."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return " ".join(sorted(term.value.split())) + f"^^{term.datatype}@{term.language}"
    return str(term)


def _engine_answer(store: Store, query: str) -> object:
    """The answer pyoxigraph itself gives on the release, in a comparable form."""
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, QueryBoolean):
        return bool(result)
    if isinstance(result, QuerySolutions):
        names = [v.value for v in result.variables]
        return sorted(tuple(_cell(row[n]) for n in names) for row in result)
    return sorted(str(t) for t in result)


def _served_answer(response) -> object:
    media = response.headers["content-type"].split(";")[0]
    if media == "text/turtle":
        return sorted(str(t) for t in parse(response.content, RdfFormat.TURTLE))
    results = parse_query_results(response.content, QueryResultsFormat.JSON)
    if isinstance(results, QueryBoolean):
        return bool(results)
    names = [v.value for v in results.variables]
    return sorted(tuple(_cell(row[n]) for n in names) for row in results)


@pytest.fixture(scope="module")
def engine(release_sources: Sources) -> Store:
    """The release, shapes and examples in an in-memory store, outside the server."""
    store = Store()
    store.bulk_load(
        path=str(release_sources.ontology_file),
        format=dataset.rdf_format(release_sources.ontology_file),
        to_graph=NamedNode(dataset.ONTOLOGY_GRAPH),
    )
    for shapes in release_sources.shape_files():
        store.bulk_load(
            path=str(shapes), format=RdfFormat.TURTLE, to_graph=NamedNode(dataset.SHAPES_GRAPH)
        )
    store.extend(list(dataset.example_quads(release_sources.examples())))
    return store


def test_every_competency_question_answers_as_the_engine_does(
    client: TestClient,
    release_sources: Sources,
    engine: Store,
) -> None:
    examples = release_sources.examples()
    assert examples, "no competency questions found"
    for example in examples:
        accept = "application/sparql-results+json,text/turtle"
        response = client.post("/sparql", data={"query": example.query}, headers={"Accept": accept})
        assert response.status_code == 200, (example.slug, response.text)
        assert response.headers.get("x-sparql-truncated") != "true", example.slug
        expected = _engine_answer(engine, example.query)
        assert _served_answer(response) == expected, example.slug


def test_a_release_term_dereferences(client: TestClient) -> None:
    query = (
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"SELECT ?c ?label WHERE {{ ?c a owl:Class ; rdfs:label ?label "
        f'FILTER STRSTARTS(STR(?c), "{vocab.TERM_PREFIX}") }} ORDER BY ?c LIMIT 1'
    )
    [row] = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    path = "/" + row["c"]["value"].removeprefix(vocab.BASE_IRI)
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and row["label"]["value"] in page.text
    triples = list(parse(client.get(path, params={"format": "ttl"}).content, RdfFormat.TURTLE))
    assert any(t.object.value == row["label"]["value"] for t in triples)


def test_every_release_file_is_downloadable(client: TestClient) -> None:
    media = {
        ".owl": "application/rdf+xml",
        ".ttl": "text/turtle",
        ".jsonld": "application/ld+json",
        ".tsv": "text/tab-separated-values",
        ".obo": "text/obo",
        ".json": "application/json",
        ".md": "text/markdown",
        ".html": "text/html",
    }
    names = {p.relative_to(CHECKOUT.release.directory).as_posix() for p in CHECKOUT.release.all()}
    assert {"cytoowl.obo", "cytoowl.json", "release-notes.md", "docs/index.html"} <= names
    for path in CHECKOUT.release.all():
        if not path.exists():
            continue
        name = path.relative_to(CHECKOUT.release.directory).as_posix()
        response = client.get(f"/downloads/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].split(";")[0] == media[path.suffix]
        assert response.content == path.read_bytes()
        again = client.get(
            f"/downloads/{name}", headers={"If-None-Match": response.headers["etag"]}
        )
        assert again.status_code == 304
    if CHECKOUT.release.owl.exists():  # the ontology IRI dereferences to the RDF/XML release
        assert client.get("/cytoowl.owl").headers["content-type"].startswith("application/rdf+xml")


def test_landing_counts_the_release(client: TestClient, engine: Store) -> None:
    def count(where: str, what: str = "DISTINCT ?x") -> int:
        query = f"SELECT (COUNT({what}) AS ?n) WHERE {{ {where} }}"
        [row] = engine.query(query, use_default_graph_as_union=True)
        return int(row["n"].value)

    owl = "http://www.w3.org/2002/07/owl#"
    expected = {
        "Classes": count(f"?x a <{owl}Class> FILTER(isIRI(?x))"),
        "Individuals": count(f"?x a <{owl}NamedIndividual>"),
        "Object properties": count(f"?x a <{owl}ObjectProperty>"),
        "Triples (all graphs)": count("?s ?p ?o", "*"),
    }
    page = client.get("/")
    assert page.status_code == 200
    for label, number in expected.items():
        assert number > 0, label
        assert f"<tr><th>{label}</th><td>{number}</td></tr>" in page.text, (label, number)


def test_docs_serves_the_reference_and_every_term_page_links_it(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert docs.content == CHECKOUT.release.docs.read_bytes()
    assert "common gamma chain cytokine" in docs.text
    page = client.get("/CYTO_0001117", headers={"Accept": "text/html"})
    assert 'id="reference-docs" href="/docs"' in page.text


def test_a_term_page_shows_the_evidence_of_each_interaction(client: TestClient) -> None:
    """Issue 22: beside each interaction, its ECO class (labelled), tier, note and sources."""
    path = "/" + IRI["CCL7"].removeprefix(vocab.BASE_IRI)
    page = client.get(path, headers={"Accept": "text/html"}).text
    row = next(
        r
        for r in page.split("<tr>")
        if "is antagonist of" in r and "C-C motif chemokine receptor 5" in r
    )
    assert "physical interaction evidence used in manual assertion" in row  # ECO:0000353
    assert "confidence tier: experimental" in row
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/10477718"' in row
    # The implied 'binds receptor' to the same receptor is not listed a second time.
    assert sum("C-C motif chemokine receptor 5" in r for r in page.split("<tr>")) == 1
