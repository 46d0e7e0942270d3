"""SERVICE fails closed: every shape that once slipped past (or could slip past) the check.

Each bypass shape is shown to make the real engine send an HTTP request to a real local
listener when run unchecked, then to be refused by the check, then to be refused by the
server even with network-enabled workers (an allow-list is set), the listener receiving
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import os
import threading
import time
from collections.abc import Iterator

import pytest
from pyoxigraph import NamedNode, Quad, Store

from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import choose_formats
from cytoowl.serve.protocol.service_policy import (
    Endpoint,
    QueryRefused,
    check_service,
    service_allowed,
)
from cytoowl.serve.store.base import QueryRequest
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.settings import Settings
from server_fixtures import FIXTURE, app_client


class Listener:
    """An HTTP server on a loopback port that records every request path."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        paths = self.paths

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                paths.append(self.path)
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, settle: float = 0.2) -> list[str]:
        time.sleep(settle)
        return list(self.paths)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.server.shutdown()


# (name, query template with {u} for the listener URL, does the unchecked engine call it?)
SHAPES = [
    ("cr-only comment", "SELECT * WHERE {{ ?s ?p ?o #\rSERVICE <{u}/cr> {{ ?s ?p ?o }}\n}}", True),
    ("lower case", "select * {{ ?s ?p ?o service <{u}/lower> {{ }} }}", True),
    ("\\u in the keyword", "SELECT * {{ ?s ?p ?o \\u0053ERVICE <{u}/kw> {{ }} }}", False),
    ("\\u in the IRI", "SELECT * {{ ?s ?p ?o SERVICE <{u}/\\u0041> {{ }} }}", True),
    (
        "\\u0022 that makes a long string after unescaping",
        'SELECT * {{ ?s ?p ?o BIND("\\u0022" AS ?q) SERVICE <{u}/quote> {{ }} }}',
        True,
    ),
    (
        "'<' operator read as an IRI start",
        "SELECT * {{ ?s ?p ?o BIND(1 AS ?x) FILTER(?x<'a>' || true) SERVICE <{u}/lt> {{ }} "
        "FILTER('x' != 'y') }}",
        True,
    ),
    ("prefixed name", "PREFIX e: <{u}/> SELECT * {{ ?s ?p ?o SERVICE e:pn {{ }} }}", True),
    ("glued prefixed name", "PREFIX : <{u}/> SELECT * {{ ?s ?p ?o SERVICE:glued{{ }} }}", True),
    ("glued SILENT", "SELECT * {{ ?s ?p ?o SERVICESILENT<{u}/silent>{{ }} }}", True),
    (
        "relative IRI with BASE",
        "BASE <{u}/base/> SELECT * {{ ?s ?p ?o SERVICE <rel> {{ }} }}",
        True,
    ),
    (
        "BASE then a relative PREFIX",
        "BASE <{u}/> PREFIX e: <b2/> SELECT * {{ ?s ?p ?o SERVICE e:x {{ }} }}",
        True,
    ),
    ("subquery", "SELECT * {{ {{ SELECT * {{ ?s ?p ?o SERVICE <{u}/sub> {{ }} }} }} }}", True),
    ("EXISTS", "SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{u}/exists> {{ }} }} }}", True),
    ("VALUES-bound variable", "SELECT * {{ VALUES ?e {{ <{u}/v> }} SERVICE ?e {{ }} }}", False),
    ("host prefix of the allowed one", "SELECT * {{ ?s ?p ?o SERVICE <{u}0/x> {{ }} }}", False),
    ("dot segments out of the path", "SELECT * {{ ?s ?p ?o SERVICE <{u}/ok/../x> {{ }} }}", True),
]
IDS = [name for name, _, _ in SHAPES]


def _engine() -> Store:
    store = Store()
    node = NamedNode("http://example.org/a")
    store.add(Quad(node, node, node))
    return store


@pytest.mark.slow  # proves the engine would reach out: a fixed fact of the engine
@pytest.mark.parametrize(("name", "template", "calls"), SHAPES, ids=IDS)
def test_shape_reaches_the_network_when_unchecked(
    listener: Listener, name: str, template: str, calls: bool
) -> None:
    """The shapes are real: unchecked, the engine itself sends the request (or, for the
    shapes marked so, does not: they are refused all the same)."""
    before = len(listener.paths)
    # The listener answers 500; some shapes are not executable at all.
    with contextlib.suppress(OSError, SyntaxError, RuntimeError, ValueError):
        list(_engine().query(template.format(u=listener.url)))
    assert (len(listener.received()) > before) is calls, name


@pytest.mark.parametrize(("name", "template", "calls"), SHAPES, ids=IDS)
def test_shape_is_refused_by_the_check(name: str, template: str, calls: bool) -> None:
    url = "http://127.0.0.1:9"
    with pytest.raises(QueryRefused):
        check_service(template.format(u=url), (f"{url}/ok/",), base=f"{url}/sparql")


