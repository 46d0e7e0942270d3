"""The release pipeline: sources -> build -> reason -> QC + SHACL -> release files.

Everything is checked before anything is written; files are first written to a temporary
directory beside the release and then moved into place, so a failed build leaves the previous
release untouched. The same input gives byte-identical output.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef

from cytoowl import paths
from cytoowl.build import qc, reason
from cytoowl.build.assemble import CYTO, build_graph, stable_blank_nodes
from cytoowl.build.sources import SourceError
from cytoowl.release import diff
from cytoowl.release.obo import OboError
from cytoowl.release.serialise import serialise
from cytoowl.validate import shacl as validate


class BuildError(Exception):
    """The release cannot be built; the message says what and where."""


@dataclass
class BuildReport:
    """What a build produced and measured."""

    triples: int = 0
    classes: int = 0
    individuals: int = 0
    axioms: int = 0
    inferred_types: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    qc_findings: list[qc.Finding] = field(default_factory=list)


def count_entities(graph: Graph, report: BuildReport) -> None:
    """Count cytoowl classes, individuals and logical/annotation axioms (OWL API style)."""
    ours = [s for s in set(graph.subjects()) if isinstance(s, URIRef) and s.startswith(str(CYTO))]
    report.classes = sum((s, RDF.type, OWL.Class) in graph for s in ours)
    report.individuals = sum((s, RDF.type, OWL.NamedIndividual) in graph for s in ours)
    report.axioms = sum(1 for s, _, _ in graph if isinstance(s, URIRef))
    report.triples = len(graph)


def check_no_term_disappeared(graph: Graph, previous: Path | None) -> None:
    """QC ERROR: a term of the previous release is missing (terms are deprecated, not deleted)."""
    if previous is None:
        return
    gone = qc.disappeared_findings(Graph().parse(previous, format="turtle"), graph)
    if gone:
        raise BuildError(
            f"QC errors:\n  {qc.DISAPPEARED.title} ({previous}): "
            + ", ".join(f.entity for f in gone[:20])
            + "\n  retire a term in ontology/src/deprecated.tsv instead of deleting its row"
        )


def run_pipeline(
    source_dir: Path, step: Callable[[str], None], previous: Path | None = None
) -> tuple[Graph, BuildReport]:
    """Build, reason, materialise and check the release graph (writes nothing)."""
    report = BuildReport()
    start = time.perf_counter()
    step("reading curated sources")
    try:
        graph = build_graph(source_dir)
    except SourceError as exc:
        raise BuildError(str(exc)) from exc
    report.timings["build"] = time.perf_counter() - start

    step("reasoning with HermiT")
    try:
        inference = reason.reason(graph)
    except reason.ReasoningError as exc:
        raise BuildError(str(exc)) from exc
    reason.materialise(graph, inference)
    report.inferred_types = len(inference.types)
    report.timings["reasoner"] = inference.seconds

    step("quality control (sparql/qc)")
    t = time.perf_counter()
    report.qc_findings = qc.run_qc(graph)
    errors = [f for f in report.qc_findings if f.check.level == "ERROR"]
    if errors:
        lines = [f"{f.check.title}: {f.entity} {f.value}".strip() for f in errors[:20]]
        raise BuildError("QC errors:\n  " + "\n  ".join(lines))
    check_no_term_disappeared(graph, previous)
    report.timings["qc"] = time.perf_counter() - t

    step("SHACL validation (shapes/)")
    t = time.perf_counter()
    outcome = validate.validate_graph(graph)
    if outcome.violations:
        raise BuildError("SHACL violations:\n" + outcome.text(limit=20))
    report.timings["shacl"] = time.perf_counter() - t
    count_entities(graph, report)
    report.timings["total"] = time.perf_counter() - start
    return stable_blank_nodes(graph), report


def build_release(
    source_dir: Path = paths.LAYOUT.source_dir,
    out_dir: Path = paths.LAYOUT.ontology_dir,
    step: Callable[[str], None] = lambda _: None,
    history_dir: Path | None = None,
) -> BuildReport:
    """Build and atomically install the release files in ``out_dir``.

    The previous release (the base of the release notes and of the disappeared-term check) is
    found in ``history_dir`` (default ``out_dir``): the installed release when its version
    differs from ``ontology/src/VERSION``, else its kept copy ``previous/cytoowl.ttl``. When a
    new version replaces the installed one, the installed Turtle becomes that copy.
    """
    version = (source_dir / "VERSION").read_text().strip()
    history = paths.ReleaseFiles(history_dir or out_dir)
    previous = diff.previous_release(history.directory, version)
    graph, report = run_pipeline(source_dir, step, previous)
    step("writing release files")
    staging = Path(tempfile.mkdtemp(prefix=".ontology-tmp", dir=out_dir))
    try:
        try:
            written = serialise(graph, staging, version, previous)
        except OboError as exc:
            raise BuildError(str(exc)) from exc
        final = paths.ReleaseFiles(out_dir)
        if previous == final.ttl:
            final.previous.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(final.ttl, final.previous)
        for path, target in zip(written, final.all(), strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def check_new_version(version: str, current: str) -> None:
    """A new release version is an ISO date later than the current one."""
    try:
        datetime.date.fromisoformat(version)
    except ValueError:
        raise BuildError(f"--release {version!r}: not a date (YYYY-MM-DD)") from None
    if len(version) != len("YYYY-MM-DD") or version <= current:
        raise BuildError(
            f"--release {version}: must be a YYYY-MM-DD date later than the current "
            f"version {current} (ontology/src/VERSION)"
        )


def release(
    version: str,
    source_dir: Path = paths.LAYOUT.source_dir,
    out_dir: Path = paths.LAYOUT.ontology_dir,
    step: Callable[[str], None] = lambda _: None,
) -> BuildReport:
    """Make release ``version``: stamp it in ``VERSION`` (so in the version IRIs and every
    export's metadata), build, keep the release it replaces as ``previous/cytoowl.ttl`` and
    write the notes against it. A failed build puts the old ``VERSION`` back."""
    version_file = source_dir / "VERSION"
    old = version_file.read_text()
    check_new_version(version, old.strip())
    version_file.write_text(version + "\n")
    try:
        return build_release(source_dir, out_dir, step)
    except BaseException:
        version_file.write_text(old)
        raise


def differing_files(
    source_dir: Path = paths.LAYOUT.source_dir, out_dir: Path = paths.LAYOUT.ontology_dir
) -> list[str]:
    """Release files whose committed bytes differ from a fresh build (empty: up to date)."""
    with tempfile.TemporaryDirectory(prefix="cytoowl-check-") as tmp:
        build_release(source_dir, Path(tmp), history_dir=out_dir)
        fresh = paths.ReleaseFiles(Path(tmp)).all()
        committed = paths.ReleaseFiles(out_dir)
        return [
            str(c.relative_to(out_dir))
            for f, c in zip(fresh, committed.all(), strict=True)
            if not c.exists() or _content(c, committed) != _content(f, committed)
        ]


def _content(path: Path, files: paths.ReleaseFiles) -> bytes:
    """What ``--check`` compares: the bytes, except for the HTML reference.

    pyLODE lists the members of an intersection in an order that still varies between runs
    (after fixing the hash seed and the blank-node ids, see ``htmldoc``); its lines are compared
    as a sorted multiset, which still catches any changed term, label or axiom.
    """
    data = path.read_bytes()
    if path.name == files.docs.name and path.parent.name == files.docs.parent.name:
        return b"\n".join(sorted(data.splitlines()))
    return data
