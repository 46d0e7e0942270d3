"""ROBOT-report-style quality checks: the SPARQL files of ``sparql/qc/``, each with a level.

A check is a SELECT query whose rows are problems (``?entity ?property ?value``); its header
comments give ``# level: ERROR|WARN|INFO`` and ``# title: ...``. Queries run on pyoxigraph
(rdflib's engine answered some FILTER/VALUES forms wrongly here, see ENVIRONMENT.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph
from rich.console import Console
from rich.table import Table

from cytoowl import config

LEVELS = ("ERROR", "WARN", "INFO")
_HEADER = re.compile(r"^#\s*(level|title):\s*(.+?)\s*$", re.MULTILINE)


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


def load_checks(directory: Path = config.QC_DIR) -> list[Check]:
    """All QC queries, in file-name order; a file without a valid level is an error."""
    checks = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = dict(_HEADER.findall(text))
        level = header.get("level", "").upper()
        if level not in LEVELS:
            raise ValueError(f"{path}:1: '# level:' must be one of {', '.join(LEVELS)}")
        checks.append(Check(path.stem, level, header.get("title", path.stem), text))
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


def run_qc(graph: Graph, directory: Path = config.QC_DIR) -> list[Finding]:
    """Run the QC suite on an rdflib graph."""
    return run_checks(to_store(graph), load_checks(directory))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.check.level == "ERROR" for f in findings)


def report_table(findings: list[Finding], checks: list[Check]) -> Table:
    """A per-check summary table (level, check, count, first example)."""
    table = Table(title="cytoowl QC report")
    for column in ("level", "check", "count", "example"):
        table.add_column(column)
    for check in checks:
        hits = [f for f in findings if f.check == check]
        example = f"{hits[0].entity} {hits[0].value}".strip() if hits else ""
        table.add_row(check.level, check.title, str(len(hits)), example[:80])
    return table


def qc_command(path: Path, console: Console) -> int:
    """CLI body of ``cytoowl qc``: print the table, exit 1 when an ERROR check has findings."""
    graph = Graph()
    try:
        graph.parse(path)
    except Exception as exc:  # parser errors come in many classes; report them uniformly
        console.print(f"[red]{path}: cannot parse: {exc}")
        return 2
    checks = load_checks()
    findings = run_checks(to_store(graph), checks)
    console.print(report_table(findings, checks))
    return 1 if has_errors(findings) else 0
