"""Shared fixtures: the committed release as an rdflib graph and as a pyoxigraph store."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph

from cytoowl import paths


@pytest.fixture(scope="session")
def release_graph() -> Graph:
    """The committed Turtle release, parsed once per test session."""
    return Graph().parse(paths.RELEASE.ttl, format="turtle")


@pytest.fixture(scope="session")
def release_store() -> pyoxigraph.Store:
    """The committed Turtle release in an in-memory pyoxigraph store (for SPARQL tests)."""
    store = pyoxigraph.Store()
    store.load(path=str(paths.RELEASE.ttl), format=pyoxigraph.RdfFormat.TURTLE)
    return store
