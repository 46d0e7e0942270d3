"""The OBO 1.4 flat file of the release (``cytoowl.obo``), written with fastobo's syntax tree.

What it carries (docs/release.md, "OBO file"): a header with the ontology's title, description,
licence and dated data-version; a ``[Term]`` per class (cytoowl's and the external ones it uses)
with name, definition, synonyms, xrefs, ``is_a``, existential ``relationship`` and
``disjoint_from``; a ``[Typedef]`` per object property; an ``[Instance]`` per individual with
name, definition, synonyms, xrefs and ``instance_of``. Two things stay in the OWL files only:

- the three defined classes' equivalence axioms (their differentia nest a ``hasValue`` inside an
  existential, which OBO's ``intersection_of`` cannot say);
- relations *between individuals* (binds receptor, has part, produced by, ...): fastobo 0.14.2
  panics on ``relationship:`` inside an ``[Instance]`` frame, and a file our own checker cannot
  read is worse than a smaller one. OBO Graphs JSON (``cytoowl.json``) has them as edges.

fastobo cannot construct an ``InstanceFrame`` from Python, so an instance is built as a term
frame with the same clauses (fastobo does the quoting and escaping) and its frame and ``is_a``
tags are renamed; the whole document is parsed back with fastobo before it is returned.
"""

from __future__ import annotations

import fastobo
from fastobo.doc import OboDoc
from fastobo.header import (
    DataVersionClause,
    FormatVersionClause,
    HeaderFrame,
    IdspaceClause,
    OntologyClause,
    PropertyValueClause,
)
from fastobo.id import PrefixedIdent, Url
from fastobo.pv import LiteralPropertyValue, ResourcePropertyValue
from fastobo.syn import Synonym
from fastobo.term import (
    DefClause,
    DisjointFromClause,
    IsAClause,
    IsObsoleteClause,
    NameClause,
    RelationshipClause,
    ReplacedByClause,
    SynonymClause,
    TermFrame,
    XrefClause,
)
from fastobo.typedef import DefClause as TypedefDefClause
from fastobo.typedef import InverseOfClause, IsMetadataTagClause, TypedefFrame
from fastobo.typedef import IsAClause as TypedefIsAClause
from fastobo.typedef import NameClause as TypedefNameClause
from fastobo.xref import Xref, XrefList
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from cytoowl import vocab

OIO_SYNONYM = URIRef(vocab.OIO + "hasExactSynonym")
OIO_XREF = URIRef(vocab.OIO + "hasDbXref")
DEFINITION = URIRef(vocab.DEFINITION)
REPLACED_BY = URIRef(vocab.TERM_REPLACED_BY)


class OboError(ValueError):
    """The OBO document fastobo wrote does not parse back (a bug here, not in the sources)."""


def ident(iri: str) -> PrefixedIdent | Url:
    """The OBO identifier of an IRI: a CURIE of the project's prefix map, else the IRI."""
    compact = vocab.curie(iri)
    prefix, sep, local = compact.partition(":")
    if sep and compact != iri:
        return PrefixedIdent(prefix, local)
    return Url(iri)


def _text(graph: Graph, node: URIRef, prop: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(node, prop) if isinstance(o, Literal))


def _annotation_clauses(graph: Graph, node: URIRef) -> list:
    clauses: list = [NameClause(label) for label in _text(graph, node, RDFS.label)[:1]]
    clauses += [DefClause(text, XrefList()) for text in _text(graph, node, DEFINITION)[:1]]
    clauses += [
        SynonymClause(Synonym(s, "EXACT", None, XrefList()))
        for s in _text(graph, node, OIO_SYNONYM)
    ]
    clauses += [XrefClause(Xref(ident(vocab.expand(x)))) for x in _text(graph, node, OIO_XREF)]
    if (node, OWL.deprecated, Literal(True)) in graph:
        clauses.append(IsObsoleteClause(True))
        clauses += [
            ReplacedByClause(ident(str(r))) for r in sorted(graph.objects(node, REPLACED_BY))
        ]
    return clauses


