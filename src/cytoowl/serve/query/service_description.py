"""Dataset statistics (VoID) and the SPARQL 1.1 Service Description of the endpoint."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, Triple

from cytoowl.serve.protocol import GRAPH_TYPES, RESULT_TYPES, media_type
from cytoowl.serve.store.statistics import Stats
from cytoowl.settings import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INT = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
# W3C format IRIs (https://www.w3.org/ns/formats/) of the media types served.
FORMAT_IRIS = {
    media_type(f): name
    for f, name in (
        (QueryResultsFormat.JSON, "SPARQL_Results_JSON"),
        (QueryResultsFormat.XML, "SPARQL_Results_XML"),
        (QueryResultsFormat.CSV, "SPARQL_Results_CSV"),
        (QueryResultsFormat.TSV, "SPARQL_Results_TSV"),
        (RdfFormat.TURTLE, "Turtle"),
        (RdfFormat.N_TRIPLES, "N-Triples"),
        (RdfFormat.JSON_LD, "JSON-LD"),
        (RdfFormat.RDF_XML, "RDF_XML"),
    )
}

__all__ = ["Stats", "describe"]


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=XSD_INT)


def _void(node: BlankNode, numbers: dict[str, int]) -> list[Triple]:
    names = {
        "triples": "triples",
        "subjects": "distinctSubjects",
        "properties": "properties",
        "objects": "distinctObjects",
    }
    return [Triple(node, NamedNode(VOID + names[k]), _int(v)) for k, v in numbers.items()]


def describe(endpoint: str, stats: Stats, settings: Settings) -> list[Triple]:
    """The Service Description: features, formats, and the dataset with VoID numbers."""
    service = NamedNode(endpoint)
    out = [
        Triple(service, RDF_TYPE, NamedNode(SD + "Service")),
        Triple(service, NamedNode(SD + "endpoint"), service),
        Triple(service, NamedNode(SD + "supportedLanguage"), NamedNode(SD + "SPARQL11Query")),
        Triple(service, NamedNode(SD + "feature"), NamedNode(SD + "UnionDefaultGraph")),
        Triple(service, NamedNode(SD + "feature"), NamedNode(SD + "BasicFederatedQuery"))
        if settings.service_allowlist
        else None,
        Triple(
            service,
            NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            Literal(
                f"Read-only. Each query is limited to {settings.query_timeout_s:g} s and "
                f"{settings.row_limit} result rows (truncation is reported in the "
                "X-SPARQL-Truncated response header). SERVICE is refused except to allow-listed "
                "endpoints."
            ),
        ),
    ]
    for media in dict.fromkeys([*RESULT_TYPES, *GRAPH_TYPES]):
        if media in FORMAT_IRIS:
            out.append(
                Triple(
                    service,
                    NamedNode(SD + "resultFormat"),
                    NamedNode("http://www.w3.org/ns/formats/" + FORMAT_IRIS[media]),
                )
            )
    data, default = BlankNode(), BlankNode()
    out += [
        Triple(service, NamedNode(SD + "defaultDataset"), data),
        Triple(data, RDF_TYPE, NamedNode(SD + "Dataset")),
        Triple(data, RDF_TYPE, NamedNode(VOID + "Dataset")),
        Triple(data, NamedNode(SD + "defaultGraph"), default),
        Triple(default, RDF_TYPE, NamedNode(SD + "Graph")),
    ]
    if stats.counted:  # else being counted: no numbers rather than zeros
        out.append(Triple(default, NamedNode(VOID + "triples"), _int(stats.triples)))
    if "classes" in stats.counts:
        out.append(Triple(default, NamedNode(VOID + "classes"), _int(stats.counts["classes"])))
    for name, numbers in sorted(stats.graphs.items()):
        named, graph = BlankNode(), BlankNode()
        out += [
            Triple(data, NamedNode(SD + "namedGraph"), named),
            Triple(named, RDF_TYPE, NamedNode(SD + "NamedGraph")),
            Triple(named, NamedNode(SD + "name"), NamedNode(name)),
            Triple(named, NamedNode(SD + "graph"), graph),
            Triple(graph, RDF_TYPE, NamedNode(SD + "Graph")),
            *_void(graph, numbers),
        ]
    return [t for t in out if t is not None]
