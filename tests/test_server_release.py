"""The server on the real release (skipped until ``cytoowl build`` has produced it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse

from cytoowl import paths, vocab
from cytoowl.dataset import Sources
from server_fixtures import app_client, release_sources  # noqa: F401 - fixture

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(release_sources: Sources) -> Iterator[TestClient]:  # noqa: F811
    with app_client(release_sources, query_timeout_s=30, row_limit=10_000) as c:
        yield c


def test_every_competency_question_answers(client: TestClient, release_sources: Sources):  # noqa: F811
    for example in release_sources.examples():
        accept = "application/sparql-results+json,text/turtle"
        response = client.post("/sparql", data={"query": example.query}, headers={"Accept": accept})
        assert response.status_code == 200, (example.slug, response.text)


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
    }
    for path in paths.RELEASE.all():
        if not path.exists():
            continue
        name = path.relative_to(paths.RELEASE.directory).as_posix()
        response = client.get(f"/downloads/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].split(";")[0] == media[path.suffix]
        assert response.content == path.read_bytes()
        again = client.get(
            f"/downloads/{name}", headers={"If-None-Match": response.headers["etag"]}
        )
        assert again.status_code == 304
    if paths.RELEASE.owl.exists():  # the ontology IRI dereferences to the RDF/XML release
        assert client.get("/cytoowl.owl").headers["content-type"].startswith("application/rdf+xml")


def test_landing_counts_the_release(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "cytoowl.owl" in page.text
