"""The app in-process (FastAPI TestClient) on the fixture dataset: protocol, errors, pages."""

from __future__ import annotations

import csv
import io
import json
import logging
import time

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from cytoowl import dataset, vocab
from cytoowl.serve.app import create_app
from cytoowl.serve.query import service_description
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.serve.store.statistics import Stats
from cytoowl.settings import Settings
from server_fixtures import (
    CARTESIAN,
    FIXTURE,
    IL2,
    IL2_SUBFAMILY,
    IL2RG,
    limited_settings,
)

JSON = "application/sparql-results+json"
SELECT_LABELS = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
)
CONSTRUCT = "CONSTRUCT WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }"


@pytest.fixture(scope="module")
def client(fixture_client: TestClient) -> TestClient:
    return fixture_client  # shared with the other modules that only read


def labels(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["label"]["value"] for b in response.json()["results"]["bindings"]]


# --- the three ways to send a query ----------------------------------------------------


def test_get_query(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT_LABELS})
    assert response.headers["content-type"].startswith(JSON)
    assert "interleukin-2" in labels(response)


def test_post_form_and_post_direct_agree(client: TestClient) -> None:
    via_get = labels(client.get("/sparql", params={"query": SELECT_LABELS}))
    via_form = labels(client.post("/sparql", data={"query": SELECT_LABELS}))
    direct = client.post(
        "/sparql", content=SELECT_LABELS, headers={"Content-Type": "application/sparql-query"}
    )
    assert via_get == via_form == labels(direct)


def test_default_graph_is_the_union_and_graphs_can_be_chosen(client: TestClient) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(**params) -> int:
        response = client.get("/sparql", params={"query": count, **params})
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    whole, shapes = n(), n(**{"default-graph-uri": dataset.SHAPES_GRAPH})
    ontology = n(**{"default-graph-uri": dataset.ONTOLOGY_GRAPH})
    queries = n(**{"default-graph-uri": dataset.QUERIES_GRAPH})
    assert 0 < shapes < ontology < whole and whole == shapes + ontology + queries
    graphs = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": dataset.SHAPES_GRAPH,
        },
    ).json()["results"]["bindings"]
    assert [g["g"]["value"] for g in graphs] == [dataset.SHAPES_GRAPH]


def test_examples_are_in_their_graph(client: TestClient) -> None:
    query = (
        "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?q WHERE { "
        f"GRAPH <{dataset.QUERIES_GRAPH}> {{ ?q a sh:SPARQLExecutable ; sh:select ?text }} }}"
    )
    assert len(client.get("/sparql", params={"query": query}).json()["results"]["bindings"]) == 2


# --- result formats and negotiation ----------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [
        (JSON, QueryResultsFormat.JSON),
        ("application/sparql-results+xml", QueryResultsFormat.XML),
        ("text/csv", QueryResultsFormat.CSV),
        ("text/tab-separated-values", QueryResultsFormat.TSV),
    ],
)
def test_select_formats(client: TestClient, accept: str, syntax: QueryResultsFormat) -> None:
    response = client.get("/sparql", params={"query": SELECT_LABELS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    if syntax == QueryResultsFormat.CSV:
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert "interleukin-2" in [r["label"] for r in rows]
    else:
        rows = list(parse_query_results(response.content, syntax))
        assert "interleukin-2" in [r["label"].value for r in rows]


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_construct_formats(client: TestClient, accept: str, syntax: RdfFormat) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    triples = list(parse(response.content, syntax))
    assert "interleukin-2" in {t.object.value for t in triples}


def test_describe(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{IL2}>"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert "interleukin-2" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SELECT_LABELS, JSON),
        ("ASK { ?s ?p ?o }", JSON),
        (CONSTRUCT, "text/turtle"),
        (f"DESCRIBE <{IL2}>", "text/turtle"),
    ],
)
def test_combined_accept_works_for_every_form(client: TestClient, query: str, expected: str):
    accept = "application/sparql-results+json,text/turtle"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_q_values_and_wildcards(client: TestClient) -> None:
    accept = "text/csv;q=0.3, application/sparql-results+xml;q=0.7, */*;q=0.1"
    response = client.get("/sparql", params={"query": SELECT_LABELS}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/turtle")  # only via */*


def test_ask_answers(client: TestClient) -> None:
    yes = client.get("/sparql", params={"query": f"ASK {{ <{IL2}> ?p ?o }}"}).json()
    no = client.get("/sparql", params={"query": "ASK { FILTER(false) }"}).json()
    assert yes["boolean"] is True and no["boolean"] is False


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (SELECT_LABELS, "image/png"),
        (CONSTRUCT, JSON),
        ("ASK {}", "text/csv"),
        (SELECT_LABELS, "text/turtle"),
    ],
)
def test_406_when_nothing_acceptable(client: TestClient, query: str, accept: str) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "acceptable" in response.text


