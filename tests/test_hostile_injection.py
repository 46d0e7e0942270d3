"""Hostile input, issue 27: nothing a user or a data file gives becomes SPARQL text. Graph
IRIs (``publish --graph``, ``load --graph``, ``store_graphs``) are parsed as IRIs before any
query or update is written with them; a value that is not one is refused in one line."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cytoowl import vocab
from cytoowl.cli import app
from cytoowl.engines import OXIGRAPH, Endpoints
from cytoowl.publish import remote
from cytoowl.settings import SettingsError, load_settings
from engine_servers import OXIGRAPH as OXIGRAPH_SERVER
from engine_servers import oxigraph
from tools import skip_or_fail

#: The graph name that dropped every graph of a real Oxigraph server (issue 27).
INJECTED = "http://e/g> ; DROP ALL ; MOVE SILENT <urn:none> TO <http://e/h"
NOT_IRIS = [INJECTED, "http://e/g h", "relative/graph", "http://e/{x}", ""]


@pytest.mark.parametrize("text", NOT_IRIS)
def test_sparql_iri_refuses_what_is_not_an_absolute_iri(text: str) -> None:
    with pytest.raises(ValueError, match="not an absolute IRI"):
        vocab.sparql_iri(text)


def test_sparql_iri_writes_a_parsed_iri() -> None:
    assert vocab.sparql_iri("http://e/g") == "<http://e/g>"
    assert vocab.sparql_iri("urn:cytoowl:staging:1:0") == "<urn:cytoowl:staging:1:0>"


def test_switch_refuses_an_injected_graph_name() -> None:
    with pytest.raises(ValueError, match="not an absolute IRI"):
        remote.switch({INJECTED: "urn:cytoowl:staging:1:0"}, atomic_requests=True)
    with pytest.raises(ValueError, match="not an absolute IRI"):
        remote.switch({INJECTED: "urn:cytoowl:staging:1:0"}, atomic_requests=False)


def test_publish_sends_nothing_for_an_injected_graph(tmp_path: Path) -> None:
    """Not one request reaches the engine: the graph is refused before the first update."""
    sent: list[httpx.Request] = []
    writer = remote.Writer(
        Endpoints(OXIGRAPH, "http://h/query", "http://h/update", "http://h/store"), None, None, 5
    )
    writer.client = httpx.Client(transport=httpx.MockTransport(lambda r: sent.append(r)))
    data = tmp_path / "a.ttl"
    data.write_text("<urn:s> <urn:p> <urn:o> .\n")
    with pytest.raises(remote.PublishError, match="not an absolute IRI"):
        remote.publish(writer, [remote.Part(INJECTED, "a.ttl", "text/turtle", data)])
    assert sent == []


def test_cli_publish_refuses_an_injected_graph_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "a.ttl"
    data.write_text("<urn:s> <urn:p> <urn:o> .\n")
    store = "http://127.0.0.1:9/query"  # nothing listens: a refusal must come first
    answer = CliRunner().invoke(app, ["publish", "--store", store, "--graph", INJECTED, str(data)])
    assert answer.exit_code == 2, answer.output
    assert "not an absolute IRI" in answer.output and "cannot reach" not in answer.output
    assert len(answer.output.strip().splitlines()) == 1


def test_cli_load_refuses_an_injected_graph_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "a.ttl"
    data.write_text("<urn:s> <urn:p> <urn:o> .\n")
    directory = tmp_path / "store"
    answer = CliRunner().invoke(
        app, ["load", "--data-dir", str(directory), "--graph", INJECTED, str(data)]
    )
    assert answer.exit_code == 2, answer.output
    assert "not an absolute IRI" in answer.output
    assert answer.exception is None or isinstance(answer.exception, SystemExit)


def test_store_graphs_setting_must_hold_iris() -> None:
    with pytest.raises(SettingsError, match=r"store_graphs.*not an absolute IRI"):
        load_settings(store_graphs=(INJECTED,))
    assert load_settings(store_graphs=("http://e/g",)).store_graphs == ("http://e/g",)


@pytest.mark.slow
def test_publish_with_an_injected_graph_leaves_a_real_oxigraph_server_intact(
    tmp_path: Path,
) -> None:
    """The reproduction of issue 27 against a real engine: every other graph survives."""
    if not Path(OXIGRAPH_SERVER).is_file():
        skip_or_fail("oxigraph not found: pip install oxigraph (the test extra)")
    engine = oxigraph(tmp_path / "engine")
    engine.start()
    try:
        update = engine.query_url.replace("/query", "/update")
        keep = "INSERT DATA { GRAPH <urn:keep> { <urn:s> <urn:p> 1 } }"
        httpx.post(update, data={"update": keep})
        data = tmp_path / "a.ttl"
        data.write_text("<urn:s> <urn:p> <urn:o> .\n")
        CliRunner().invoke(
            app, ["publish", "--store", engine.query_url, "--graph", INJECTED, str(data)]
        )
        ask = httpx.post(
            engine.query_url,
            data={"query": "ASK { GRAPH <urn:keep> { <urn:s> <urn:p> 1 } }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert ask.json()["boolean"] is True
    finally:
        engine.stop()


def test_values_lists_are_built_from_parsed_iris() -> None:
    """VALUES lists (remote label lookups, publish counts) hold parsed IRIs only."""
    with pytest.raises(ValueError, match="not an absolute IRI"):
        vocab.sparql_iris(["urn:a", INJECTED])
    assert vocab.sparql_iris(["urn:a", "urn:b"]) == "<urn:a> <urn:b>"
