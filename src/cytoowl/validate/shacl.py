"""SHACL validation of the release, of a copy of the ontology, or of users' data (``shapes/``).

Three modes (docs/shapes.md):

* ``release``: no input, the bundled release is validated as it is;
* ``standalone``: the input describes cytoowl terms itself (a subject is a ``CYTO_`` term or
  the ontology IRI: a copy, fork or edit of the ontology) and is validated as it stands,
  never completed from the bundled release;
* ``data``: users' data that only cites cytoowl terms is validated together with the release
  (class hierarchy, types of the cited terms); the release's own results are left out, so
  the report holds what the data adds.

Input is parsed once by pyoxigraph (syntax errors with line and column) into N-Triples, the
text the engine (:mod:`cytoowl.validate.engine`) reads; nothing is copied into an rdflib graph.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cytoowl import budgets, formats, paths, vocab
from cytoowl.validate import engine as shacl_engine
from cytoowl.validate.report import SH, Outcome, Result, curie, drop_results, results_of

RELEASE, STANDALONE, DATA = "release", "standalone", "data"
MODES = {
    RELEASE: "the bundled release, as it is",
    STANDALONE: "a copy of the ontology (it describes cytoowl terms), as it stands",
    DATA: "data citing cytoowl terms, with the release's classes and terms beside it",
}
NT = pyoxigraph.RdfFormat.N_TRIPLES
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OWL = "http://www.w3.org/2002/07/owl#"

# Format names accepted by --format (and on the server), and the formats of file extensions.
FORMATS = formats.NAMES
EXTENSIONS = formats.DATA_EXTENSIONS


class InputError(Exception):
    """Input cannot be used as RDF; the message names the file, line and the problem."""


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
            f"{path}:1: cannot tell the RDF format from '{path.suffix}' ({known}); give --format"
        )
    return EXTENSIONS[path.suffix.lower()]


@dataclass
class Data:
    """RDF to validate: one N-Triples document (what the engine reads) and what it describes."""

    ntriples: bytes
    describes_cytoowl: bool  # a subject is a cytoowl term or the ontology IRI
    triples: int


def _own_subject(quads: Iterable[pyoxigraph.Quad], seen: list[int]) -> Iterator[pyoxigraph.Quad]:
    """Pass quads through, counting them in ``seen[0]`` and cytoowl subjects in ``seen[1]``."""
    named = pyoxigraph.NamedNode
    for quad in quads:
        seen[0] += 1
        subject = quad.subject
        if type(subject) is named and (
            subject.value.startswith(vocab.TERM_PREFIX) or subject.value == vocab.ONTOLOGY_IRI
        ):
            seen[1] += 1
        if type(quad.object) is pyoxigraph.Triple:
            raise InputError("RDF-star triple terms are not supported")
        yield quad


def _syntax_message(name: str, body: bytes, fmt: pyoxigraph.RdfFormat, exc: SyntaxError) -> str:
    """The parser's message with its line; RDF/XML positions come from rdflib's XML parser."""
    if exc.lineno:
        return f"{name}:{exc.lineno}:{exc.offset or 0}: {exc.msg}"
    if fmt == pyoxigraph.RdfFormat.RDF_XML:
        try:
            Graph().parse(data=body, format="xml")
        except Exception as xml_exc:  # SAXParseException carries line and column
            line = getattr(xml_exc, "getLineNumber", lambda: 0)()
            column = getattr(xml_exc, "getColumnNumber", lambda: 0)()
            return f"{name}:{line}:{column}: {exc.msg} ({xml_exc})"
    return f"{name}:1: {exc.msg}"


def _within_budget(body: bytes, fmt: pyoxigraph.RdfFormat) -> None:
    """The parser budgets of :mod:`cytoowl.budgets` for this syntax."""
    if fmt == pyoxigraph.RdfFormat.RDF_XML:
        budgets.check_rdf_xml(body)
    elif fmt == pyoxigraph.RdfFormat.JSON_LD:
        budgets.check_json_depth(body)


def parse_bytes(body: bytes, fmt: pyoxigraph.RdfFormat, name: str, base_iri: str) -> Data:
    """One RDF document as :class:`Data`; :class:`InputError` naming ``name`` and the line."""
    if not body.strip():
        raise InputError(f"{name}:1: empty {'file' if body == b'' else 'document'}: no RDF triples")
    try:
        _within_budget(body, fmt)
    except budgets.OverBudget as exc:
        raise InputError(f"{name}: {exc}") from None
    seen = [0, 0]
    try:
        quads = pyoxigraph.parse(
            input=body,
            format=fmt,
            base_iri=base_iri,
            without_named_graphs=True,
            rename_blank_nodes=True,  # blank nodes of two files are distinct
        )
        ntriples = pyoxigraph.serialize(_own_subject(quads, seen), format=NT) or b""
    except SyntaxError as exc:
        raise InputError(_syntax_message(name, body, fmt, exc)) from exc
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from exc
    except Exception as exc:  # any other parser failure is unusable input too, not a crash
        raise InputError(f"{name}:1: {exc}") from exc
    if not seen[0]:
        last = body.rstrip().count(b"\n") + 1
        raise InputError(f"{name}:{last}: no RDF triples (only prefix declarations or comments)")
    return Data(ntriples, bool(seen[1]), seen[0])


def read_file(path: Path, fmt: str | None = None) -> Data:
    """Parse one RDF file; :class:`InputError` if it is missing, unreadable or not RDF."""
    rdf_fmt = rdf_format(path, fmt)
    try:
        body = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory, not a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return parse_bytes(body, rdf_fmt, str(path), path.resolve().as_uri())


def read_files(paths: Iterable[Path], fmt: str | None = None) -> Data:
    """Several files validated together, as one :class:`Data`."""
    parts = [read_file(path, fmt) for path in paths]
    if not parts:
        raise InputError("no input files")
    return Data(
        b"".join(part.ntriples for part in parts),
        any(part.describes_cytoowl for part in parts),
        sum(part.triples for part in parts),
    )


def data_of_graph(graph: Graph) -> Data:
    """An rdflib graph (the build's) as :class:`Data`."""
    body = graph.serialize(format="nt", encoding="utf-8")
    return parse_bytes(body, NT, "graph", vocab.ONTOLOGY_IRI)


@functools.cache
def release_data() -> Data:
    """The bundled Turtle release, read once per process."""
    return read_file(paths.LAYOUT.release.ttl)


######## Reading the engine's report ########


def _rdflib_term(term: object) -> Node:
    """A pyoxigraph term as rdflib's, keeping blank node labels (the engine's numbering)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term in the SHACL report: {term!r}")


def report_graph(ntriples: bytes) -> Graph:
    """The engine's report (N-Triples) as an rdflib graph with the engine's blank node labels."""
    graph = Graph()
    graph.bind("sh", SH)
    for triple in pyoxigraph.parse(input=ntriples, format=NT):
        graph.add(tuple(_rdflib_term(t) for t in (triple.subject, triple.predicate, triple.object)))
    return graph


def _engine_blank(node: Node) -> int | None:
    return shacl_engine.data_blank_number(str(node)) if isinstance(node, BNode) else None


def _identity(report: Graph, node: Node, result: Result) -> tuple:
    """What makes a result the same in two runs (blank focus nodes by the engine's number)."""
    focus = report.value(node, SH.focusNode)
    return (result.focus_iri or _engine_blank(focus), *result.__dict__.values())


def focus_labels(report: Graph, documents: list[bytes]) -> Callable[[Node], str]:
    """Name focus nodes: an IRI by its label, a blank node by where it hangs from."""
    foci = set(report.objects(None, SH.focusNode))
    if not foci:
        return lambda node: ""
    iris = {pyoxigraph.NamedNode(str(f)) for f in foci if isinstance(f, URIRef)}
    numbers = {n for f in foci if (n := _engine_blank(f)) is not None}
    found = shacl_engine.blank_nodes_in_order(documents, numbers)
    blanks = {n: term for n, (_, term) in found.items()}
    wanted = set(blanks.values())
    labels: dict[object, str] = {}
    incoming: dict[object, str] = {}
    axiom: dict[object, dict[str, object]] = {}
    for document in documents:
        for triple in pyoxigraph.parse(input=document, format=NT):
            subject, predicate, value = triple.subject, triple.predicate.value, triple.object
            if subject in iris and predicate == RDFS_LABEL and subject not in labels:
                labels[subject] = value.value
            if value in wanted and value not in incoming:
                incoming[value] = f"{_compact(predicate)} of {_compact(subject)}"
            if subject in wanted and predicate.startswith(OWL + "annotated"):
                axiom.setdefault(subject, {})[predicate.removeprefix(OWL)] = value

    def label(node: Node) -> str:
        if isinstance(node, URIRef):
            return labels.get(pyoxigraph.NamedNode(str(node)), "")
        term = blanks.get(_engine_blank(node) or -1)
        if term in incoming:
            return incoming[term]
        parts = axiom.get(term, {})
        if "annotatedSource" in parts:
            source, prop, target = (
                _compact(parts.get(k))
                for k in ("annotatedSource", "annotatedProperty", "annotatedTarget")
            )
            return f"axiom annotation of {source} {prop} {target}"
        return ""

    return label


def _compact(term: object) -> str:
    if isinstance(term, str):
        return curie(URIRef(term))
    return curie(_rdflib_term(term)) if term is not None else ""


######## Validation ########


def choose_mode(data: Data | None, mode: str | None = None) -> str:
    """The mode for ``data``: ``mode`` if forced, else by what the data describes."""
    if data is None:
        return RELEASE
    if mode:
        return mode
    return STANDALONE if data.describes_cytoowl else DATA


@functools.cache
def _release_identities() -> frozenset[tuple]:
    """The results the release gives on its own (left out of data-mode reports)."""
    report = report_graph(shacl_engine.run([release_data().ntriples]))
    rows = results_of(report, lambda node: "")
    return frozenset(_identity(report, node, row) for node, row in rows.items())


def validate(data: Data | None = None, mode: str | None = None) -> Outcome:
    """Validate ``data`` (default: the release) in ``mode`` (default: chosen by the data)."""
    mode = choose_mode(data, mode)
    if mode == RELEASE or data is None:
        documents = [release_data().ntriples]
    elif mode == DATA:  # release first: its blank nodes keep the numbers of a release-only run
        documents = [release_data().ntriples, data.ntriples]
    else:
        documents = [data.ntriples]
    report = report_graph(shacl_engine.run(documents))
    if mode == DATA:
        unlabelled = results_of(report, lambda node: "")
        own = _release_identities()
        drop_results(
            report,
            {node for node, row in unlabelled.items() if _identity(report, node, row) in own},
        )
    results = sorted(
        results_of(report, focus_labels(report, documents)).values(),
        key=lambda r: (r.focus, r.path, r.component, r.value, r.message),
    )
    outcome = Outcome(report, results, mode)
    root = next(report.subjects(RDF.type, SH.ValidationReport))
    report.set((root, SH.conforms, Literal(outcome.conforms)))
    return outcome


def validate_graph(graph: Graph) -> Outcome:
    """Validate an rdflib graph as it stands (the build's release graph)."""
    return validate(data_of_graph(graph), STANDALONE)
