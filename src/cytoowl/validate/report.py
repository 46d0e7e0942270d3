"""A SHACL validation report: its results flattened for reading, and the report graph itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from cytoowl import vocab

SH = Namespace(vocab.SH)
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def curie(node: object) -> str:
    """A compact name for an IRI (``RO:0002162``, ``CYTO:0001140``); literals as written."""
    if node is None:
        return ""
    text = str(node)
    if isinstance(node, URIRef):
        compact = vocab.curie(text)
        return compact if compact != text else f"<{text}>"
    if isinstance(node, BNode):
        return "[]"
    if isinstance(node, Literal) and isinstance(node.toPython(), int | float | Decimal):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return f"{quoted}@{node.language}" if isinstance(node, Literal) and node.language else quoted


def path_text(report: Graph, path: Node | None) -> str:
    """A SHACL property path in SPARQL-like syntax (``rdf:type/rdfs:subClassOf*``)."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return curie(path)
    if (path, RDF.first, None) in report:
        return "/".join(path_text(report, p) for p in Collection(report, path))
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(path_text(report, p) for p in Collection(report, alternatives))
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = report.value(path, predicate)
        if inner is not None:
            return path_text(report, inner) + suffix
    inverse = report.value(path, SH.inversePath)
    return "^" + path_text(report, inverse) if inverse is not None else "[]"


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, flattened for reporting."""

    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    severity: str  # Violation | Warning | Info
    component: str  # e.g. MinCountConstraintComponent
    shape: str
    focus_iri: str = ""  # the full IRI of an IRI focus node (``focus`` is compact)


def _local(node: object) -> str:
    return "" if node is None else str(node).rsplit("#", 1)[-1]


def results_of(report: Graph, label: Callable[[Node], str]) -> dict[Node, Result]:
    """Every result node of a report graph, flattened (``label`` names a focus node)."""
    results = {}
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        shape = report.value(node, SH.sourceShape)
        results[node] = Result(
            focus=curie(focus),
            focus_label=label(focus) if focus is not None else "",
            path=path_text(report, report.value(node, SH.resultPath)),
            value=curie(report.value(node, SH.value)),
            message=str(report.value(node, SH.resultMessage) or ""),
            severity=_local(report.value(node, SH.resultSeverity)),
            component=_local(report.value(node, SH.sourceConstraintComponent)),
            shape=curie(shape) if isinstance(shape, URIRef) else "",
            focus_iri=str(focus) if isinstance(focus, URIRef) else "",
        )
    return results


def drop_results(report: Graph, nodes: set[Node]) -> None:
    """Remove result nodes (and the blank nodes only they use, e.g. paths) from a report."""
    todo = list(nodes)
    for node in nodes:
        report.remove((None, SH.result, node))
    while todo:
        node = todo.pop()
        for _, _, value in list(report.triples((node, None, None))):
            report.remove((node, None, value))
            if isinstance(value, BNode) and (None, None, value) not in report:
                todo.append(value)


@dataclass
class Outcome:
    """The SHACL report of one validation run, and how the input was read (``mode``)."""

    report: Graph
    results: list[Result]
    mode: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    def summary(self) -> str:
        counts = self.counts()
        verdict = "conforms" if self.conforms else "does not conform"
        parts = [f"{n} {severity.lower()}{'s' if n != 1 else ''}" for severity, n in counts.items()]
        return f"{verdict}: {', '.join(parts)}"

    def by_focus(self) -> list[tuple[Result, list[Result]]]:
        """Results grouped by focus node (first result, all of them), Violations first."""
        groups: dict[str, list[Result]] = {}
        for result in self.results:
            groups.setdefault(result.focus_iri or result.focus + result.focus_label, []).append(
                result
            )

        def rank(key: str) -> tuple[int, str]:
            return (min(SEVERITY_ORDER.get(r.severity, 3) for r in groups[key]), key)

        ordered = []
        for key in sorted(groups, key=rank):
            members = sorted(groups[key], key=lambda r: SEVERITY_ORDER.get(r.severity, 3))
            ordered.append((members[0], members))
        return ordered

    def text(self, limit: int | None = None) -> str:
        """Readable report grouped by focus node (label and IRI), Violations first."""
        lines: list[str] = [*self.notes]
        groups = self.by_focus()
        for first, members in groups[:limit]:
            name = f"<{first.focus_iri}>" if first.focus_iri else first.focus
            lines.append(f"{first.focus_label or '(no label)'}  {name}")
            for r in members:
                where = r.path or "(node)"
                value = f" = {r.value}" if r.value else ""
                lines.append(f"  [{r.severity}] {where}{value}: {r.message}")
        if limit is not None and len(groups) > limit:
            lines.append(f"... and {len(groups) - limit} more focus nodes")
        lines.append(self.summary())
        return "\n".join(lines)

    def serialize(self, fmt: str) -> str:
        """The SHACL report graph as ``turtle`` or ``json-ld``."""
        return self.report.serialize(format=fmt, **({"indent": 2} if fmt == "json-ld" else {}))

    def write(self, output: Path) -> None:
        """Write the report: JSON-LD for ``.json``/``.jsonld``, else Turtle."""
        output.parent.mkdir(parents=True, exist_ok=True)
        json_ld = output.suffix.lower() in {".json", ".jsonld"}
        output.write_text(self.serialize("json-ld" if json_ld else "turtle"), encoding="utf-8")
