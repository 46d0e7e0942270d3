"""``POST /validate`` over a real uvicorn: formats, Accept, the form, bad input, limits."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import httpx
import pyoxigraph
import pytest
from fastapi.testclient import TestClient

from cytoowl.serve.errors import ServeError
from cytoowl.serve.workers.validators import Validators
from cytoowl.settings import Settings
from server_fixtures import app_client, live_server
from tools import CHECKOUT

EXAMPLE = (CHECKOUT.examples_dir / "cytokine-measurements.ttl").read_bytes()
BAD = EXAMPLE.replace(b"qudt:numericValue 3.8", b"qudt:numericValue -3.8")
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with live_server(CYTOOWL_VALIDATE_TIMEOUT="60", CYTOOWL_MAX_BODY="100000") as url:
        yield url


def post_data(url: str, body: bytes, media: str, accept: str | None = None, timeout=60):
    """POST ``body`` to ``url``'s /validate as ``media`` (with an Accept header if given)."""
    headers = {"Content-Type": media, **({"Accept": accept} if accept else {})}
    return httpx.post(url + "/validate", content=body, headers=headers, timeout=timeout)


def conforms(report: bytes, fmt: pyoxigraph.RdfFormat) -> bool:
    triples = list(pyoxigraph.parse(input=report, format=fmt))
    values = [t.object.value for t in triples if t.predicate.value == SH + "conforms"]
    assert len(values) == 1
    return values[0] == "true"


@pytest.mark.slow  # a live server
def test_turtle_gives_a_json_ld_report(base: str) -> None:
    answer = post_data(base, EXAMPLE, "text/turtle")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/ld+json")
    assert conforms(answer.content, pyoxigraph.RdfFormat.JSON_LD)


@pytest.mark.slow  # a live server
def test_a_violation_in_turtle_by_accept(base: str) -> None:
    answer = post_data(base, BAD, "text/turtle", accept="text/turtle")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    assert not conforms(answer.content, pyoxigraph.RdfFormat.TURTLE)
    assert b"MinInclusiveConstraintComponent" in answer.content


@pytest.mark.slow  # a live server
@pytest.mark.parametrize(
    ("media", "rdf_format"),
    [
        ("application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES),
        ("application/ld+json", pyoxigraph.RdfFormat.JSON_LD),
    ],
)
def test_n_triples_and_json_ld_bodies(base: str, media: str, rdf_format) -> None:
    body = pyoxigraph.serialize(
        pyoxigraph.parse(input=BAD, format=pyoxigraph.RdfFormat.TURTLE), format=rdf_format
    )
    answer = post_data(base, body, media)
    assert answer.status_code == 200, answer.text
    assert not conforms(answer.content, pyoxigraph.RdfFormat.JSON_LD)


@pytest.mark.slow  # a live server
def test_html_report_for_browsers(base: str) -> None:
    answer = post_data(base, BAD, "text/turtle", accept="text/html")
    assert answer.status_code == 200
    assert 'id="report"' in answer.text and "Violation" in answer.text
    assert "must be a non-negative number" in answer.text


@pytest.mark.slow  # a live server
def test_the_form_posts_and_the_landing_page_links_it(base: str) -> None:
    assert 'href="/validate"' in httpx.get(base + "/").text
    assert 'id="validate-form"' in httpx.get(base + "/validate").text
    answer = httpx.post(
        base + "/validate", data={"data": BAD.decode(), "format": "turtle"}, timeout=60
    )
    assert answer.status_code == 200 and "does not conform: 1 violation" in answer.text


@pytest.mark.parametrize(
    ("body", "media", "status", "words"),
    [
        (b"", "text/turtle", 400, "empty"),
        (b"@prefix ex: <http://e/> .\n", "text/turtle", 400, "no RDF triples"),
        (b"<http://e/a> <http://e/b> .\n", "application/n-triples", 400, "request body:1:"),
        (b"a: b", "application/yaml", 415, "unsupported Content-Type"),
        (b"x" * 100_001, "text/turtle", 413, "larger than the limit"),
    ],
)
@pytest.mark.slow  # a live server
def test_bad_input_is_a_client_error(
    base: str, body: bytes, media: str, status: int, words: str
) -> None:
    answer = post_data(base, body, media)
    assert answer.status_code == status, answer.text
    assert words in answer.text


@pytest.mark.slow  # a live server
def test_time_limit_stops_validation_without_blocking_others() -> None:
    big = EXAMPLE + b"".join(
        f"<https://example.org/s{i}> a <http://www.w3.org/ns/sosa/Sample> .\n".encode()
        for i in range(1500)
    )
    with live_server(CYTOOWL_VALIDATE_TIMEOUT="0.2", CYTOOWL_MAX_BODY="1000000") as url:
        answers: list[httpx.Response] = []

        def post() -> None:
            answers.append(post_data(url, big, "text/turtle", timeout=30))

        threads = [threading.Thread(target=post) for _ in range(4)]
        for thread in threads:
            thread.start()
        # The validations run in processes of their own, never on the event loop: the
        # server answers meanwhile (how fast depends on the machine, so it is not asserted).
        assert httpx.get(url + "/health", timeout=10).status_code == 200
        for thread in threads:
            thread.join()
        assert {a.status_code for a in answers} <= {503, 504}
        assert any(a.status_code == 504 and "time limit" in a.text for a in answers)
        assert httpx.get(url + "/health", timeout=10).status_code == 200


@pytest.mark.slow  # a live server
def test_report_json_ld_parses_as_json(base: str) -> None:
    answer = post_data(base, BAD, "text/turtle")
    json.loads(answer.text)


@pytest.fixture(scope="module")
def uncapped() -> Iterator[TestClient]:
    """An app whose validators have no memory cap (one start-up for the two tests below)."""
    with app_client(worker_memory_mb=0, max_body_bytes=100_000) as client:
        yield client


def test_no_memory_cap_validates(uncapped: TestClient) -> None:
    """``--worker-memory 0`` means no cap (as for query workers), not a cap of 0 bytes."""
    answer = uncapped.post("/validate", content=BAD, headers={"Content-Type": "text/turtle"})
    assert answer.status_code == 200, answer.text
    assert b"MinInclusiveConstraintComponent" in answer.content


def test_a_validator_that_fails_says_why() -> None:
    """The child's own last words reach the message, not a guess: a 30 MiB cap cannot even
    map the engine's shared libraries. (Only the validators get the cap here: query workers
    could not start under it either.)"""
    validators = Validators(Settings(worker_memory_mb=30))

    async def post() -> ServeError:
        try:
            with pytest.raises(ServeError) as caught:
                await validators.run(EXAMPLE, "turtle")
            return caught.value
        finally:
            await validators.close()

    error = asyncio.run(post())
    assert error.status == 503
    assert "failed to map segment" in error.message, error.message
    assert "30 MiB" in error.message


def test_a_warm_validator_answers_request_after_request(uncapped: TestClient) -> None:
    """The release is read and its own results found once per validator, not per request:
    three requests (four with the test above on the same app), one validator process."""
    for body in (EXAMPLE, BAD, EXAMPLE):
        answer = uncapped.post("/validate", content=body, headers={"Content-Type": "text/turtle"})
        assert answer.status_code == 200, answer.text
    assert uncapped.app.state.cytoowl.validators.started == 1