def test_relative_service_iri_resolves_against_the_endpoint() -> None:
    query = "SELECT * { SERVICE <other> { } }"
    with pytest.raises(QueryRefused, match=r"http://127\.0\.0\.1:1/other"):
        check_service(query, ("http://elsewhere.example/",), base="http://127.0.0.1:1/sparql")
    check_service(query, ("http://127.0.0.1:1/",), base="http://127.0.0.1:1/sparql")


def test_allowed_targets_and_harmless_mentions_pass() -> None:
    allow = ("https://sparql.uniprot.org/sparql",)
    check_service("SELECT * { SERVICE <https://sparql.uniprot.org/sparql> { } }", allow)
    check_service(
        "PREFIX u: <https://sparql.uniprot.org/> SELECT * { SERVICE SILENT u:sparql { } }", allow
    )
    check_service('SELECT * { ?s ?p "SERVICE" FILTER(CONTAINS(?p, "service")) } # service', ())
    check_service(
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "SELECT * { ?s a sd:Service }",
        (),
    )


@pytest.mark.parametrize(
    ("entry", "iri", "admitted"),
    [
        ("https://sparql.uniprot.org", "https://sparql.uniprot.org/sparql", True),
        ("https://sparql.uniprot.org", "https://sparql.uniprot.org.evil.com/", False),
        ("https://sparql.uniprot.org", "http://sparql.uniprot.org/sparql", False),
        ("https://sparql.uniprot.org", "https://sparql.uniprot.org:8443/sparql", False),
        ("https://sparql.uniprot.org", "https://SPARQL.uniprot.org:443/x", True),
        ("https://h.example/sparql", "https://h.example/sparql", True),
        ("https://h.example/sparql", "https://h.example/sparql/x", True),
        ("https://h.example/sparql", "https://h.example/sparqlx", False),
        ("https://h.example/sparql", "https://h.example/sparql/../admin", False),
        ("https://h.example/sparql", "https://h.example/sparql/%2e%2e/admin", False),
        ("https://h.example/", "https://evil.example@h.example/", True),
        ("https://h.example/", "https://h.example@evil.example/", False),
        ("h.example", "https://h.example/any", True),
        ("h.example", "http://h.example/any", False),
    ],
)
def test_allow_list_entries_match_scheme_host_port_and_path_prefix(
    entry: str, iri: str, admitted: bool
) -> None:
    assert service_allowed(iri, (entry,)) is admitted
    assert Endpoint.parse(entry).admits(iri) is admitted


def test_server_refuses_every_shape_and_the_listener_hears_nothing(listener: Listener) -> None:
    """With an allow-list set the workers keep their network: only the check stands."""
    allowed = f"{listener.url}/allowed/"
    # The check runs in the query worker, under its time limit: with the 1.5 s of the test
    # settings a loaded machine (load ~6) turned a refusal into a 504; this test is about the
    # refusal, not the limit.
    with app_client(service_allowlist=(allowed,), query_timeout_s=30) as client:
        before = len(listener.paths)
        for name, template, _ in SHAPES:
            response = client.post("/sparql", data={"query": template.format(u=listener.url)})
            assert response.status_code in (400, 403), (name, response.text)
        assert listener.received(0.5)[before:] == []
        # ...while an allow-listed endpoint is really called (the network is there).
        query = f"SELECT * {{ SERVICE <{allowed}ok> {{ }} }}"
        client.post("/sparql", data={"query": query})
        assert "/allowed/ok" in listener.received()


def test_workers_have_no_network_without_an_allow_list() -> None:
    """Defence in depth: with nothing allow-listed, workers run in an empty network namespace."""

    async def scenario() -> None:
        store = EmbeddedStore(Settings(workers=1), FIXTURE)
        await store.start()
        try:
            pool = store.pool
            assert pool is not None
            assert pool.network == "isolated", pool.network
            [pid] = pool.pids()
            own = os.readlink("/proc/self/ns/net")
            assert os.readlink(f"/proc/{pid}/ns/net") != own
            with pytest.raises(ServeError) as refused:
                await store.query(
                    QueryRequest(
                        "SELECT * { SERVICE <http://127.0.0.1:1/> {} }", choose_formats(None)
                    )
                )
            assert refused.value.status == 403
        finally:
            await store.close()

    if not os.path.exists("/proc/self/ns/net"):
        pytest.skip("no network namespaces on this system")
    asyncio.run(scenario())


def test_refusing_a_service_needs_no_parser_without_an_allow_list() -> None:
    """With nothing allow-listed, the tokenizers' SERVICE keyword is enough to refuse, so
    query workers never load rdflib's SPARQL grammar (23 MiB each) for it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from cytoowl.serve.protocol import QueryRefused, check_service\n"
        "try:\n"
        "    check_service('SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }', ())\n"
        "except QueryRefused:\n"
        "    print('refused', 'rdflib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["refused", "False"]
