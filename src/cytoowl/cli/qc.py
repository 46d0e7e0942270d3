"""``cytoowl qc``: the ROBOT-report-style checks of ``sparql/qc/`` as a table."""

from __future__ import annotations

from pathlib import Path

import typer
from rdflib import Graph
from rich.console import Console
from rich.table import Table

from cytoowl import paths
from cytoowl.build.qc import Check, Finding, has_errors, load_checks, run_checks, to_store
from cytoowl.cli.common import console


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


def qc_command(path: Path, console: Console = console) -> int:
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


def qc(
    path: Path = typer.Argument(None, help="RDF file to check (default: the Turtle release)."),
) -> None:
    """Run the ROBOT-report-style QC queries of sparql/qc/; exit 1 on any ERROR."""
    raise typer.Exit(qc_command(path or paths.RELEASE.ttl))
