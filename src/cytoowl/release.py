"""The release pipeline: sources -> build -> reason -> QC + SHACL -> release files.

Everything is checked before anything is written; files are first written to a temporary
directory beside the release and then moved into place, so a failed build leaves the previous
release untouched. The same input gives byte-identical output.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cytoowl import config, qc, reason, validate
from cytoowl.build import CYTO, OIO, build_graph, stable_blank_nodes
from cytoowl.sources import SourceError


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


def run_pipeline(source_dir: Path, step: Callable[[str], None]) -> tuple[Graph, BuildReport]:
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


def base_graph(graph: Graph) -> Graph:
    """The base module: only axioms about cytoowl's own terms and the ontology header."""
    base = Graph()
    for prefix, ns in graph.namespaces():
        base.bind(prefix, ns, override=True)
    own = (str(CYTO), config.ONTOLOGY_IRI)
    for s, p, o in graph:
        if not isinstance(s, URIRef) or s.startswith(own):
            base.add((s, p, o))
    return base


def sssom_tsv(graph: Graph, version: str) -> str:
    """SSSOM mapping set: every skos:exactMatch of the release, with a YAML header.

    Written by hand rather than with sssom-py, whose dependency tree (pandas, LinkML) is far
    heavier than this 10-column table.
    """
    from rdflib.namespace import SKOS

    header = [
        "#curie_map:",
        "#  CYTO: https://w3id.org/cytoowl/CYTO_",
        "#  HGNC: http://identifiers.org/hgnc/",
        "#  NCBIGene: http://identifiers.org/ncbigene/",
        "#  UniProtKB: http://purl.uniprot.org/uniprot/",
        "#  semapv: https://w3id.org/semapv/vocab/",
        "#  skos: http://www.w3.org/2004/02/skos/core#",
        f"#mapping_set_id: {config.BASE_IRI}releases/{version}/mappings/cytoowl.sssom.tsv",
        f"#mapping_set_version: {version}",
        f"#license: {config.LICENSE_IRI}",
    ]
    prefixes = {
        "http://identifiers.org/hgnc/": "HGNC:",
        "http://identifiers.org/ncbigene/": "NCBIGene:",
        "http://purl.uniprot.org/uniprot/": "UniProtKB:",
    }
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(
        [
            "subject_id",
            "subject_label",
            "predicate_id",
            "object_id",
            "mapping_justification",
            "comment",
        ]
    )
    rows = []
    for s, o in graph.subject_objects(SKOS.exactMatch):
        for base, prefix in prefixes.items():
            if str(o).startswith(base):
                label = graph.value(s, RDFS.label)
                rows.append(
                    [
                        "CYTO:" + str(s).removeprefix(str(CYTO)),
                        str(label or ""),
                        "skos:exactMatch",
                        prefix + str(o).removeprefix(base),
                        "semapv:ManualMappingCuration",
                        "HGNC-derived identifier",
                    ]
                )
    writer.writerows(sorted(rows))
    return "\n".join(header) + "\n" + out.getvalue()


def _sorted_triples(graph: Graph) -> list[pyoxigraph.Triple]:
    """The graph's triples as pyoxigraph terms, ontology header first, then sorted."""
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))
    header = f"<{config.ONTOLOGY_IRI}>"
    return sorted(
        triples,
        key=lambda t: (str(t.subject) != header, str(t.subject), str(t.predicate), str(t.object)),
    )


def _write_sorted(graph: Graph, path: Path, fmt: pyoxigraph.RdfFormat) -> None:
    """Serialise in sorted triple order with pyoxigraph.

    rdflib's RDF/XML and JSON-LD writers follow its store's hash order, which changes between
    runs; pyoxigraph writes triples in the order given, so the output is byte-stable.
    """
    prefixes = {
        p: str(ns)
        for p, ns in graph.namespaces()
        if p in {"CYTO", "obo", "oboInOwl", "owl", "rdf", "rdfs", "skos", "dcterms", "foaf", "xsd"}
    }
    pyoxigraph.serialize(_sorted_triples(graph), str(path), fmt, prefixes=prefixes)


def serialise(graph: Graph, directory: Path, version: str) -> list[Path]:
    """Write every release file of DESIGN §4 into ``directory``."""
    files = config.ReleaseFiles(directory)
    files.sssom.parent.mkdir(parents=True, exist_ok=True)
    _write_sorted(graph, files.owl, pyoxigraph.RdfFormat.RDF_XML)
    graph.serialize(files.ttl, format="turtle", encoding="utf-8")
    _write_sorted(graph, files.jsonld, pyoxigraph.RdfFormat.JSON_LD)
    _write_sorted(base_graph(graph), files.base, pyoxigraph.RdfFormat.RDF_XML)
    files.sssom.write_text(sssom_tsv(graph, version), encoding="utf-8")
    return files.all()


def build_release(
    source_dir: Path = config.SOURCE_DIR,
    out_dir: Path = config.ONTOLOGY_DIR,
    step: Callable[[str], None] = lambda _: None,
) -> BuildReport:
    """Build and atomically install the release files in ``out_dir``."""
    graph, report = run_pipeline(source_dir, step)
    version = (source_dir / "VERSION").read_text().strip()
    step("writing release files")
    staging = Path(tempfile.mkdtemp(prefix=".ontology-tmp", dir=out_dir))
    try:
        written = serialise(graph, staging, version)
        final = config.ReleaseFiles(out_dir)
        final.sssom.parent.mkdir(parents=True, exist_ok=True)
        for path, target in zip(written, final.all(), strict=True):
            os.replace(path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def differing_files(
    source_dir: Path = config.SOURCE_DIR, out_dir: Path = config.ONTOLOGY_DIR
) -> list[str]:
    """Release files whose committed bytes differ from a fresh build (empty: up to date)."""
    with tempfile.TemporaryDirectory(prefix="cytoowl-check-") as tmp:
        build_release(source_dir, Path(tmp))
        fresh = config.ReleaseFiles(Path(tmp)).all()
        committed = config.ReleaseFiles(out_dir).all()
        return [
            str(c.relative_to(out_dir))
            for f, c in zip(fresh, committed, strict=True)
            if not c.exists() or c.read_bytes() != f.read_bytes()
        ]


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def build_command(console: Console) -> int:
    """CLI body of ``cytoowl build``."""
    with _progress(console) as progress:
        task = progress.add_task("starting", total=None)
        try:
            report = build_release(step=lambda s: progress.update(task, description=s))
        except BuildError as exc:
            progress.stop()
            console.print(f"[red]build failed; the previous release is untouched.[/red]\n{exc}")
            return 1
        progress.update(task, description="done")
    console.print(
        f"release written to {config.ONTOLOGY_DIR}: {report.classes} classes, "
        f"{report.individuals} individuals, {report.axioms} axioms, {report.triples} triples, "
        f"{report.inferred_types} inferred types; "
        + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
    )
    console.print(qc.report_table(report.qc_findings, qc.load_checks()))
    return 0


def check_command(console: Console) -> int:
    """CLI body of ``cytoowl build --check``: exit 1 when the committed release is stale."""
    try:
        stale = differing_files()
    except BuildError as exc:
        console.print(f"[red]build failed:[/red] {exc}")
        return 1
    if stale:
        console.print(f"[red]release out of date: {', '.join(stale)}; run `cytoowl build`.")
        return 1
    console.print("release is up to date with ontology/src")
    return 0


__all__ = ["OIO", "BuildError", "BuildReport", "build_release", "differing_files", "run_pipeline"]
