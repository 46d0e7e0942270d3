"""Dataset statistics (VoID numbers, ontology header), computed once per loaded store.

The queries are the same for every store; :func:`compute` runs them through any function
that answers a SELECT with solutions (a pyoxigraph store in a child process, or the server's
``Store`` interface for a remote endpoint). The embedded store reads the header at load
(:func:`header_only`, one short query: serving needs the version) and counts the rest after
it answers (two seconds at 1M triples), caching the result beside the data
(:mod:`cytoowl.serve.store.loader`), so a restart on the same store does not count again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from cytoowl import dataset

_GRAPH_STATS = """
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
       (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g
"""
_COUNTS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT
  (COUNT(DISTINCT ?class) AS ?classes) (COUNT(DISTINCT ?ind) AS ?individuals)
  (COUNT(DISTINCT ?prop) AS ?object_properties)
WHERE {
  { ?class a owl:Class FILTER isIRI(?class) } UNION { ?ind a owl:NamedIndividual }
  UNION { ?prop a owl:ObjectProperty }
}
"""
_TOTAL = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"
_HEADER = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?version_iri ?version ?title ?description ?license WHERE {
  GRAPH <%s> { <%s> a owl:Ontology .
    OPTIONAL { <%s> owl:versionIRI ?version_iri } OPTIONAL { <%s> owl:versionInfo ?version }
    OPTIONAL { <%s> dcterms:title ?title } OPTIONAL { <%s> dcterms:description ?description }
    OPTIONAL { <%s> dcterms:license ?license } }
} LIMIT 1
""" % ((dataset.ONTOLOGY_GRAPH,) * 7)
QUERIES = (_GRAPH_STATS, _TOTAL, _COUNTS, _HEADER)


@dataclass
class Stats:
    """What the landing page and the service description report."""

    triples: int = 0
    graphs: dict[str, dict[str, int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    #: False while only the header is known (the counts are being made).
    counted: bool = True

    @property
    def version(self) -> str:
        return self.header.get("version", "unversioned")


Select = Callable[[str], Iterable[Any]]


def header_only(select: Select) -> Stats:
    """The ontology header alone, without the counts (which scan every triple)."""
    return Stats(header=_header(select), counted=False)


def _header(select: Select) -> dict[str, str]:
    for row in select(_HEADER):
        return {
            k: row[k].value
            for k in ("version_iri", "version", "title", "description", "license")
            if row[k] is not None
        }
    return {}


def compute(select: Select) -> Stats:
    """Count once per load (the data is read-only, so the numbers never change)."""
    stats = Stats(header=_header(select))
    for row in select(_GRAPH_STATS):
        stats.graphs[row["g"].value] = {
            v: int(row[v].value) for v in ("triples", "subjects", "properties", "objects")
        }
    [total] = list(select(_TOTAL))
    stats.triples = int(total["triples"].value)
    [counts] = list(select(_COUNTS))
    stats.counts = {
        k: int(counts[k].value) for k in ("classes", "individuals", "object_properties")
    }
    return stats


def to_json(stats: Stats) -> str:
    return json.dumps(asdict(stats), sort_keys=True)


def from_json(text: str) -> Stats:
    """Stats from :func:`to_json`; keys another cytoowl version added are left out."""
    known = {f.name for f in fields(Stats)}
    return Stats(**{k: v for k, v in json.loads(text).items() if k in known})
