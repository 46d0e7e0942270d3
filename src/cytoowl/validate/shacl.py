"""SHACL validation (pySHACL) of the release or of users' data against ``shapes/``.

Two modes share one entry point, :func:`validate_graphs`:

* **the release** (``data is ontology``): the whole graph is validated as it is;
* **users' data**: the data is validated together with a *view* of the ontology (its TBox, and
  the full description of every cytoowl individual the data mentions), so class hierarchy and
  the types of cited terms are honoured (``cmp:analyte CYTO:0001140`` is a cytokine); only
  results about the data's own subjects are reported.

Files are parsed with pyoxigraph (fast, and its syntax errors give line and column), then
handed to pySHACL as an rdflib graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph
from pyshacl import validate as shacl_validate
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node
from rich.console import Console
from rich.markup import escape

from cytoowl import formats, paths, vocab

SH = Namespace(vocab.SH)
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

# Format names accepted by --format, and the formats chosen by file extension.
FORMATS = formats.NAMES
EXTENSIONS = formats.DATA_EXTENSIONS


class InputError(Exception):
    """A file cannot be used as RDF input; the message names the file, line and the problem."""


def load_shapes(directory: Path = paths.SHAPES_DIR) -> Graph:
    """All shapes files of ``shapes/`` as one graph."""
    shapes = Graph()
    for path in sorted(directory.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


######## Reading RDF ########


def rdf_format(path: Path, fmt: str | None = None) -> pyoxigraph.RdfFormat:
    """The RDF format of ``path``: ``fmt`` if given, else chosen by the file's extension."""
    if fmt:
        if fmt.lower() not in FORMATS:
            raise InputError(f"unknown format '{fmt}' (use one of: {', '.join(sorted(FORMATS))})")
        return FORMATS[fmt.lower()]
    if path.suffix.lower() not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise InputError(
            f"{path}: cannot tell the RDF format from '{path.suffix}' ({known}); give --format"
        )
    return EXTENSIONS[path.suffix.lower()]


def _syntax_message(path: Path, fmt: pyoxigraph.RdfFormat, exc: SyntaxError) -> str:
    """The parser's message with its line; RDF/XML positions come from rdflib's XML parser."""
    if exc.lineno:
        return f"{path}:{exc.lineno}:{exc.offset or 0}: {exc.msg}"
    if fmt == pyoxigraph.RdfFormat.RDF_XML:
        try:
            Graph().parse(path, format="xml")
        except Exception as xml_exc:  # SAXParseException carries line and column
            line = getattr(xml_exc, "getLineNumber", lambda: 0)()
            column = getattr(xml_exc, "getColumnNumber", lambda: 0)()
            return f"{path}:{line}:{column}: {exc.msg} ({xml_exc})"
    return f"{path}: {exc.msg}"


def _terms(quads: Iterable[pyoxigraph.Quad]) -> Iterator[tuple[Node, Node, Node]]:
    """pyoxigraph triples as rdflib terms (blank nodes renamed apart per file)."""
    iris: dict[str, URIRef] = {}
    bnodes: dict[str, BNode] = {}

    def term(node: object) -> Node:
        if isinstance(node, pyoxigraph.NamedNode):
            value = node.value
            if value not in iris:
                iris[value] = URIRef(value)
            return iris[value]
        if isinstance(node, pyoxigraph.BlankNode):
            if node.value not in bnodes:
                bnodes[node.value] = BNode()
            return bnodes[node.value]
        if isinstance(node, pyoxigraph.Literal):
            if node.language:
                return Literal(node.value, lang=node.language)
            datatype = node.datatype.value
            if datatype == str(XSD.string):
                return Literal(node.value)
            return Literal(node.value, datatype=URIRef(datatype))
        raise InputError(f"unsupported RDF term {node!r} (RDF-star triple terms are not used)")

    for quad in quads:
        yield term(quad.subject), term(quad.predicate), term(quad.object)


