"""``cytoowl qc``: the ROBOT-report-style checks of ``sparql/qc/`` as a table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from cytoowl import paths
from cytoowl.cli.common import console
from cytoowl.vocab import curie

if TYPE_CHECKING:  # imported when run: `cytoowl serve` does not load rdflib and the build
    from cytoowl.build.qc import Check, Finding


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


def report_tsv(findings: list[Finding]) -> str:
    """ROBOT's report TSV (``robot report`` columns), CURIEs where the prefix map has one."""
    from cytoowl.build.qc import LEVELS

    rows = ["Level\tRule Name\tSubject\tProperty\tValue"]
    order = {level: i for i, level in enumerate(LEVELS)}
    for f in sorted(findings, key=lambda f: (order[f.check.level], f.check.name, f.entity)):
        cells = [f.check.level, f.check.name, curie(f.entity), curie(f.property), f.value]
        rows.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))
    return "\n".join(rows) + "\n"


def qc_command(
    path: Path, console: Console = console, fmt: str = "table", previous: Path | None = None
) -> int:
    """CLI body of ``cytoowl qc``: print the report, exit 1 when an ERROR check has findings."""
    from rdflib import Graph

    from cytoowl.build.qc import disappeared_findings, has_errors, load_checks, run_checks, to_store

    graph = Graph()
    try:
        graph.parse(path)
    except Exception as exc:  # parser errors come in many classes; report them uniformly
        console.print(f"[red]{path}: cannot parse: {exc}")
        return 2
    checks = load_checks()
    findings = run_checks(to_store(graph), checks)
    if previous is not None:
        findings += disappeared_findings(Graph().parse(previous), graph)
    if fmt == "tsv":
        sys.stdout.write(report_tsv(findings))
    else:
        console.print(report_table(findings, checks))
    return 1 if has_errors(findings) else 0


def qc(
    path: Path = typer.Argument(None, help="RDF file to check (default: the Turtle release)."),
    fmt: str = typer.Option(
        "table", "--format", help="table, or tsv (ROBOT report columns) on stdout."
    ),
    previous: Path = typer.Option(
        None, "--previous", help="Previous release: every term it has must still be there."
    ),
) -> None:
    """Run the ROBOT-report-style QC queries of sparql/qc/; exit 1 on any ERROR."""
    if fmt not in ("table", "tsv"):
        console.print(f"[red]error:[/red] --format {fmt!r}: use table or tsv")
        raise typer.Exit(2)
    raise typer.Exit(qc_command(path or paths.LAYOUT.release.ttl, fmt=fmt, previous=previous))
