"""Unit tests of the protocol helpers: content negotiation, SERVICE policy, row cap."""

from __future__ import annotations

import random

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QueryResultsFormat, Store, parse_query_results

from cytoowl.serve.protocol.lexer import check_nesting, has_dataset_clause
from cytoowl.serve.protocol.lookup import (
    PLAIN,
    is_bounded_lookup,
    is_lookup_by_tokens,
    is_plain_lookup,
    lookup_spelling,
)
from cytoowl.serve.protocol.negotiation import choose_formats, negotiate
from cytoowl.serve.protocol.results import shape_solutions, shape_triples
from cytoowl.serve.protocol.service_policy import QueryRefused, check_service, service_allowed

JSON = "application/sparql-results+json"


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, ["text/turtle", "text/html"], "text/turtle"),
        ("*/*", [JSON, "text/csv"], JSON),
        ("text/csv;q=0.5, application/sparql-results+json;q=0.9", [JSON, "text/csv"], JSON),
        ("text/csv, application/sparql-results+json", [JSON, "text/csv"], "text/csv"),
        ("text/*", [JSON, "text/csv"], "text/csv"),
        ("application/*;q=0.2, text/csv;q=0.1", [JSON, "text/csv"], JSON),
        ("text/csv;q=0", [JSON, "text/csv"], None),
        ("*/*;q=0.1, text/csv;q=0", [JSON, "text/csv"], JSON),
        ("image/png", [JSON, "text/csv"], None),
        ("text/html,application/xhtml+xml,*/*;q=0.8", ["text/turtle", "text/html"], "text/html"),
    ],
)
def test_negotiate(accept: str | None, offered: list[str], expected: str | None) -> None:
    assert negotiate(accept, offered) == expected


def test_one_header_serves_every_query_form() -> None:
    formats = choose_formats("application/sparql-results+json,text/turtle")
    assert (formats.results, formats.boolean, formats.graph) == (JSON, JSON, "text/turtle")


def test_csv_only_has_no_boolean_form() -> None:
    formats = choose_formats("text/csv")
    assert formats.results == "text/csv" and formats.boolean is None and formats.graph is None


def test_format_parameter_overrides_accept() -> None:
    assert choose_formats("text/csv", "ttl").graph == "text/turtle"
    assert choose_formats(None, "tsv").results == "text/tab-separated-values"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "PREFIX e: <http://example.org/> SELECT * { SERVICE SILENT e:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\\u0049CE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { optional { service <http://evil.example/> { ?s ?p ?o } } }",
    ],
)
def test_service_refused(query: str) -> None:
    with pytest.raises(QueryRefused):
        check_service(query, ())


def test_service_allow_list_by_host_and_prefix() -> None:
    query = "SELECT * WHERE { SERVICE <https://sparql.uniprot.org/sparql> { ?s ?p ?o } }"
    check_service(query, ("sparql.uniprot.org",))
    check_service(query, ("https://sparql.uniprot.org/",))
    with pytest.raises(QueryRefused):
        check_service(query, ("uniprot.org",))
    assert not service_allowed("https://sparql.uniprot.org.evil/", ("sparql.uniprot.org",))


def test_service_in_strings_and_names_is_not_a_call() -> None:
    check_service('SELECT * WHERE { ?s <http://e/service> "SERVICE" }', ())


def _store(n: int) -> Store:
    store = Store()
    for i in range(n):
        text = f"row {i}\twith tab\nand newline"
        store.add(Quad(NamedNode(f"http://e/{i}"), NamedNode("http://e/p"), Literal(text)))
    return store


def test_row_cap_truncates_and_says_so() -> None:
    results = _store(30).query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s")
    shaped = shape_solutions(results, JSON, 10)
    assert shaped.truncated and shaped.rows == 10
    rows = list(parse_query_results(shaped.body, QueryResultsFormat.JSON))
    assert len(rows) == 10
    assert rows[0]["o"].value.startswith("row ") and "\t" in rows[0]["o"].value


def test_row_cap_not_reached_is_not_truncated() -> None:
    for media in (JSON, "text/csv", "text/tab-separated-values", "application/sparql-results+xml"):
        shaped = shape_solutions(_store(10).query("SELECT * { ?s ?p ?o }"), media, 10)
        assert not shaped.truncated and shaped.rows == 10


