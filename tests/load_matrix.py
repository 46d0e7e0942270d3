"""The load matrix: every release artefact opened by every tool that reads its format.

Each cell is the entity counts the tool reports (classes, individuals, object properties in the
file's signature) or the error it raised. ``python tests/load_matrix.py`` prints the matrix.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
from rdflib import OWL, RDF, Graph, URIRef

from cytoowl import formats
from tools import CHECKOUT

Counts = dict[str, int]
RELEASE = CHECKOUT.release
RDF_FILES = {"owl": RELEASE.owl, "ttl": RELEASE.ttl, "jsonld": RELEASE.jsonld, "base": RELEASE.base}


def _typed(pairs) -> Counts:
    kinds = {str(OWL.Class): set(), str(OWL.NamedIndividual): set(), str(OWL.ObjectProperty): set()}
    for s, o in pairs:
        if s.startswith(("http://", "https://")) and o in kinds:
            kinds[o].add(s)
    return {
        "classes": len(kinds[str(OWL.Class)]),
        "individuals": len(kinds[str(OWL.NamedIndividual)]),
        "object_properties": len(kinds[str(OWL.ObjectProperty)]),
    }


def rdflib_counts(path: Path) -> Counts:
    graph = Graph().parse(path, format=formats.rdflib_format(path))
    return _typed(
        (str(s), str(o)) for s, o in graph.subject_objects(RDF.type) if isinstance(s, URIRef)
    )


def pyoxigraph_counts(path: Path) -> Counts:
    triples = pyoxigraph.parse(path=str(path), format=formats.by_extension(path))
    return _typed(
        (t.subject.value, t.object.value)
        for t in triples
        if t.predicate.value == str(RDF.type) and isinstance(t.subject, pyoxigraph.NamedNode)
    )


def owlready2_counts(path: Path) -> Counts:
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    return {
        "classes": len(set(world.classes())),
        "individuals": len(set(world.individuals())),
        "object_properties": len(set(world.object_properties())),
        "ontology_iri": onto.base_iri,  # type: ignore[dict-item]
    }


def horned_counts(path: Path) -> Counts:
    import pyhornedowl

    onto = pyhornedowl.open_ontology(str(path), "owl")
    return {
        "classes": len(onto.get_classes()),
        "individuals": len(onto.get_named_individuals()),
        "object_properties": len(onto.get_object_properties()),
        "axioms": len(onto.get_axioms()),
    }


def pronto_counts(path: Path) -> Counts:
    import pronto

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onto = pronto.Ontology(str(path))
    return {"classes": len(onto.terms()), "object_properties": len(onto.relationships())}


def fastobo_counts(path: Path) -> Counts:
    import fastobo

    doc = fastobo.load(str(path))
    names = [type(frame).__name__ for frame in doc]
    return {
        "classes": names.count("TermFrame"),
        "individuals": names.count("InstanceFrame"),
        "object_properties": names.count("TypedefFrame"),
    }


def obographs_counts(path: Path) -> Counts:
    nodes = json.loads(path.read_text(encoding="utf-8"))["graphs"][0]["nodes"]
    kinds = [n.get("type") for n in nodes]
    return {
        "classes": kinds.count("CLASS"),
        "individuals": kinds.count("INDIVIDUAL"),
        "object_properties": kinds.count("PROPERTY"),
    }


def owlapi_counts(path: Path, strict: bool = False) -> Counts:
    from owlapi_check import check_dl_profile

    result = check_dl_profile(path, strict=strict)
    if result["violation_lines"]:
        raise RuntimeError(f"{len(result['violation_lines'])} OWL 2 DL violations")  # type: ignore[arg-type]
    return {k: result[k] for k in ("classes", "individuals", "object_properties", "axioms")}  # type: ignore[misc]


#: tool -> (reader, artefacts it reads)
TOOLS: dict[str, tuple[Callable[[Path], Counts], dict[str, Path]]] = {
    "rdflib": (rdflib_counts, RDF_FILES),
    "pyoxigraph": (pyoxigraph_counts, RDF_FILES),
    "owlready2": (owlready2_counts, {"owl": RELEASE.owl, "base": RELEASE.base}),
    "py-horned-owl": (horned_counts, {"owl": RELEASE.owl, "base": RELEASE.base}),
    "pronto": (
        pronto_counts,
        {"owl": RELEASE.owl, "base": RELEASE.base, "obo": RELEASE.obo, "json": RELEASE.obographs},
    ),
    "fastobo": (fastobo_counts, {"obo": RELEASE.obo}),
    "obographs": (obographs_counts, {"json": RELEASE.obographs}),
    "owlapi": (owlapi_counts, {**RDF_FILES, "obo": RELEASE.obo}),
    "owlapi-strict": (
        lambda p: owlapi_counts(p, strict=True),
        {"owl": RELEASE.owl, "base": RELEASE.base, "ttl": RELEASE.ttl},
    ),
}


def cell(tool: str, artefact: str) -> Counts | str:
    reader, files = TOOLS[tool]
    try:
        return reader(files[artefact])
    except Exception as exc:  # a tool's failure is a cell of the matrix, not a crash
        return f"error: {type(exc).__name__}: {str(exc).strip().splitlines()[0][:160]}"


def matrix() -> dict[str, dict[str, Counts | str]]:
    return {tool: {a: cell(tool, a) for a in files} for tool, (_, files) in TOOLS.items()}


if __name__ == "__main__":  # pragma: no cover
    for tool, row in matrix().items():
        for artefact, value in row.items():
            print(f"{tool:14} {artefact:7} {value}")