def _disjoint(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Pairwise disjointness of named classes (``owl:AllDisjointClasses`` and ``disjointWith``)."""
    pairs: dict[URIRef, set[URIRef]] = {}
    groups = [
        [m for m in Collection(graph, members) if isinstance(m, URIRef)]
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses)
        for members in graph.objects(axiom, OWL.members)
    ]
    groups += [[a, b] for a, b in graph.subject_objects(OWL.disjointWith)]
    for group in groups:
        for a in group:
            pairs.setdefault(a, set()).update(b for b in group if b != a)
    return pairs


def term_frame(graph: Graph, cls: URIRef, disjoint: set[URIRef]) -> TermFrame:
    clauses = _annotation_clauses(graph, cls)
    for parent in sorted(graph.objects(cls, RDFS.subClassOf)):
        if isinstance(parent, URIRef):
            clauses.append(IsAClause(ident(str(parent))))
        elif isinstance(parent, BNode):
            prop = graph.value(parent, OWL.onProperty)
            filler = graph.value(parent, OWL.someValuesFrom)
            if isinstance(prop, URIRef) and isinstance(filler, URIRef):
                clauses.append(RelationshipClause(ident(str(prop)), ident(str(filler))))
    clauses += [DisjointFromClause(ident(str(other))) for other in sorted(disjoint)]
    return TermFrame(ident(str(cls)), clauses)


def typedef_frame(graph: Graph, prop: URIRef) -> TypedefFrame:
    clauses: list = [TypedefNameClause(label) for label in _text(graph, prop, RDFS.label)[:1]]
    clauses += [TypedefDefClause(t, XrefList()) for t in _text(graph, prop, DEFINITION)[:1]]
    clauses += [
        TypedefIsAClause(ident(str(p)))
        for p in sorted(graph.objects(prop, RDFS.subPropertyOf))
        if isinstance(p, URIRef)
    ]
    clauses += [
        InverseOfClause(ident(str(p)))
        for p in sorted(graph.objects(prop, OWL.inverseOf))
        if isinstance(p, URIRef)
    ]
    return TypedefFrame(ident(str(prop)), clauses)


def instance_text(graph: Graph, individual: URIRef) -> str:
    """An ``[Instance]`` frame (see the module docstring for why it is built as a term)."""
    clauses = _annotation_clauses(graph, individual)
    types = sorted(
        t
        for t in graph.objects(individual, RDF.type)
        if isinstance(t, URIRef) and t != OWL.NamedIndividual
    )
    clauses += [IsAClause(ident(str(t))) for t in types]
    lines = str(TermFrame(ident(str(individual)), clauses)).splitlines()
    lines[0] = "[Instance]"
    return "\n".join(
        "instance_of: " + line.removeprefix("is_a: ") if line.startswith("is_a: ") else line
        for line in lines
    )


def header_frame(graph: Graph, version: str) -> HeaderFrame:
    onto = URIRef(vocab.ONTOLOGY_IRI)
    clauses: list = [
        FormatVersionClause("1.4"),
        DataVersionClause(f"cytoowl/releases/{version}/cytoowl.obo"),
        OntologyClause("cytoowl"),
        IdspaceClause("CYTO", Url(vocab.TERM_PREFIX)),
    ]
    for prop in (DCTERMS.title, DCTERMS.description):
        for text in _text(graph, onto, prop):
            clauses.append(
                PropertyValueClause(
                    LiteralPropertyValue(Url(str(prop)), text, PrefixedIdent("xsd", "string"))
                )
            )
    for licence in sorted(graph.objects(onto, DCTERMS.license)):
        clauses.append(
            PropertyValueClause(ResourcePropertyValue(Url(str(DCTERMS.license)), Url(str(licence))))
        )
    return HeaderFrame(clauses)


def _named(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(s for s in set(graph.subjects(RDF.type, kind)) if isinstance(s, URIRef))


def obo_document(graph: Graph, version: str) -> str:
    """The release as an OBO 1.4 document (checked by parsing it back with fastobo)."""
    disjoint = _disjoint(graph)
    classes = _named(graph, OWL.Class)
    frames = [term_frame(graph, c, disjoint.get(c, set())) for c in classes]
    frames += [typedef_frame(graph, p) for p in _named(graph, OWL.ObjectProperty)]
    # The header's annotation properties, declared (the OWL API flags them undeclared otherwise).
    frames += [
        TypedefFrame(Url(str(p)), [IsMetadataTagClause(True)])
        for p in (DCTERMS.description, DCTERMS.license, DCTERMS.title)
    ]
    text = str(OboDoc(header_frame(graph, version), frames)).rstrip("\n")
    instances = [i for i in _named(graph, OWL.NamedIndividual) if i not in set(classes)]
    text += "".join("\n\n" + instance_text(graph, i) for i in instances) + "\n"
    try:
        fastobo.loads(text)
    except Exception as exc:  # fastobo raises SyntaxError and its own error types
        raise OboError(f"cytoowl.obo does not parse back with fastobo: {exc}") from exc
    return text
