"""Publishing without an engine: endpoints derived per engine, the switching update, messages.
(Against real engines: tests/test_engines.py.)"""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Store

from cytoowl import engines
from cytoowl.publish.remote import _text, release_parts, switch
from cytoowl.serve.store.remote import query_form
from cytoowl.settings import Settings
from server_fixtures import FIXTURE


@pytest.mark.parametrize(
    ("url", "engine", "update", "graph_store"),
    [
        ("http://h:7878/query", "oxigraph", "http://h:7878/update", "http://h:7878/store"),
        (
            "http://h:8890/sparql",
            "virtuoso",
            "http://h:8890/sparql-auth",
            "http://h:8890/sparql-graph-crud-auth",
        ),
        ("http://h/ds/query", "oxigraph", "http://h/ds/update", "http://h/ds/store"),
    ],
)
def test_endpoints_are_derived_for_known_engines(url, engine, update, graph_store) -> None:
    found = engines.endpoints(Settings(store_url=url))
    assert (found.engine.name, found.update, found.graph_store) == (engine, update, graph_store)


def test_explicit_endpoints_win_and_unknown_engines_need_them() -> None:
    given = Settings(store_url="http://h/x", update_url="http://h/u", graph_store_url="http://h/g")
    assert engines.endpoints(given).require_writable() == ("http://h/u", "http://h/g")
    with pytest.raises(engines.EndpointError, match="--update-url and --graph-store-url"):
        engines.endpoints(Settings(store_url="http://h/repositories/x")).require_writable()
    forced = engines.endpoints(Settings(store_url="http://h/sparql", store_engine="oxigraph"))
    assert forced.engine is engines.OXIGRAPH and forced.update is None  # no /query to replace


def test_credentials_are_settings_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CYTOOWL_STORE_USER", "dba")
    monkeypatch.setenv("CYTOOWL_STORE_PASSWORD", "secret")
    settings = Settings()
    assert settings.store_user == "dba" and settings.store_password is not None
    assert settings.store_password.get_secret_value() == "secret"
    assert "secret" not in repr(settings)


def test_switch_replaces_every_target_in_one_update() -> None:
    """Both forms of the switch, run on pyoxigraph: targets get the staged triples, the
    staging graphs are gone, graphs not named are untouched."""
    for atomic in (True, False):
        store = Store()
        store.update(
            "INSERT DATA { GRAPH <urn:a> { <urn:old> <urn:p> 1 } "
            "GRAPH <urn:b> { <urn:old> <urn:p> 2 }"
            " GRAPH <urn:s1> { <urn:new> <urn:p> 1 } GRAPH <urn:s2> { <urn:new> <urn:p> 2, 3 }"
            " GRAPH <urn:other> { <urn:x> <urn:p> 9 } }"
        )
        store.update(switch({"urn:a": "urn:s1", "urn:b": "urn:s2"}, atomic))
        graphs = {g.value for g in store.named_graphs()} - {"urn:s1", "urn:s2"}
        counts = {
            g: sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(g)))
            for g in ("urn:a", "urn:b", "urn:s1", "urn:s2", "urn:other")
        }
        assert counts == {"urn:a": 1, "urn:b": 2, "urn:s1": 0, "urn:s2": 0, "urn:other": 1}
        assert {"urn:a", "urn:b", "urn:other"} <= graphs
        new = NamedNode("urn:new")
        assert next(store.quads_for_pattern(new, None, None, NamedNode("urn:a")), None)


def test_release_parts_cover_the_served_graphs() -> None:
    parts = release_parts(FIXTURE)
    graphs = [p.graph for p in parts]
    assert graphs[0] == "https://w3id.org/cytoowl/cytoowl.owl"
    assert {"https://w3id.org/cytoowl/shapes", "https://w3id.org/cytoowl/queries"} <= set(graphs)
    queries = next(p for p in parts if p.graph.endswith("/queries"))
    assert b"SPARQLExecutable" in queries.data and queries.size == len(queries.data)


def test_engine_error_pages_become_one_line_naming_the_graph() -> None:
    page = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>failed</title>'
        "</head><body><h1>HTTP/1.1 500</h1><h3>Error 22023</h3><xmp>The PUT request for graph "
        "<urn:cytoowl:staging:1:0> is rejected</xmp></body></html>"
    )
    assert (
        _text(page) == "Error 22023 The PUT request for graph <urn:cytoowl:staging:1:0> is rejected"
    )
    assert _text("Parser error at line 1") == "Parser error at line 1"


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX s: <http://x/SELECT#> # ASK\nCONSTRUCT WHERE { ?s ?p 'SELECT' }", "construct"),
        ('SELECT * WHERE { ?s ?p """DESCRIBE""" }', "select"),
        ("ask {}", "ask"),
        ("DESCRIBE <x>", "describe"),
    ],
)
def test_query_form_ignores_keywords_in_iris_strings_and_comments(query, form) -> None:
    assert query_form(query) == form
