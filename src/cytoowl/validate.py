"""SHACL validation (pySHACL) of the release or of users' data against ``shapes/``.

The ontology is passed as pySHACL's ontology graph, so class hierarchy (a CXC chemokine is a
cytokine) is honoured when shapes target a superclass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, Graph, Namespace
from rich.console import Console

from cytoowl import config

SH = Namespace("http://www.w3.org/ns/shacl#")


def load_shapes(directory: Path = config.SHAPES_DIR) -> Graph:
    """All shapes files of ``shapes/`` as one graph."""
    shapes = Graph()
    for path in sorted(directory.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, flattened for reporting."""

    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    severity: str  # Violation | Warning | Info
    component: str


@dataclass
class Outcome:
    """The SHACL report of one validation run."""

    report: Graph
    results: list[Result]

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def text(self, limit: int | None = None) -> str:
        """Readable report grouped by focus node."""
        lines: list[str] = []
        by_focus: dict[str, list[Result]] = {}
        for result in self.results:
            by_focus.setdefault(result.focus, []).append(result)
        for focus in sorted(by_focus)[:limit]:
            first = by_focus[focus][0]
            lines.append(f"{first.focus_label or '(no label)'} <{focus}>")
            for r in by_focus[focus]:
                lines.append(f"  [{r.severity}] {r.path or '-'} = {r.value or '-'}: {r.message}")
        return "\n".join(lines)


def _short(node: object) -> str:
    return "" if node is None else str(node)


def results_of(report: Graph, data: Graph) -> list[Result]:
    """Flatten a SHACL validation report graph into :class:`Result` rows."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        severity = _short(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1]
        results.append(
            Result(
                focus=_short(focus),
                focus_label=_short(data.value(focus, RDFS.label)) if focus is not None else "",
                path=_short(report.value(node, SH.resultPath)),
                value=_short(report.value(node, SH.value)),
                message=_short(report.value(node, SH.resultMessage)),
                severity=severity,
                component=_short(report.value(node, SH.sourceConstraintComponent)).rsplit("#", 1)[
                    -1
                ],
            )
        )
    return sorted(results, key=lambda r: (r.focus, r.path, r.component, r.value))


def validate_graphs(data: Graph, ontology: Graph, shapes: Graph | None = None) -> Outcome:
    """Validate ``data`` against the shapes, with ``ontology`` supplying the class hierarchy."""
    shapes = load_shapes() if shapes is None else shapes
    if len(shapes) == 0:
        return Outcome(Graph(), [])
    _, report, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    return Outcome(report, results_of(report, data))


def validate_command(
    files: list[Path], fmt: str | None, output: Path | None, console: Console
) -> int:
    """CLI body of ``cytoowl validate``: 0 conforming, 1 violations, 2 unusable input."""
    ontology = Graph().parse(config.RELEASE.ttl, format="turtle")
    data = Graph()
    for path in files or [config.RELEASE.ttl]:
        try:
            data.parse(path, format=fmt)
        except Exception as exc:  # rdflib raises many parser-specific classes
            console.print(f"[red]{path}: unusable input: {exc}")
            return 2
    outcome = validate_graphs(data, ontology)
    console.print(outcome.text() or "conforms: no results")
    if output:
        fmt_out = "json-ld" if output.suffix == ".json" else "turtle"
        outcome.report.serialize(output, format=fmt_out)
    return 0 if outcome.conforms else 1
