"""Shared fixtures: the committed release as an rdflib graph and as a pyoxigraph store, and
the servers that tests only read from (``server_fixtures``), each started once per session.

A fixture imported into a test module is a separate fixture of that module (its session
scope then means once per module): the shared servers are imported here, and only here.
"""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import RDF, Graph, URIRef

from server_fixtures import fixture_client, live_url, release_client, release_sources  # noqa: F401
from tools import CHECKOUT

#: The modules that take longest (``--durations``, session 9), run first and whole: under
#: pytest-xdist (``make test``) a worker then steals the many short tests at the end, rather
#: than both waiting for a long test that started late.
LONGEST_FIRST = [
    "test_shacl_engine.py",
    "test_release_versions.py",
    "test_release.py",
    "test_validate.py",
    "test_release_artefacts.py",
    "test_shapes.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: modules whole


@pytest.fixture(scope="session")
def release_graph() -> Graph:
    """The committed Turtle release, parsed once per test session."""
    return Graph().parse(CHECKOUT.release.ttl, format="turtle")


@pytest.fixture(scope="session")
def release_store() -> pyoxigraph.Store:
    """The committed Turtle release in an in-memory pyoxigraph store (for SPARQL tests)."""
    store = pyoxigraph.Store()
    store.load(path=str(CHECKOUT.release.ttl), format=pyoxigraph.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="session")
def tbox_graph() -> Graph:
    """The curated TBox (ontology/src/tbox/) without its statements about individuals.

    The TBox files also annotate a few release individuals (e.g. CYTO:0000113 notes on IL6),
    which they do not declare; fixtures that stand for an ontology get only the TBox proper.
    """
    graph = Graph()
    for path in sorted((CHECKOUT.source_dir / "tbox").glob("*.ttl")):
        graph.parse(path, format="turtle")
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef) and (subject, RDF.type, None) not in graph:
            graph.remove((subject, None, None))
    return graph
