"""Classify the ontology with HermiT (through owlready2) and return the inferred individual types.

HermiT is the reasoner Protégé users run; owlready2 bundles it (its Pellet fails on Java 17,
see ENVIRONMENT.md). The build fails on an inconsistent ontology or an unsatisfiable class.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import owlready2
from rdflib import OWL, RDF, Graph, URIRef

from cytoowl.build.assemble import CYTO


class ReasoningError(Exception):
    """The ontology is inconsistent or has unsatisfiable classes."""


@dataclass(frozen=True)
class Inference:
    """What HermiT added: new (individual, class) types, and how long it took."""

    types: list[tuple[URIRef, URIRef]]
    seconds: float


def reason(graph: Graph) -> Inference:
    """Run HermiT on ``graph``; return individual types it entails that were not asserted."""
    with tempfile.TemporaryDirectory(prefix="cytoowl-reason-") as tmp:
        path = Path(tmp) / "asserted.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        start = time.perf_counter()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise ReasoningError(f"HermiT: the ontology is inconsistent ({exc})") from exc
        seconds = time.perf_counter() - start
        unsatisfiable = sorted(
            c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing
        )
        if unsatisfiable:
            raise ReasoningError(f"HermiT: unsatisfiable classes: {', '.join(unsatisfiable)}")
        asserted = {(s, o) for s, o in graph.subject_objects(RDF.type)}
        inferred = set()
        for individual in world.individuals():
            subject = URIRef(individual.iri)
            for cls in individual.is_a:
                if isinstance(cls, owlready2.ThingClass) and cls.iri.startswith(str(CYTO)):
                    pair = (subject, URIRef(cls.iri))
                    if pair not in asserted:
                        inferred.add(pair)
        return Inference(sorted(inferred), seconds)


def materialise(graph: Graph, inference: Inference) -> None:
    """Add the inferred individual types to ``graph`` (so SPARQL users need no reasoner)."""
    for individual, cls in inference.types:
        graph.add((individual, RDF.type, cls))
    assert (URIRef(OWL.Thing), None, None) not in graph
