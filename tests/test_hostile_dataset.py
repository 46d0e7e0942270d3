"""Hostile input, issue 27: a query means what it says. The embedded store honours the
query's own dataset (``FROM``, ``FROM NAMED``); with a remote store, protocol graph
parameters cannot widen the dataset beyond the served graphs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from cytoowl.dataset import ONTOLOGY_GRAPH, SHAPES_GRAPH
from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import choose_formats
from cytoowl.serve.protocol.lexer import has_dataset_clause
from cytoowl.serve.store.base import QueryRequest
from cytoowl.serve.store.remote import RemoteStore
from cytoowl.settings import Settings
from server_fixtures import app_client

JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with app_client() as made:
        yield made


def count(client: TestClient, query: str) -> int:
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": JSON})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_from_an_absent_graph_counts_nothing(client: TestClient) -> None:
    assert count(client, COUNT.format(dataset="")) > 0
    assert count(client, COUNT.format(dataset="FROM <http://nonexistent/>")) == 0


def test_from_a_graph_counts_that_graph_only(client: TestClient) -> None:
    shapes = count(client, COUNT.format(dataset=f"FROM <{SHAPES_GRAPH}>"))
    ontology = count(client, COUNT.format(dataset=f"from <{ONTOLOGY_GRAPH}>"))
    both = count(client, COUNT.format(dataset=f"FROM <{SHAPES_GRAPH}> FROM <{ONTOLOGY_GRAPH}>"))
    assert 0 < shapes < ontology and both == shapes + ontology


def test_from_named_alone_leaves_the_default_graph_empty(client: TestClient) -> None:
    assert count(client, COUNT.format(dataset=f"FROM NAMED <{SHAPES_GRAPH}>")) == 0
    query = f"SELECT DISTINCT ?g FROM NAMED <{SHAPES_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": JSON})
    graphs = [row["g"]["value"] for row in answer.json()["results"]["bindings"]]
    assert graphs == [SHAPES_GRAPH]


def test_protocol_graphs_still_win_over_from(client: TestClient) -> None:
    """SPARQL 1.1 Protocol 2.1.4: default-graph-uri replaces the query's FROM."""
    query = COUNT.format(dataset="FROM <http://nonexistent/>")
    answer = client.post(
        "/sparql",
        data={"query": query, "default-graph-uri": SHAPES_GRAPH},
        headers={"Accept": JSON},
    )
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 0


@pytest.mark.parametrize(
    "query, found",
    [
        ("SELECT * FROM <g> WHERE {}", True),
        ("select * from named <g> {}", True),
        ("SELECT * WHERE { ?from ?p 'FROM <x>' } # FROM <y>", False),
        ("PREFIX from: <http://x/> SELECT * { from:a ?p ?o }", False),
        ("SELECT * { <http://x/FROM> ?p ?o }", False),
    ],
)
def test_dataset_clause_is_found_outside_strings_iris_and_comments(query: str, found: bool) -> None:
    assert has_dataset_clause(query) is found


def remote_store(seen: list[httpx.Request]) -> RemoteStore:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = b'{"head": {}, "boolean": true}'
        return httpx.Response(200, content=body, headers={"Content-Type": JSON})

    store = RemoteStore(Settings(store_url="http://h/query"), "http://h/query")
    store._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return store


@pytest.mark.parametrize("field", ["default_graphs", "named_graphs"])
def test_remote_protocol_graphs_cannot_widen_the_dataset(field: str) -> None:
    seen: list[httpx.Request] = []
    store = remote_store(seen)
    request = QueryRequest(
        "ASK { ?s ?p ?o }", choose_formats(JSON), **{field: ("urn:virtuoso:system",)}
    )
    with pytest.raises(ServeError) as refused:
        asyncio.run(store.query(request))
    assert refused.value.status == 403 and "urn:virtuoso:system" in refused.value.message
    assert seen == []


def test_remote_protocol_graphs_among_the_served_ones_are_sent() -> None:
    seen: list[httpx.Request] = []
    store = remote_store(seen)
    request = QueryRequest("ASK { ?s ?p ?o }", choose_formats(JSON), (SHAPES_GRAPH,))
    asyncio.run(store.query(request))
    body = seen[0].content.decode()
    assert "default-graph-uri=https%3A%2F%2Fw3id.org%2Fcytoowl%2Fshapes" in body
    assert "cytoowl.owl" not in body.split("named-graph-uri")[0]