# --- service description and query page ------------------------------------------------


def test_bare_get_is_the_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(parse(response.content, RdfFormat.TURTLE))
    predicates = {t.predicate.value.split("#")[-1] for t in triples}
    assert {"endpoint", "supportedLanguage", "resultFormat", "namedGraph", "triples"} <= predicates
    names = {t.object.value for t in triples if t.predicate.value.endswith("#name")}
    assert names == {dataset.ONTOLOGY_GRAPH, dataset.SHAPES_GRAPH, dataset.QUERIES_GRAPH}
    assert client.get("/sparql").headers["content-type"].startswith("text/turtle")


def test_service_description_gives_no_numbers_before_they_are_counted() -> None:
    """The counts are made after start-up; until then no VoID numbers rather than zeros."""

    def predicates(stats: Stats) -> set[str]:
        triples = service_description.describe("http://x/sparql", stats, Settings())
        return {t.predicate.value.split("#")[-1] for t in triples}

    numbers = {"triples": 5, "subjects": 2, "properties": 2, "objects": 3}
    counted = Stats(triples=5, graphs={dataset.ONTOLOGY_GRAPH: numbers}, counts={"classes": 1})
    assert {"triples", "classes", "distinctSubjects"} <= predicates(counted)
    header_only = Stats(header={"version": "1"}, counted=False)
    assert not {"triples", "classes"} & predicates(header_only)


class _CountingFails(EmbeddedStore):
    async def statistics(self, timeout: float) -> Stats:
        raise RuntimeError("the counting child died")


