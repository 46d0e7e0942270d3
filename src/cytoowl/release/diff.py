"""What changed between two releases: terms added, removed, relabelled, re-typed, deprecated,
and mappings added or removed (``cytoowl diff``, and the release notes the build writes).

A term is a cytoowl IRI (``CYTO_`` + 7 digits) declared as a class, property or individual.
Terms are never deleted: a retired term stays with ``owl:deprecated true``, an "obsolete" label
and ``IAO:0100001`` (term replaced by), so "removed" must stay empty; the QC check
``disappeared_term`` (:func:`cytoowl.build.qc.disappeared_findings`) fails the build when not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from cytoowl import formats, paths, vocab
from cytoowl.release.sssom import mapping_triples

KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.AnnotationProperty: "annotation property",
    OWL.DatatypeProperty: "data property",
    OWL.NamedIndividual: "individual",
}


class DiffError(ValueError):
    """A release to compare cannot be found or read; the message names it."""


@dataclass(frozen=True)
class Term:
    label: str
    types: frozenset[str]
    deprecated: bool


@dataclass
class ReleaseDiff:
    old_version: str
    new_version: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    relabelled: list[tuple[str, str, str]] = field(default_factory=list)
    retyped: list[tuple[str, str, str]] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    mappings_added: list[tuple[str, str, str]] = field(default_factory=list)
    mappings_removed: list[tuple[str, str, str]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(
            (self.added, self.removed, self.relabelled, self.retyped, self.deprecated,
             self.mappings_added, self.mappings_removed)
        )  # fmt: skip


def version_of(graph: Graph) -> str:
    info = graph.value(URIRef(vocab.ONTOLOGY_IRI), OWL.versionInfo)
    return str(info) if info is not None else "unversioned"


def terms(graph: Graph) -> dict[str, Term]:
    """Every cytoowl term of a release with its label, types and deprecation."""
    out = {}
    for s in set(graph.subjects(RDF.type, None)):
        if not (isinstance(s, URIRef) and vocab.is_term(str(s))):
            continue
        types = frozenset(
            KINDS.get(t, vocab.curie(str(t)))
            for t in graph.objects(s, RDF.type)  # type: ignore[arg-type]
            if isinstance(t, URIRef)  # not the 'produced by some' restrictions (blank nodes)
        )
        label = next((str(o) for o in sorted(graph.objects(s, RDFS.label))), "")
        out[vocab.curie(str(s))] = Term(label, types, (s, OWL.deprecated, Literal(True)) in graph)
    return out


def _mappings(graph: Graph) -> set[tuple[str, str, str]]:
    return {tuple(vocab.curie(str(n)) for n in t) for t in mapping_triples(graph)}  # type: ignore[misc]


def diff(old: Graph, new: Graph) -> ReleaseDiff:
    """Compare two release graphs."""
    before, after = terms(old), terms(new)
    result = ReleaseDiff(version_of(old), version_of(new))
    result.labels = {k: t.label for k, t in (before | after).items()}
    result.added = sorted(after.keys() - before.keys())
    result.removed = sorted(before.keys() - after.keys())
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if a.label != b.label:
            result.relabelled.append((key, a.label, b.label))
        if a.types != b.types:
            result.retyped.append((key, ", ".join(sorted(a.types)), ", ".join(sorted(b.types))))
        if b.deprecated and not a.deprecated:
            result.deprecated.append(key)
    old_maps, new_maps = _mappings(old), _mappings(new)
    result.mappings_added = sorted(new_maps - old_maps)
    result.mappings_removed = sorted(old_maps - new_maps)
    return result


REMOVED = "Removed terms (never allowed: deprecate instead)"


def _sections(d: ReleaseDiff) -> list[tuple[str, list[str]]]:
    name = d.labels.get
    return [
        ("Added terms", [f"{k} {name(k, '')}" for k in d.added]),
        (REMOVED, [f"{k} {name(k, '')}" for k in d.removed]),
        ("Relabelled terms", [f"{k}: '{a}' -> '{b}'" for k, a, b in d.relabelled]),
        ("Re-typed terms", [f"{k} {name(k, '')}: {a} -> {b}" for k, a, b in d.retyped]),
        ("Deprecated terms", [f"{k} {name(k, '')}" for k in d.deprecated]),
        ("Mappings added", [f"{s} {p} {o}" for s, p, o in d.mappings_added]),
        ("Mappings removed", [f"{s} {p} {o}" for s, p, o in d.mappings_removed]),
    ]  # fmt: skip


def as_text(d: ReleaseDiff) -> str:
    lines = [f"cytoowl changes from {d.old_version} to {d.new_version}"]
    for title, items in _sections(d):
        lines.append(f"{title}: {len(items)}")
        lines += [f"  {item}" for item in items]
    return "\n".join(lines) + "\n"


def as_markdown(d: ReleaseDiff) -> str:
    lines = [f"# cytoowl release notes: {d.old_version} -> {d.new_version}", ""]
    lines += ["| change | count |", "| --- | ---: |"]
    lines += [f"| {title} | {len(items)} |" for title, items in _sections(d)]
    for title, items in _sections(d):
        if items:
            lines += ["", f"## {title}", ""] + [f"- {item}" for item in items]
    return "\n".join(lines) + "\n"


def release_notes(old: Graph | None, new: Graph) -> str:
    """The Markdown release notes the build writes (against the previous release, if any)."""
    if old is None:
        return (
            f"# cytoowl release notes: {version_of(new)}\n\nFirst release: no previous release.\n"
        )
    return as_markdown(diff(old, new))


def release_version(path: Path) -> str | None:
    """The ``owl:versionInfo`` of a release file, read quickly with pyoxigraph (None if absent)."""
    fmt = formats.by_extension(path)
    if not path.exists() or fmt is None:
        return None
    for triple in pyoxigraph.parse(path=str(path), format=fmt):
        if triple.subject.value == vocab.ONTOLOGY_IRI and triple.predicate.value == str(
            OWL.versionInfo
        ):
            return triple.object.value
    return None


def previous_release(directory: Path, version: str) -> Path | None:
    """The previous release to compare with: the installed one if it has another version, else
    the kept copy ``previous/cytoowl.ttl``; None for a first release."""
    files = paths.ReleaseFiles(directory)
    installed = release_version(files.ttl)
    if installed is not None and installed != version:
        return files.ttl
    return files.previous if files.previous.exists() else None


def load_release(ref: str, directory: Path = paths.LAYOUT.ontology_dir) -> Graph:
    """A release by file path, or by version IRI / version date among the local releases."""
    path = Path(ref)
    if path.exists():
        fmt = formats.rdflib_format(path)
        if fmt is None:
            raise DiffError(f"{ref}: unknown RDF format (use .owl, .ttl, .jsonld or .nt)")
        try:
            return Graph().parse(path, format=fmt)
        except Exception as exc:  # rdflib's parsers raise many exception types
            raise DiffError(f"{ref}: cannot parse: {exc}") from exc
    files = paths.ReleaseFiles(directory)
    for candidate in (files.ttl, files.previous):
        version = release_version(candidate)
        if version is not None and ref in (version, vocab.version_iri(version)):
            return Graph().parse(candidate, format="turtle")
    raise DiffError(
        f"{ref}: neither a file nor the version (IRI) of a local release "
        f"({files.ttl}, {files.previous})"
    )
