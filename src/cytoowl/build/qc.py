"""ROBOT-report-style quality checks: the SPARQL files of ``sparql/qc/``, each with a level.

A check is a SELECT query whose rows are problems (``?entity ?property ?value``); its header
comments give ``# level: ERROR|WARN|INFO`` and ``# title: ...``. Queries run on pyoxigraph
(rdflib's engine answered some FILTER/VALUES forms wrongly here, see ENVIRONMENT.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from cytoowl import paths
from cytoowl.queryfiles import read_query_dir

LEVELS = ("ERROR", "WARN", "INFO")


@dataclass(frozen=True)
class Check:
    """One QC query with its level and title."""

    name: str
    level: str
    title: str
    query: str


@dataclass(frozen=True)
class Finding:
    check: Check
    entity: str
    property: str
    value: str


def load_checks(directory: Path = paths.LAYOUT.qc_dir) -> list[Check]:
    """All QC queries, in file-name order; a file without a valid level is an error."""
    checks = []
    for query in read_query_dir(directory):
        level = query.header.get("level", "").upper()
        if level not in LEVELS:
            raise ValueError(f"{query.path}:1: '# level:' must be one of {', '.join(LEVELS)}")
        checks.append(Check(query.slug, level, query.header.get("title", query.slug), query.text))
    return checks


def to_store(graph: Graph) -> pyoxigraph.Store:
    """Copy an rdflib graph into an in-memory pyoxigraph store."""
    store = pyoxigraph.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _text(term: object) -> str:
    return "" if term is None else getattr(term, "value", str(term))


def run_checks(store: pyoxigraph.Store, checks: list[Check]) -> list[Finding]:
    """Run every check on the store and return its findings."""
    findings = []
    for check in checks:
        solutions = store.query(check.query)
        names = {v.value for v in solutions.variables}
        for solution in solutions:
            cells = {n: _text(solution[n]) for n in ("entity", "property", "value") if n in names}
            findings.append(
                Finding(
                    check,
                    cells.get("entity", ""),
                    cells.get("property", ""),
                    cells.get("value", ""),
                )
            )
    return findings


def run_qc(graph: Graph, directory: Path = paths.LAYOUT.qc_dir) -> list[Finding]:
    """Run the QC suite on an rdflib graph."""
    return run_checks(to_store(graph), load_checks(directory))


#: The check that a term of the previous release is still there (Python: it needs two graphs).
DISAPPEARED = Check(
    "disappeared_term",
    "ERROR",
    "term of the previous release missing (deprecate, never delete)",
    "",
)


def disappeared_findings(old: Graph, new: Graph) -> list[Finding]:
    """One ERROR per cytoowl term declared in ``old`` and not declared in ``new``."""
    from rdflib import RDF, URIRef

    from cytoowl.vocab import is_term

    def declared(graph: Graph) -> set[str]:
        return {
            str(s)
            for s in graph.subjects(RDF.type, None)
            if isinstance(s, URIRef) and is_term(str(s))
        }

    return [
        Finding(DISAPPEARED, iri, str(RDF.type), "")
        for iri in sorted(declared(old) - declared(new))
    ]


def has_errors(findings: list[Finding]) -> bool:
    return any(f.check.level == "ERROR" for f in findings)