def load_rdf(paths: Iterable[Path], fmt: str | None = None) -> Graph:
    """Parse RDF files into one graph; :class:`InputError` (with the line) if one is unusable."""
    graph = Graph()
    for path in paths:
        rdf_fmt = rdf_format(path, fmt)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        try:
            quads = pyoxigraph.parse(
                path=str(path), format=rdf_fmt, base_iri=path.resolve().as_uri()
            )
            for triple in _terms(quads):
                graph.add(triple)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise InputError(_syntax_message(path, rdf_fmt, exc)) from exc
        except InputError:
            raise
        except Exception as exc:  # any other parser failure is unusable input too, not a crash
            raise InputError(f"{path}: {exc}") from exc
    return graph


######## Results ########


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


@dataclass
class Outcome:
    """The SHACL report of one validation run (only the results that concern the data)."""

    report: Graph
    results: list[Result]

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

    def text(self, limit: int | None = None) -> str:
        """Readable report grouped by focus node (label and IRI), Violations first."""
        by_focus: dict[str, list[Result]] = {}
        for result in self.results:
            by_focus.setdefault(result.focus, []).append(result)

        def rank(focus: str) -> tuple[int, str]:
            return (min(SEVERITY_ORDER.get(r.severity, 3) for r in by_focus[focus]), focus)

        lines: list[str] = []
        focuses = sorted(by_focus, key=rank)
        for focus in focuses[:limit]:
            first = by_focus[focus][0]
            name = f"<{first.focus_iri}>" if first.focus_iri else focus
            lines.append(f"{first.focus_label or '(no label)'}  {name}")
            for r in sorted(by_focus[focus], key=lambda r: SEVERITY_ORDER.get(r.severity, 3)):
                where = r.path or "(node)"
                value = f" = {r.value}" if r.value else ""
                lines.append(f"  [{r.severity}] {where}{value}: {r.message}")
        if limit is not None and len(focuses) > limit:
            lines.append(f"... and {len(focuses) - limit} more focus nodes")
        lines.append(self.summary())
        return "\n".join(lines)


def _local(node: object) -> str:
    return "" if node is None else str(node).rsplit("#", 1)[-1]


def focus_label(data: Graph, focus: Node | None) -> str:
    """The focus node's label; for a blank node, where it hangs (its incoming triple)."""
    if focus is None:
        return ""
    label = data.value(focus, RDFS.label)
    if label is not None:
        return str(label)
    if isinstance(focus, BNode):
        for subject, predicate in data.subject_predicates(focus):
            return f"{curie(predicate)} of {curie(subject)}"
        source = data.value(focus, OWL.annotatedSource)
        if source is not None:
            prop = curie(data.value(focus, OWL.annotatedProperty))
            target = curie(data.value(focus, OWL.annotatedTarget))
            return f"axiom annotation of {curie(source)} {prop} {target}"
    return ""


