"""OBO Graphs JSON of the release (``cytoowl.json``), built with the ``obographs`` object model.

Nodes are the classes, object properties and individuals (with label, definition, synonyms,
xrefs, deprecation); edges are ``is_a`` (subclass), ``rdf:type`` (individual to class), the
existential restrictions of classes and every object property assertion between named entities;
the defined classes' equivalences are ``logicalDefinitionAxioms`` where the differentia is a
plain existential. IRIs are written in full, as the OWL API's OBO Graphs writer does.
"""

from __future__ import annotations

import json

from obographs.model import (
    Definition,
    Edge,
    ExistentialRestrictionExpression,
    GraphDocument,
    LogicalDefinition,
    Meta,
    Node,
    Property,
    Synonym,
    Xref,
)
from obographs.model import Graph as OboGraph
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from cytoowl import vocab

DEFINITION = URIRef(vocab.DEFINITION)
SYNONYM = URIRef(vocab.OIO + "hasExactSynonym")
XREF = URIRef(vocab.OIO + "hasDbXref")
KINDS = {OWL.Class: "CLASS", OWL.ObjectProperty: "PROPERTY", OWL.NamedIndividual: "INDIVIDUAL"}


def _texts(graph: Graph, node: URIRef, prop: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(node, prop) if isinstance(o, Literal))


def node_meta(graph: Graph, node: URIRef) -> Meta | None:
    definitions = _texts(graph, node, DEFINITION)
    synonyms = [Synonym(val=s) for s in _texts(graph, node, SYNONYM)]
    xrefs = [Xref(val=x) for x in _texts(graph, node, XREF)]
    deprecated = (node, OWL.deprecated, Literal(True)) in graph
    if not (definitions or synonyms or xrefs or deprecated):
        return None
    return Meta(
        definition=Definition(val=definitions[0]) if definitions else None,
        synonyms=synonyms or None,
        xrefs=xrefs or None,
        deprecated=deprecated,
    )


def nodes(graph: Graph) -> list[Node]:
    out = []
    for kind, name in KINDS.items():
        for node in sorted(set(graph.subjects(RDF.type, kind))):
            if not isinstance(node, URIRef):
                continue
            if kind == OWL.NamedIndividual and (node, RDF.type, OWL.Class) in graph:
                continue  # a punned class is listed once, as a class
            labels = _texts(graph, node, RDFS.label)
            out.append(
                Node(
                    id=str(node),
                    lbl=labels[0] if labels else None,
                    type=name,
                    propertyType="OBJECT" if name == "PROPERTY" else None,
                    meta=node_meta(graph, node),
                )
            )
    return out


def edges(graph: Graph) -> list[Edge]:
    out: set[tuple[str, str, str]] = set()
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    for s, p, o in graph:
        if not isinstance(s, URIRef) or not isinstance(o, URIRef):
            continue
        if p == RDFS.subClassOf:
            out.add((str(s), "is_a", str(o)))
        elif p == RDF.type and o not in KINDS and o != OWL.Ontology:
            out.add((str(s), "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", str(o)))
        elif p in object_properties:
            out.add((str(s), str(p), str(o)))
    # 'C subClassOf (P some F)' and 'x rdf:type (P some F)' (produced by some cell type): P edges
    restricted = [*graph.subject_objects(RDFS.subClassOf), *graph.subject_objects(RDF.type)]
    for cls, restriction in restricted:
        if isinstance(cls, URIRef) and isinstance(restriction, BNode):
            prop = graph.value(restriction, OWL.onProperty)
            filler = graph.value(restriction, OWL.someValuesFrom)
            if isinstance(prop, URIRef) and isinstance(filler, URIRef):
                out.add((str(cls), str(prop), str(filler)))
    return [Edge(sub=s, pred=p, obj=o) for s, p, o in sorted(out)]


def logical_definitions(graph: Graph) -> list[LogicalDefinition]:
    """``C = G and R some F`` equivalences with named genus and filler (others are skipped)."""
    out = []
    for cls, expression in sorted(graph.subject_objects(OWL.equivalentClass)):
        members = graph.value(expression, OWL.intersectionOf)
        if not isinstance(cls, URIRef) or members is None:
            continue
        genus, restrictions, complete = [], [], True
        for member in Collection(graph, members):
            prop = graph.value(member, OWL.onProperty)
            filler = graph.value(member, OWL.someValuesFrom)
            if isinstance(member, URIRef):
                genus.append(str(member))
            elif isinstance(prop, URIRef) and isinstance(filler, URIRef):
                restrictions.append(
                    ExistentialRestrictionExpression(propertyId=str(prop), fillerId=str(filler))
                )
            else:
                complete = False  # e.g. a nested hasValue: not expressible here
        if complete:
            out.append(
                LogicalDefinition(
                    definedClassId=str(cls), genusIds=genus, restrictions=restrictions
                )
            )
    return out


def graph_meta(graph: Graph) -> Meta:
    onto = URIRef(vocab.ONTOLOGY_IRI)
    values = [
        Property(pred=str(p), val=str(o))
        for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license)
        for o in sorted(graph.objects(onto, p))
    ]
    return Meta(version=str(graph.value(onto, OWL.versionIRI)), basicPropertyValues=values)


def obographs_json(graph: Graph) -> str:
    """The OBO Graphs document (one graph, id = the ontology IRI), deterministic JSON."""
    document = GraphDocument(
        graphs=[
            OboGraph(
                id=vocab.ONTOLOGY_IRI,
                meta=graph_meta(graph),
                nodes=nodes(graph),
                edges=edges(graph),
                logicalDefinitionAxioms=logical_definitions(graph),
            )
        ]
    )
    data = document.model_dump(exclude_none=True, exclude_defaults=False)
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