def test_construct_cap() -> None:
    triples = _store(30).query("CONSTRUCT WHERE { ?s ?p ?o }")
    shaped = shape_triples(triples, "application/n-triples", 7)
    assert shaped.truncated and shaped.body.count(b"\n") == 7


@pytest.mark.parametrize(
    ("query", "bounded"),
    [
        ("SELECT ?p ?o WHERE { <https://w3id.org/cytoowl/CYTO_0000100> ?p ?o }", True),
        ("select * { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o . } LIMIT 5", True),
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("SELECT * WHERE { <http://e/a> ?p ?o } ORDER BY ?o", False),
        ("SELECT * WHERE { <http://e/a> ?p ?o . ?o ?q ?r }", False),
        ("SELECT (COUNT(*) AS ?n) WHERE { <http://e/a> ?p ?o }", False),
        ("SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }", False),
    ],
)
def test_bounded_lookup_recognition(query: str, bounded: bool) -> None:
    assert is_bounded_lookup(query) is bounded


_SLOTS = [  # (spellings of a lookup, spellings of something else), for each part
    (["SELECT", "select"], ["SELECT*", "ASK", "SERVICE", "\\u0053ELECT"]),
    (["*", "?p ?o", "$o", "?é"], ["?p?o", "(COUNT(*) AS ?n)", ""]),
    (["WHERE", "where", ""], ["WHERE#c\n", "FROM <http://e/g>"]),
    (["{"], ["{{", "{ SERVICE <http://e/> {"]),
    (["<http://e/a>", "?s", "<>"], ["<http://e/\\u0041>", "ex:a", "_:b", "<http://e/a b>"]),
    (["?p", "<http://e/p>", "$p"], ["a", "#c\n?p"]),
    (["?o", "<http://e/o>"], ['"x"', "5", "?o ?x"]),
    ([".", ""], [";", ". ?o ?q ?r", ","]),
    (["}"], ["}}", "} ORDER BY ?o", "}#"]),
    (["", "LIMIT 5", "limit 10"], ["LIMIT", "LIMIT 1.5", "OFFSET 2"]),
]  # fmt: skip
_SPACES = (["", " ", "\n", "\r", "\t  "], ["\u00a0", "\f"])


def _near_lookup(rng: random.Random) -> str:
    def pick(choices: tuple[list[str], list[str]]) -> str:
        return rng.choice(choices[0] if rng.random() < 0.9 else choices[1])

    return "".join(pick(slot) + pick(_SPACES) for slot in _SLOTS)


def test_plain_lookup_spelling_is_never_wider_than_the_tokens() -> None:
    """The regular expression for the plain spelling accepts nothing the token pass does
    not (the server skips the worker on either), on 30,000 near-lookups."""
    rng = random.Random(11)
    plain = 0
    for _ in range(30_000):
        query = _near_lookup(rng)
        if is_plain_lookup(query):
            plain += 1
            assert is_lookup_by_tokens(query), query
    assert plain > 1_000  # the generator does reach the plain spelling


def test_the_checks_a_plain_lookup_skips_find_nothing_in_one() -> None:
    """The server answers a plain lookup without the SERVICE, FROM and nesting checks
    (``execute(plain_lookup=True)``): on 30,000 near-lookups, each one the regular expression
    accepts has no escape and passes all three, with nothing allow-listed."""
    rng = random.Random(12)
    plain = 0
    for _ in range(30_000):
        query = _near_lookup(rng)
        if lookup_spelling(query) == PLAIN:
            plain += 1
            assert "\\" not in query, query
            check_service(query, (), "http://127.0.0.1/sparql")
            check_nesting(query)
            assert not has_dataset_clause(query), query
    assert plain > 1_000


@pytest.mark.parametrize("variables", ["?p ?o", "*", "?o"])
@pytest.mark.parametrize("where", ["", "WHERE ", "where"])
def test_plain_lookups_take_the_short_way(variables: str, where: str) -> None:
    query = f"SELECT {variables} {where}{{ <https://w3id.org/cytoowl/CYTO_0000100> ?p ?o }}"
    assert is_plain_lookup(query) and is_lookup_by_tokens(query)
