"""Property-based fuzzing of a real ``cytoowl serve``: no request gets a 500 or takes it down.

Hypothesis draws queries (from SPARQL fragments, escapes and raw text), methods, headers,
bodies in several encodings and mixes of protocol parameters; a bounded number of
examples keeps the run under a minute. The examples are the same on every run
(``derandomize``): a failure found once is found again, and a run that passes proves the same
thing as the last one.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server_fixtures import IL2, live_server

pytestmark = pytest.mark.slow

FRAGMENTS = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    ".",
    ";",
    ",",
    "*",
    "?s",
    "?p",
    "?o",
    "$x",
    "a",
    "FILTER",
    "BIND",
    "AS",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "service",
    "SILENT",
    "VALUES",
    "EXISTS",
    "NOT",
    "LIMIT 3",
    "OFFSET 1",
    "ORDER BY",
    "GROUP BY",
    "COUNT(*)",
    "CONCAT",
    "STR",
    "REGEX",
    "PREFIX e: <http://e/>",
    "BASE <http://b/>",
    "e:x",
    ":y",
    f"<{IL2}>",
    "<rel>",
    "<http://127.0.0.1:1/x>",
    '"lit"',
    "'s'",
    '"""long"""',
    "42",
    "1.5e3",
    "true",
    "#",
    "\r",
    "\n",
    "\\u0053",
    "\\U00000045",
    "<",
    ">",
    "=",
    "!",
    "&&",
    "||",
    "^^",
    "@en",
    "_:b",
    "[",
    "]",
    "/",
    "|",
    "+",
    "?",
    "INSERT DATA",
    "DELETE",
    "LOAD",
]
MEDIA = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
    "text/html",
    "*/*",
    "image/png",
    "text/*;q=0.5, */*;q=0.1",
    "application/json;q=abc",
    "",
    ",,,",
]
CONTENT_TYPES = [
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/sparql-query; charset=utf-16",
    "",
    "application/json",
]
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60).map(
    str.strip
)

queries = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join),
    st.text(max_size=200),
)
params = st.lists(
    st.tuples(
        st.sampled_from(
            ["query", "update", "default-graph-uri", "named-graph-uri", "format", "output", "x"]
        ),
        st.one_of(queries, st.sampled_from(["json", "ttl", "nt", "zzz", f"{IL2}", "not an iri"])),
    ),
    max_size=4,
)
encodings = st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-32"])


@pytest.fixture(scope="module")
def fuzz_url() -> Iterator[str]:
    """A server of its own: heavy examples may leave its workers busy for a moment, which a
    server shared with other modules must not be."""
    with live_server() as base:
        yield base


#: The only 5xx a request may get, each for its own reason (never a crash of a worker).
ALLOWED_5XX = {
    503: ("stayed busy",),  # a heavy example before still holds the workers
    504: ("time limit",),
    507: ("memory", "larger than the limit"),
}


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT", "OPTIONS"]),
    path=st.sampled_from(["/sparql", "/sparql/", "/CYTO_0000100", "/", "/downloads/cytoowl.ttl"]),
    query_params=params,
    body_query=queries,
    encoding=encodings,
    content_type=st.sampled_from(CONTENT_TYPES),
    accept=st.one_of(st.sampled_from(MEDIA), HEADER_TEXT),
    extra=HEADER_TEXT,
    raw_body=st.binary(max_size=300),
    use_raw=st.booleans(),
)
def test_random_requests_never_get_500(
    fuzz_url: str,
    method: str,
    path: str,
    query_params: list[tuple[str, str]],
    body_query: str,
    encoding: str,
    content_type: str,
    accept: str,
    extra: str,
    raw_body: bytes,
    use_raw: bool,
) -> None:
    body = raw_body if use_raw else body_query.encode(encoding, "replace")
    headers = {"Accept": accept, "X-Fuzz": extra}
    if content_type:
        headers["Content-Type"] = content_type
    response = httpx.request(
        method,
        fuzz_url + path,
        params=query_params,
        content=body if method in ("POST", "PUT") else None,
        headers=headers,
        timeout=30,
    )
    status = response.status_code
    reasons = ALLOWED_5XX.get(status, ())
    assert status < 500 or any(reason in response.text for reason in reasons), (
        status,
        response.text[:500],
    )


def test_server_is_alive_after_fuzzing(fuzz_url: str) -> None:
    assert httpx.get(fuzz_url + "/health", timeout=5).json()["status"] == "ok"
    assert httpx.get(fuzz_url + "/ready", timeout=5).status_code == 200
    answer = httpx.get(fuzz_url + "/sparql", params={"query": f"ASK {{ <{IL2}> ?p ?o }}"})
    assert answer.json()["boolean"] is True
