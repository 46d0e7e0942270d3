"""Writing the release graph as the RDF release files of DESIGN §4, byte-stable.

The OBO file, OBO Graphs JSON, SSSOM, release notes and HTML reference have their own modules;
:func:`serialise` writes all of them in the order of :meth:`cytoowl.paths.ReleaseFiles.all`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
from rdflib import OWL, RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from cytoowl import paths, vocab
from cytoowl.release import diff, htmldoc, obo, obographs
from cytoowl.release.exports import release_metadata
from cytoowl.release.interactome import interactions_tsv
from cytoowl.release.sssom import sssom_tsv

_RDF_TYPE = str(RDF.type)


def with_header(graph: Graph, iri: str, version: str, file: str, title: str) -> Graph:
    """A copy of ``graph`` whose ontology header is ``iri`` (with its own dated version IRI)."""
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True)
    main = URIRef(vocab.ONTOLOGY_IRI)
    onto = URIRef(iri)
    for s, p, o in graph:
        if s == main:
            if p == OWL.versionIRI:
                o = URIRef(vocab.version_iri(version, file))
            elif p == DCTERMS.title:
                o = Literal(title, lang="en")
            out.add((onto, p, o))
        else:
            out.add((s, p, o))
    return out


def _reachable_blank_nodes(graph: Graph, roots: set[BNode]) -> set[BNode]:
    """The blank nodes reachable from ``roots`` (OWL expressions, lists, axiom annotations)."""
    seen: set[BNode] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(o for o in graph.objects(node) if isinstance(o, BNode))
    return seen


def base_graph(graph: Graph, version: str) -> Graph:
    """The base module per the OBO base specification.

    Every axiom about cytoowl's own terms (their declarations, annotations, logical axioms and
    the axiom annotations and expressions hanging from them), a declaration of each external
    entity they use (so every entity is typed, as OWL 2 DL wants), and its own header
    (``cytoowl-base.owl`` with a dated version IRI). Labels and axioms of external terms stay in
    the full release: a base merges with other ontologies' bases without clashing.
    """
    own = vocab.TERM_PREFIX
    base = Graph()
    for prefix, namespace in graph.namespaces():
        base.bind(prefix, namespace, override=True)
    roots: set[BNode] = set()
    used: set[URIRef] = set()
    for s, p, o in graph:
        if isinstance(s, URIRef) and (s.startswith(own) or s == URIRef(vocab.ONTOLOGY_IRI)):
            base.add((s, p, o))
            if isinstance(o, BNode):
                roots.add(o)
            elif isinstance(o, URIRef) and p != RDF.type:
                used.add(o)
            used.add(p)
        elif isinstance(s, BNode) and (s, OWL.annotatedSource, None) in graph:
            source = graph.value(s, OWL.annotatedSource)
            if isinstance(source, URIRef) and source.startswith(own):
                roots.add(s)
    for node in _reachable_blank_nodes(graph, roots):
        for p, o in graph.predicate_objects(node):
            base.add((node, p, o))
            if isinstance(o, URIRef):
                used.add(o)
            used.add(p)
    for iri in used:
        if not iri.startswith(own):
            for kind in graph.objects(iri, RDF.type):
                base.add((iri, RDF.type, kind))
    return with_header(
        base,
        vocab.BASE_ONTOLOGY_IRI,
        version,
        "cytoowl-base.owl",
        "cytoowl base module: the axioms about cytoowl's own terms",
    )


def _sort_key(header: str):
    def key(t: pyoxigraph.Triple) -> tuple:
        # rdf:type first within a subject: pyoxigraph then writes the subject as a typed node
        # element (<owl:Ontology rdf:about=...>), which pronto and the OWL API's strict parser
        # need for the header; rdf:Description + rdf:type is the same RDF but they refuse it.
        # Among the types, OWL's own (owl:Class, owl:NamedIndividual, ...) come first, so a
        # punned class typed by a class is still written as <owl:Class>.
        predicate = str(t.predicate.value)
        is_type = predicate == _RDF_TYPE
        return (
            str(t.subject) != header,
            str(t.subject),
            not is_type,
            predicate,
            not (is_type and str(t.object.value).startswith(vocab.OWL)),
            str(t.object),
        )

    return key


def sorted_triples(graph: Graph, header: str = vocab.ONTOLOGY_IRI) -> list[pyoxigraph.Triple]:
    """The graph's triples as pyoxigraph terms: ontology header first, then sorted."""
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return sorted(triples, key=_sort_key(f"<{header}>"))


def write_sorted(
    graph: Graph, path: Path, fmt: pyoxigraph.RdfFormat, header: str = vocab.ONTOLOGY_IRI
) -> None:
    """Serialise in sorted triple order with pyoxigraph.

    rdflib's RDF/XML and JSON-LD writers follow its store's hash order, which changes between
    runs; pyoxigraph writes triples in the order given, so the output is byte-stable.
    """
    prefixes = vocab.bindings(*vocab.RELEASE_BINDINGS)
    pyoxigraph.serialize(sorted_triples(graph, header), str(path), fmt, prefixes=prefixes)


def exports_metadata(files: paths.ReleaseFiles, version: str) -> str:
    """``exports/metadata.json``: the release version, date and licence of the TSV exports."""
    about = release_metadata("cytoowl interactome (TSV exports)", version)
    about["files"] = {
        files.interactions.name: "every tier but 'unconfirmed' (human)",
        files.interactions_all.name: "every confidence tier (human)",
        files.interactions_mouse.name: "mouse: observed in mouse or inferred from orthology",
    }
    return json.dumps(about, indent=2) + "\n"


def serialise(graph: Graph, directory: Path, version: str, previous: Path | None) -> list[Path]:
    """Write every release file of DESIGN §4 into ``directory``; return them in ``all()`` order."""
    files = paths.ReleaseFiles(directory)
    files.sssom.parent.mkdir(parents=True, exist_ok=True)
    files.docs.parent.mkdir(parents=True, exist_ok=True)
    files.interactions.parent.mkdir(parents=True, exist_ok=True)
    graph.serialize(files.ttl, format="turtle", encoding="utf-8")
    with htmldoc.ReferenceHtml(files.ttl) as reference:  # pyLODE runs beside what follows
        write_sorted(graph, files.owl, pyoxigraph.RdfFormat.RDF_XML)
        write_sorted(graph, files.jsonld, pyoxigraph.RdfFormat.JSON_LD)
        write_sorted(
            base_graph(graph, version),
            files.base,
            pyoxigraph.RdfFormat.RDF_XML,
            vocab.BASE_ONTOLOGY_IRI,
        )
        files.obo.write_text(obo.obo_document(graph, version), encoding="utf-8")
        files.obographs.write_text(obographs.obographs_json(graph), encoding="utf-8")
        files.sssom.write_text(sssom_tsv(graph, version), encoding="utf-8")
        files.interactions.write_text(interactions_tsv(graph), encoding="utf-8")
        files.interactions_all.write_text(interactions_tsv(graph, "unconfirmed"), encoding="utf-8")
        files.interactions_mouse.write_text(
            interactions_tsv(graph, "unconfirmed", "mouse"), encoding="utf-8"
        )
        files.exports_metadata.write_text(exports_metadata(files, version), encoding="utf-8")
        old = Graph().parse(previous, format="turtle") if previous else None
        files.notes.write_text(diff.release_notes(old, graph), encoding="utf-8")
        files.docs.write_text(reference.result(), encoding="utf-8")
    return files.all()
