"""The W3C SPARQL 1.1 Protocol and Service Description test suites, as cases of our own.

Written from the test descriptions of w3c/rdf-tests (no code copied):
``sparql/sparql11/protocol/manifest.ttl`` at commit 645032e4b7aee6b0f9218cce7836207603ec0175
and ``sparql/sparql11/service-description/manifest.jsonld`` at commit
76180ae45f702cc8265c13890f430660d781c995. The suite's dataset tests use graphs on kasei.us;
here the same requests use the endpoint's own graphs (the release and the shapes). The
``update_*`` tests need a writable store: this endpoint is read-only by design, so every
update must be refused with a 4xx, which is what their ``bad_update_*`` siblings check.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode, RdfFormat, parse

from cytoowl.dataset import ONTOLOGY_GRAPH, SHAPES_GRAPH
from server_fixtures import IL2

RESULTS = ("application/sparql-results+xml", "application/sparql-results+json")
SELECT_TYPES = (*RESULTS, "text/tab-separated-values", "text/csv")
GRAPH_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json")
SH_NODE_SHAPE = "http://www.w3.org/ns/shacl#NodeShape"
SD = "http://www.w3.org/ns/sparql-service-description#"
IN_ONTOLOGY = f"<{IL2}> ?p ?o"  # only in the release graph
IN_SHAPES = f"?shape a <{SH_NODE_SHAPE}>"  # only in the shapes graph


@pytest.fixture(scope="module")
def client(fixture_client: TestClient) -> TestClient:
    return fixture_client  # shared with the other modules that only read


def media(response) -> str:
    return response.headers["content-type"].split(";")[0]


def boolean(response) -> bool:
    assert response.status_code // 100 in (2, 3), response.text
    assert media(response) in RESULTS
    if media(response).endswith("json"):
        return response.json()["boolean"]
    return b"<boolean>true</boolean>" in response.content


def q(text: str) -> str:
    return quote(text, safe="")


# --- protocol: queries ------------------------------------------------------------------


def test_query_post_form(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content="query=ASK%20%7B%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert boolean(response) is True


def test_query_get(client: TestClient) -> None:
    assert boolean(client.get("/sparql?query=ASK%20%7B%7D")) is True


def test_query_post_direct(client: TestClient) -> None:
    response = client.post(
        "/sparql", content="ASK {}", headers={"Content-Type": "application/sparql-query"}
    )
    assert boolean(response) is True


def test_query_dataset_default_graphs_get(client: TestClient) -> None:
    query = f"ASK {{ {IN_ONTOLOGY} . {IN_SHAPES} }}"
    both = f"default-graph-uri={q(ONTOLOGY_GRAPH)}&default-graph-uri={q(SHAPES_GRAPH)}"
    assert boolean(client.get(f"/sparql?query={q(query)}&{both}")) is True
    one = f"default-graph-uri={q(ONTOLOGY_GRAPH)}"
    assert boolean(client.get(f"/sparql?query={q(query)}&{one}")) is False


def test_query_dataset_default_graphs_post(client: TestClient) -> None:
    query = f"ASK {{ {IN_ONTOLOGY} . {IN_SHAPES} }}"
    both = f"default-graph-uri={q(ONTOLOGY_GRAPH)}&default-graph-uri={q(SHAPES_GRAPH)}"
    response = client.post(
        f"/sparql?{both}", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert boolean(response) is True


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_dataset_named_graphs(client: TestClient, method: str) -> None:
    query = f"ASK {{ GRAPH ?g {{ {IN_ONTOLOGY} }} GRAPH ?h {{ {IN_SHAPES} }} }}"
    named = f"named-graph-uri={q(ONTOLOGY_GRAPH)}&named-graph-uri={q(SHAPES_GRAPH)}"
    if method == "GET":
        response = client.get(f"/sparql?{named}&query={q(query)}")
    else:
        response = client.post(
            f"/sparql?{named}", content=query, headers={"Content-Type": "application/sparql-query"}
        )
    assert boolean(response) is True
    only = f"named-graph-uri={q(ONTOLOGY_GRAPH)}"
    assert boolean(client.get(f"/sparql?{only}&query={q(query)}")) is False


def test_query_dataset_full(client: TestClient) -> None:
    query = "SELECT ?g ?x ?s { ?x ?y ?o  GRAPH ?g { ?s ?p ?o } }"
    params = f"default-graph-uri={q(SHAPES_GRAPH)}&named-graph-uri={q(ONTOLOGY_GRAPH)}"
    response = client.post(
        f"/sparql?{params}",
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": RESULTS[1]},
    )
    assert response.status_code == 200 and media(response) in RESULTS
    graphs = {b["g"]["value"] for b in response.json()["results"]["bindings"]}
    assert graphs <= {ONTOLOGY_GRAPH}  # only the protocol's named graph can bind ?g


def test_query_multiple_dataset_protocol_wins(client: TestClient) -> None:
    query = f"ASK FROM <{ONTOLOGY_GRAPH}> {{ {IN_ONTOLOGY} }}"
    response = client.post(
        f"/sparql?default-graph-uri={q(SHAPES_GRAPH)}",
        content=query,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert boolean(response) is False


@pytest.mark.parametrize(
    ("query", "allowed"),
    [
        ("SELECT (1 AS ?value) {}", SELECT_TYPES),
        ("ASK {}", RESULTS),
        ("DESCRIBE <http://example.org/>", GRAPH_TYPES),
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", GRAPH_TYPES),
    ],
    ids=["select", "ask", "describe", "construct"],
)
def test_query_content_type(client: TestClient, query: str, allowed: tuple[str, ...]) -> None:
    response = client.post(
        "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200, response.text
    assert media(response) in allowed


def test_construct_template_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    [triple] = list(parse(response.content, RdfFormat.N_TRIPLES))
    assert triple.subject == NamedNode("http://testserver/s")
    assert triple.predicate == NamedNode("http://testserver/p")


# --- protocol: bad requests -------------------------------------------------------------

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BAD = [
    ("bad_query_method", "PUT", "/sparql?query=ASK%20%7B%7D", None, {}),
    (
        "bad_multiple_queries",
        "GET",
        "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
        None,
        {},
    ),
    ("bad_query_wrong_media_type", "POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}),
    ("bad_query_missing_form_type", "POST", "/sparql", b"query=ASK%20%7B%7D", {}),
    ("bad_query_missing_direct_type", "POST", "/sparql", b"ASK {}", {}),
    (
        "bad_query_non_utf8",
        "POST",
        "/sparql",
        "ASK {}".encode("utf-16"),
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
    ),
    ("bad_query_syntax", "GET", "/sparql?query=ASK%20%7B", None, {}),
    ("bad_update_get", "GET", "/sparql?update=CLEAR%20ALL", None, {}),
    (
        "bad_multiple_updates",
        "POST",
        "/sparql",
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        FORM,
    ),
    (
        "bad_update_wrong_media_type",
        "POST",
        "/sparql",
        b"CLEAR NAMED",
        {"Content-Type": "text/plain"},
    ),
    ("bad_update_missing_form_type", "POST", "/sparql", b"update=CLEAR%20NAMED", {}),
    (
        "bad_update_non_utf8",
        "POST",
        "/sparql",
        "CLEAR NAMED".encode("utf-16"),
        {"Content-Type": "application/sparql-update; charset=UTF-16"},
    ),
    ("bad_update_syntax", "POST", "/sparql", b"update=CLEAR%20XYZ", FORM),
    (
        "bad_update_dataset_conflict",
        "POST",
        "/sparql",
        b"using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=WITH%20%3Chttp%3A%2F%2Fe%3E"
        b"%20DELETE%20%7B%20%3Fp%20%3Cq%3E%201%20%7D%20WHERE%20%7B%20%3Fp%20%3Cq%3E%201%20%7D",
        FORM,
    ),
    (
        "GET with default-graph-uri but no query",
        "GET",
        f"/sparql?default-graph-uri={q(SHAPES_GRAPH)}",
        None,
        {},
    ),
    (
        "GET with named-graph-uri but no query",
        "GET",
        f"/sparql?named-graph-uri={q(SHAPES_GRAPH)}",
        None,
        {},
    ),
]


@pytest.mark.parametrize(("name", "method", "url", "body", "headers"), BAD, ids=[b[0] for b in BAD])
def test_bad_requests_get_4xx(
    client: TestClient, name: str, method: str, url: str, body: bytes | None, headers: dict
) -> None:
    response = client.request(method, url, content=body, headers=headers)
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text)


@pytest.mark.parametrize(
    "update",
    [
        "CLEAR ALL",
        "INSERT DATA { GRAPH <http://example.org/g> "
        "{ <http://example.org/s> <http://example.org/p> <test> } }",
    ],
)
def test_updates_are_refused_by_this_read_only_endpoint(client: TestClient, update: str) -> None:
    direct = client.post(
        "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
    )
    form = client.post("/sparql", data={"update": update})
    assert direct.status_code == form.status_code == 403


# --- service description ----------------------------------------------------------------


def _description(client: TestClient, accept: str = "text/turtle") -> list:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200 and media(response) == accept
    syntax = {"text/turtle": RdfFormat.TURTLE, "application/rdf+xml": RdfFormat.RDF_XML}[accept]
    return list(parse(response.content, syntax))


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml"])
def test_sd_returns_rdf(client: TestClient, accept: str) -> None:
    assert _description(client, accept)


def test_sd_has_endpoint_triple(client: TestClient) -> None:
    endpoint = NamedNode("http://testserver/sparql")
    triples = _description(client)
    assert any(t.predicate == NamedNode(SD + "endpoint") and t.object == endpoint for t in triples)


def test_sd_conforms_to_schema(client: TestClient) -> None:
    """One sd:Service with an sd:endpoint and a supported language of the vocabulary."""
    triples = _description(client)
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    services = {
        t.subject
        for t in triples
        if t.predicate == rdf_type and t.object == NamedNode(SD + "Service")
    }
    assert len(services) == 1
    [service] = services
    languages = {
        t.object
        for t in triples
        if t.subject == service and t.predicate == NamedNode(SD + "supportedLanguage")
    }
    assert NamedNode(SD + "SPARQL11Query") in languages
    sd_terms = {t.predicate.value for t in triples if t.predicate.value.startswith(SD)}
    known = {
        SD + n
        for n in (
            "endpoint",
            "supportedLanguage",
            "resultFormat",
            "feature",
            "defaultDataset",
            "defaultGraph",
            "namedGraph",
            "name",
            "graph",
            "extensionFunction",
            "extensionAggregate",
            "languageExtension",
            "inputFormat",
            "propertyFeature",
            "defaultEntailmentRegime",
            "entailmentRegime",
            "supportedEntailmentProfile",
            "defaultSupportedEntailmentProfile",
            "availableGraphs",
        )
    }
    assert sd_terms <= known, sd_terms - known