def test_pages_keep_serving_when_the_counts_cannot_be_made() -> None:
    settings = limited_settings(workers=1)
    app = create_app(settings, FIXTURE, _CountingFails(settings, FIXTURE))
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200 and "being counted" in page.text
        description = client.get("/sparql", headers={"Accept": "text/turtle"})
        assert description.status_code == 200
        assert "void#triples" not in description.text
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_browser_gets_query_page_with_competency_questions(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.headers["content-type"].startswith("text/html")
    assert "IL-2 subfamily cytokines" in response.text
    assert "Cytokines of the common gamma chain" in response.text


# --- safety: read-only, limits, errors -------------------------------------------------


def test_updates_are_refused(client: TestClient) -> None:
    update = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    form = client.post("/sparql", data={"update": update})
    direct = client.post(
        "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
    )
    for response in (form, direct):
        assert response.status_code == 403 and "read-only" in response.text
    as_query = client.get("/sparql", params={"query": update})
    assert as_query.status_code == 400


def test_syntax_error_reports_message_and_position(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "1:25" in response.text and "syntax error" in response.text


def test_empty_and_missing_and_repeated_queries(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": " "}).status_code == 400
    assert client.post("/sparql", data={"nothing": "x"}).status_code == 400
    twice = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status_code == 400


def test_unsupported_content_type(client: TestClient) -> None:
    response = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 415


def test_oversized_body_413(client: TestClient) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 30_000
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 413 and "limit" in response.text


def test_service_refused(client: TestClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403 and "allow-list" in response.text


def test_row_cap_is_announced(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["x-sparql-truncated"] == "true"
    assert response.headers["x-sparql-row-limit"] == "50"
    assert "truncated" in response.headers["warning"]
    small = client.get("/sparql", params={"query": SELECT_LABELS})
    assert "x-sparql-truncated" not in small.headers
    graph = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.headers["x-sparql-truncated"] == "true"
    assert len(list(parse(graph.content, RdfFormat.TURTLE))) == 50


def test_time_limit_stops_the_query_and_the_next_one_is_served(client: TestClient) -> None:
    """The query that overruns is stopped at the limit (never before it), whatever the
    machine's speed; how late after it depends on the machine, so it is not asserted."""
    started = time.monotonic()
    response = client.get("/sparql", params={"query": CARTESIAN})
    elapsed = time.monotonic() - started
    assert response.status_code == 504 and "time limit of 1.5 s" in response.text
    assert elapsed >= 1.5
    for _ in range(3):  # the killed worker was replaced; the pool keeps answering
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_cors_open_for_reads(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_access_log_is_structured(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cytoowl.access")
    client.get("/sparql", params={"query": "ASK {}"})
    record = json.loads(caplog.records[-1].getMessage())
    assert record["path"] == "/sparql" and record["status"] == 200
    assert {"method", "ms", "bytes", "client", "ts"} <= set(record)


# --- linked data -----------------------------------------------------------------------


def test_term_page_html(client: TestClient) -> None:
    page = client.get("/CYTO_0000100", headers={"Accept": "text/html"})
    assert page.status_code == 200
    text = page.text
    for expected in (
        "interleukin-2",
        "The human IL2 gene product.",
        "IL-2",
        f'href="{vocab.expand("UniProtKB:P60568")}"',  # the IRI the release uses
        f'href="{vocab.expand("HGNC:6001")}"',
        'href="/CYTO_0000003"',  # parent (type)
        "binds receptor",  # relation out
        'href="/CYTO_0000101"',
    ):
        assert expected in text, expected
    relations = text.split('id="relations-out"', 1)[1].split("</table>", 1)[0]
    assert "source: " in relations and "PMID:20015486" in relations  # the axiom's evidence
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/20015486"' in relations
    receptor = client.get("/CYTO_0000101", headers={"Accept": "text/html"}).text
    assert "Referenced by" in receptor and 'href="/CYTO_0000100"' in receptor  # relation in
    subfamily = client.get("/CYTO_0000003", headers={"Accept": "text/html"}).text
    assert 'href="/CYTO_0000100"' in subfamily  # instance
    bundle = client.get("/CYTO_0000002", headers={"Accept": "text/html"}).text
    assert 'href="/CYTO_0000003"' in bundle and 'href="/CYTO_0000001"' in bundle  # child, parent
    gamma = client.get("/CYTO_0000011", headers={"Accept": "text/html"}).text
    assert "common gamma chain cytokine" in gamma


@pytest.mark.parametrize(
    ("how", "syntax"),
    [
        ({"headers": {"Accept": "text/turtle"}}, RdfFormat.TURTLE),
        ({"headers": {"Accept": "application/ld+json"}}, RdfFormat.JSON_LD),
        ({"headers": {"Accept": "application/rdf+xml"}}, RdfFormat.RDF_XML),
        ({"headers": {"Accept": "application/n-triples"}}, RdfFormat.N_TRIPLES),
        ({"params": {"format": "ttl"}}, RdfFormat.TURTLE),
        ({"params": {"format": "jsonld"}}, RdfFormat.JSON_LD),
        ({"params": {"format": "rdf"}}, RdfFormat.RDF_XML),
        ({"params": {"format": "nt"}}, RdfFormat.N_TRIPLES),
    ],
)
def test_term_rdf(client: TestClient, how: dict, syntax: RdfFormat) -> None:
    response = client.get("/CYTO_0000100", **how)
    assert response.status_code == 200
    triples = list(parse(response.content, syntax))
    assert any(t.subject.value == IL2 and t.object.value == "interleukin-2" for t in triples)
    assert any(t.object.value == "PMID:20015486" for t in triples)  # axiom annotation kept
    assert any(t.object.value == IL2_SUBFAMILY for t in triples)


def test_term_unknown_is_404(client: TestClient) -> None:
    assert client.get("/CYTO_9999999", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/CYTO_9999999", params={"format": "ttl"}).status_code == 404
    assert client.get("/CYTO_12").status_code == 404
    assert client.get("/CYTO_0000100", headers={"Accept": "image/png"}).status_code == 406


def test_term_receptor_turtle_is_concise(client: TestClient) -> None:
    triples = list(parse(client.get("/CYTO_0000101?format=nt").content, RdfFormat.N_TRIPLES))
    assert {t.subject.value for t in triples} == {IL2RG}


def test_landing_page(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "2026-11-21" in page.text and "cytoowl.ttl" in page.text
    assert "shapes/cytokine.ttl" in page.text and "Individuals" in page.text


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("cytoowl.ttl", "text/turtle"),
        ("mappings/cytoowl.sssom.tsv", "text/tab-separated-values"),
        ("shapes/cytokine.ttl", "text/turtle"),
    ],
)
def test_downloads_with_etag(client: TestClient, name: str, media: str) -> None:
    response = client.get(f"/downloads/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    etag = response.headers["etag"]
    assert etag.startswith('"2026-11-21-')
    again = client.get(f"/downloads/{name}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    changed = client.get(f"/downloads/{name}", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200


def test_download_unknown_404(client: TestClient) -> None:
    assert client.get("/downloads/nothing.owl").status_code == 404
    # (a path with ../ is normalised by the client before sending: the raw-path test is in
    # test_server_live.py, where http.client sends it as written)


# --- the lean path for GET lookups ------------------------------------------------------

LOOKUP = f"SELECT ?p ?o WHERE {{ <{IL2}> ?p ?o }}"


@pytest.mark.parametrize("accept", [JSON, "text/csv", "application/sparql-results+xml"])
def test_get_lookup_fast_path_answers_as_the_route(client: TestClient, accept: str) -> None:
    """The fast path (GET, only ``query``) and the route (POST) give the same answer."""
    origin = {"Origin": "https://example.org", "Accept": accept}
    fast = client.get("/sparql", params={"query": LOOKUP}, headers=origin)
    routed = client.post("/sparql", data={"query": LOOKUP}, headers=origin)
    assert fast.status_code == routed.status_code == 200
    assert fast.content == routed.content and int(fast.headers["x-sparql-rows"]) > 3
    for name in ("content-type", "x-sparql-rows", "x-sparql-row-limit", "vary"):
        assert fast.headers[name] == routed.headers[name], name
    assert fast.headers["access-control-allow-origin"] == "*"


def test_fast_path_is_taken_and_leaves_other_gets_to_the_route(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = client.app.state.cytoowl.store
    seen: list[str] = []
    original = store.lookup
    monkeypatch.setattr(store, "lookup", lambda r: seen.append(r.query) or original(r))
    assert client.get("/sparql", params={"query": LOOKUP}).status_code == 200
    assert seen == [LOOKUP]
    not_only_query = client.get("/sparql", params={"query": LOOKUP, "format": "json"})
    assert not_only_query.status_code == 200 and not_only_query.json()["results"]["bindings"]
    bad = client.get("/sparql", params={"query": "SELECT ?p { <x> ?p"})
    assert bad.status_code == 400
    assert client.get("/sparql?query=%FF").status_code == 400  # bad UTF-8: the route decides
