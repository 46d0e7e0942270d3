"""Writing the release graph as the release files of DESIGN §4, byte-stable."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
from rdflib import Graph, URIRef

from cytoowl import paths, vocab
from cytoowl.release.interactome import interactions_tsv
from cytoowl.release.sssom import sssom_tsv


def base_graph(graph: Graph) -> Graph:
    """The base module: only axioms about cytoowl's own terms and the ontology header."""
    base = Graph()
    for prefix, namespace in graph.namespaces():
        base.bind(prefix, namespace, override=True)
    own = (vocab.TERM_PREFIX, vocab.ONTOLOGY_IRI)
    for s, p, o in graph:
        if not isinstance(s, URIRef) or s.startswith(own):
            base.add((s, p, o))
    return base


def _sorted_triples(graph: Graph) -> list[pyoxigraph.Triple]:
    """The graph's triples as pyoxigraph terms, ontology header first, then sorted."""
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))
    header = f"<{vocab.ONTOLOGY_IRI}>"
    return sorted(
        triples,
        key=lambda t: (str(t.subject) != header, str(t.subject), str(t.predicate), str(t.object)),
    )


def _write_sorted(graph: Graph, path: Path, fmt: pyoxigraph.RdfFormat) -> None:
    """Serialise in sorted triple order with pyoxigraph.

    rdflib's RDF/XML and JSON-LD writers follow its store's hash order, which changes between
    runs; pyoxigraph writes triples in the order given, so the output is byte-stable.
    """
    prefixes = vocab.bindings(*vocab.RELEASE_BINDINGS)
    pyoxigraph.serialize(_sorted_triples(graph), str(path), fmt, prefixes=prefixes)


def serialise(graph: Graph, directory: Path, version: str) -> list[Path]:
    """Write every release file of DESIGN §4 into ``directory``."""
    files = paths.ReleaseFiles(directory)
    files.sssom.parent.mkdir(parents=True, exist_ok=True)
    files.interactions.parent.mkdir(parents=True, exist_ok=True)
    _write_sorted(graph, files.owl, pyoxigraph.RdfFormat.RDF_XML)
    graph.serialize(files.ttl, format="turtle", encoding="utf-8")
    _write_sorted(graph, files.jsonld, pyoxigraph.RdfFormat.JSON_LD)
    _write_sorted(base_graph(graph), files.base, pyoxigraph.RdfFormat.RDF_XML)
    files.sssom.write_text(sssom_tsv(graph, version), encoding="utf-8")
    files.interactions.write_text(interactions_tsv(graph), encoding="utf-8")
    return files.all()
