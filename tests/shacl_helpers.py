"""Helpers shared by the SHACL tests: the fixtures and the SPARQL prefixes of their updates."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

FIXTURES = Path(__file__).parent / "fixtures"
SHACL_FIXTURES = FIXTURES / "shacl"
EX = "http://example.org/fixture/"
PREFIXES = f"""
PREFIX ex: <{EX}>
PREFIX cmp: <https://w3id.org/cytoowl/profile/measurement#>
PREFIX CYTO: <https://w3id.org/cytoowl/CYTO_>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX oio: <http://www.geneontology.org/formats/oboInOwl#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX unit: <http://qudt.org/vocab/unit/>
PREFIX sosa: <http://www.w3.org/ns/sosa/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
BAD = sorted((SHACL_FIXTURES / "bad").glob("*/*.ru"))
BASES = ["instances", "measurement"]


def fixture_graph(base: str, updates: list[Path], tbox: Graph) -> Graph:
    """A good fixture (instances: with the TBox, an ontology), changed by SPARQL Updates."""
    graph = Graph().parse(SHACL_FIXTURES / "good" / f"{base}.ttl", format="turtle")
    if base == "instances":
        graph += tbox
    for update in updates:
        graph.update(PREFIXES + update.read_text())
    return graph
