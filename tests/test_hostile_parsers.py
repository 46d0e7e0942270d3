"""Hostile input, issue 27: every parser has a budget. RDF/XML with a DOCTYPE (entity
declarations: "billion laughs") is refused before any parser sees it; JSON, JSON-LD and SPARQL
nesting is capped; a remote engine's answer is read only in the format asked for. Each refusal
is one line; nothing is killed by the OS.

Tests that would exhaust memory on a regression run the CLI in a child process with an
address-space cap and a time limit, so a failure is a failed test, not a dead machine."""

from __future__ import annotations

import asyncio
import resource
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from cytoowl import budgets
from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import choose_formats
from cytoowl.serve.store.base import QueryRequest
from cytoowl.serve.store.remote import RemoteStore
from cytoowl.settings import Settings
from server_fixtures import app_client
from tools import run_cli

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="http://e/x"><rdfs:label>&f;</rdfs:label></rdf:Description>
</rdf:RDF>
"""
DEEP_JSONLD = b'{"@id": "http://e/x", "http://e/p": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
DEEP_QUERY = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o " + "} " * 5000


def cap_memory() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def cytoowl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI in ``cwd`` under a 3 GB address-space cap."""
    return run_cli(*args, cwd=cwd, preexec_fn=cap_memory)


@pytest.mark.parametrize(
    "head",
    [
        LAUGHS,
        b"\xef\xbb\xbf" + LAUGHS,
        "\ufeff".encode("utf-16-le") + LAUGHS.decode().encode("utf-16-le"),
        b"<!-- a comment --><?pi x?>\n<!DOCTYPE x SYSTEM 'file:///etc/passwd'><x/>",
    ],
)
def test_rdf_xml_with_a_doctype_is_refused(head: bytes) -> None:
    with pytest.raises(budgets.OverBudget, match="DOCTYPE"):
        budgets.check_rdf_xml(head)


def test_rdf_xml_without_a_doctype_passes() -> None:
    budgets.check_rdf_xml(b'<?xml version="1.0"?>\n<!-- <!DOCTYPE in a comment> -->\n<rdf:RDF/>')


def test_json_depth_counts_brackets_outside_strings() -> None:
    budgets.check_json_depth(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    budgets.check_json_depth(b"[" * 64 + b"]" * 64)
    with pytest.raises(budgets.OverBudget, match="deeper than 64"):
        budgets.check_json_depth(b"[" * 65 + b"]" * 65)
    with pytest.raises(budgets.OverBudget):
        budgets.check_json_depth(b'[{"a\\"": ' * 40)


def test_cli_validate_refuses_billion_laughs_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "laughs.owl").write_bytes(LAUGHS)
    answer = cytoowl("validate", "laughs.owl", cwd=tmp_path)
    assert answer.returncode == 2, answer.stderr[-2000:]
    assert "laughs.owl" in answer.stderr and "DOCTYPE" in answer.stderr
    assert len(answer.stderr.strip().splitlines()) == 1


def test_cli_validate_refuses_deep_jsonld_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "deep.jsonld").write_bytes(DEEP_JSONLD)
    answer = cytoowl("validate", "deep.jsonld", cwd=tmp_path)
    assert answer.returncode == 2, (answer.returncode, answer.stderr[-2000:])
    assert "deep.jsonld" in answer.stderr and "nested deeper than" in answer.stderr


def test_cli_load_refuses_billion_laughs_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "laughs.owl").write_bytes(LAUGHS)
    answer = cytoowl("load", "--data-dir", "store", "--graph", "http://e/g", "laughs.owl",
                     cwd=tmp_path)  # fmt: skip
    assert answer.returncode == 1, answer.stderr[-2000:]
    assert "laughs.owl" in answer.stderr and "DOCTYPE" in answer.stderr
    assert len(answer.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with app_client(max_body_bytes=2_000_000) as made:
        yield made


def test_post_validate_refuses_deep_jsonld(client: TestClient) -> None:
    """(POST /validate reads Turtle, JSON-LD and N-Triples: no RDF/XML, so no DOCTYPE.)"""
    body = b'{"@id": "http://e/x", "http://e/p": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    answer = client.post(
        "/validate",
        content=body,
        headers={"Content-Type": "application/ld+json", "Accept": "text/turtle"},
    )
    assert answer.status_code == 400, answer.text[:500]
    assert "nested deeper than 64" in answer.text and "out of memory" not in answer.text


def test_deeply_nested_query_is_refused_not_crashed(client: TestClient) -> None:
    answer = client.post("/sparql", data={"query": DEEP_QUERY})
    assert answer.status_code == 400, answer.text[:300]
    assert "nested deeper than 64" in answer.text
    assert "retry" not in answer.text.lower()
    assert client.get("/ready").status_code == 200


def remote(content_type: str, body: bytes) -> RemoteStore:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": content_type})

    store = RemoteStore(Settings(store_url="http://h/query"), "http://h/query")
    store._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return store


SMALL_LAUGHS = LAUGHS.replace(b"&f;", b"&c;")  # expands to ~50 KB: safe on a regression


@pytest.mark.parametrize(
    "query, content_type, body",
    [
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/rdf+xml", SMALL_LAUGHS),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/ld+json", b'{"@id": "http://e/x"}'),
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+xml",
         b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><sparql/>'),
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json",
         b'{"head": {"vars": ["s"]}, "results": {"bindings": ' + b"[" * 100 + b"]" * 100 + b"}}"),
        ("SELECT * WHERE { ?s ?p ?o }", "text/turtle", b"<http://e/a> <http://e/b> 1 ."),
    ],
)  # fmt: skip
def test_remote_answers_are_read_only_in_the_formats_asked_for(
    query: str, content_type: str, body: bytes
) -> None:
    store = remote(content_type, body)
    formats = choose_formats("application/sparql-results+json, application/n-triples")
    with pytest.raises(ServeError) as refused:
        asyncio.run(store.query(QueryRequest(query, formats)))
    assert refused.value.status == 502, refused.value.message
    assert "\n" not in refused.value.message