def results_of(report: Graph, data: Graph) -> list[Result]:
    """Flatten a SHACL validation report graph into :class:`Result` rows."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        results.append(
            Result(
                focus=curie(focus),
                focus_label=focus_label(data, focus),
                path=path_text(report, report.value(node, SH.resultPath)),
                value=curie(report.value(node, SH.value)),
                message=str(report.value(node, SH.resultMessage) or ""),
                severity=_local(report.value(node, SH.resultSeverity)),
                component=_local(report.value(node, SH.sourceConstraintComponent)),
                shape=curie(report.value(node, SH.sourceShape)),
                focus_iri=str(focus) if isinstance(focus, URIRef) else "",
            )
        )
    return sorted(results, key=lambda r: (r.focus, r.path, r.component, r.value, r.message))


######## Validation ########


def ontology_view(ontology: Graph, data: Graph) -> Graph:
    """What validating ``data`` needs from the ontology: the TBox and the cited individuals.

    The TBox is every triple whose subject is neither an individual (``owl:NamedIndividual``
    that is not also a class) nor a reified axiom annotation; individuals the data mentions
    (as subject or object), and the individuals they refer to, come with their full
    description and axiom annotations, so their types are known and their assertions keep
    their sources.
    """
    individuals = {
        s
        for s in ontology.subjects(RDF.type, OWL.NamedIndividual)
        if (s, RDF.type, OWL.Class) not in ontology
    }
    axioms = set(ontology.subjects(RDF.type, OWL.Axiom))
    mentioned = {
        node for node in individuals if (node, None, None) in data or (None, None, node) in data
    }
    todo = list(mentioned)
    while todo:  # and every individual they refer to (e.g. the receptor a cytokine binds)
        for value in ontology.objects(todo.pop(), None):
            if value in individuals and value not in mentioned:
                mentioned.add(value)
                todo.append(value)
    about_mentioned = {a for a in axioms if ontology.value(a, OWL.annotatedSource) in mentioned}
    view = Graph()
    for triple in ontology:
        subject = triple[0]
        if subject in axioms and subject not in about_mentioned:
            continue
        if subject in individuals and subject not in mentioned:
            continue
        view.add(triple)
    return view


def _run_pyshacl(graph: Graph, shapes: Graph) -> Graph:
    _, report, _ = shacl_validate(
        graph,
        shacl_graph=shapes,
        ont_graph=None,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        advanced=True,
        inplace=True,  # no SHACL rules: validation does not modify the graph
    )
    if not isinstance(report, Graph):  # pySHACL returns a ValidationFailure for broken shapes
        raise RuntimeError(f"the SHACL shapes cannot be used: {report}")
    return report


def _filtered_report(report: Graph, keep: list[Node]) -> tuple[Graph, Node]:
    """A SHACL validation report with only the ``keep`` results (and their path nodes)."""
    filtered = Graph()
    filtered.bind("sh", SH)
    root = BNode()
    filtered.add((root, RDF.type, SH.ValidationReport))
    for node in keep:
        filtered.add((root, SH.result, node))
        todo = [node]
        seen: set[Node] = set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for p, o in report.predicate_objects(current):
                filtered.add((current, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
    return filtered, root


def validate_graphs(
    data: Graph, ontology: Graph, shapes: Graph | None = None, *, inplace: bool = False
) -> Outcome:
    """Validate ``data`` against the shapes, with ``ontology`` supplying the class hierarchy.

    If ``data is ontology`` (the release), the graph is validated as it is. Otherwise the
    data is validated together with :func:`ontology_view` and only results whose focus node is
    the data's own (a subject of ``data``, or an object the ontology does not describe) are
    kept; ``inplace=True`` adds the view to ``data`` itself instead
    of to a copy (for large inputs the caller no longer needs as they were).
    """
    shapes = load_shapes() if shapes is None else shapes
    if data is ontology:
        graph = data
        raw = _run_pyshacl(graph, shapes)
        keep = list(raw.subjects(RDF.type, SH.ValidationResult))
    else:
        described = set(ontology.subjects())
        own = set(data.subjects()) | {
            o for o in data.objects() if not isinstance(o, Literal) and o not in described
        }
        graph = data if inplace else Graph()
        if not inplace:
            graph += data
        graph += ontology_view(ontology, data)
        raw = _run_pyshacl(graph, shapes)
        keep = [
            node
            for node in raw.subjects(RDF.type, SH.ValidationResult)
            if raw.value(node, SH.focusNode) in own
        ]
    report, root = _filtered_report(raw, keep)
    outcome = Outcome(report, results_of(report, graph))
    report.add((root, SH.conforms, Literal(outcome.conforms)))
    return outcome


def write_report(outcome: Outcome, output: Path) -> None:
    """Write the SHACL validation report: JSON-LD for ``.json``/``.jsonld``, else Turtle."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() in {".json", ".jsonld"}:
        outcome.report.serialize(output, format="json-ld", indent=2)
    else:
        outcome.report.serialize(output, format="turtle")


def validate_command(
    files: list[Path], fmt: str | None, output: Path | None, console: Console
) -> int:
    """CLI body of ``cytoowl validate``: 0 conforming, 1 violations, 2 unusable input."""
    try:
        ontology = load_rdf([paths.RELEASE.ttl])
        data = load_rdf(files, fmt) if files else ontology
    except InputError as exc:
        console.print(f"[red]unusable input:[/red] {escape(str(exc))}", soft_wrap=True)
        return 2
    outcome = validate_graphs(data, ontology, inplace=True)
    console.print(escape(outcome.text()), highlight=False, soft_wrap=True)
    if output:
        write_report(outcome, output)
        console.print(f"SHACL report written to {escape(str(output))}", soft_wrap=True)
    return 0 if outcome.conforms else 1
