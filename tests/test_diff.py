"""Release notes: ``cytoowl diff`` and deprecation (terms are retired, never deleted)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import OWL, RDFS, Graph, Literal, URIRef
from typer.testing import CliRunner

from cytoowl import vocab
from cytoowl.build import qc
from cytoowl.build.assemble import build_graph
from cytoowl.cli import app
from cytoowl.release import diff
from cytoowl.release.obo import obo_document
from tools import CHECKOUT


def _unreferenced_symbol(source: Path) -> tuple[str, str]:
    """A gene product (id, symbol) that no other table refers to, so its row can go."""
    others = "".join(
        p.read_text(encoding="utf-8")
        for p in source.rglob("*.tsv")
        if p.name != "cytokines.tsv"
        and not {"reference", "mouse"} & set(p.relative_to(source).parts)
    )
    with (source / "cytokines.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if (
                f"\t{row['symbol']}\t" not in others
                and f"|{row['symbol']}" not in others
                and (row["symbol"] not in others.split())
            ):
                return row["id"], row["symbol"]
    raise AssertionError("every cytokine is referenced elsewhere")


@pytest.fixture(scope="module")
def original() -> Graph:
    return build_graph(CHECKOUT.source_dir)


def _without_row(tmp_path: Path, term_id: str, symbol: str) -> Path:
    """A copy of the sources without the row; its mouse orthologs stay, without the link."""
    source = tmp_path / "src"
    shutil.copytree(CHECKOUT.source_dir, source)
    table = source / "cytokines.tsv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(x for x in lines if not x.startswith(term_id + "\t")))
    pairs = source / "mouse" / "orthology.tsv"
    lines = pairs.read_text(encoding="utf-8").splitlines(keepends=True)
    pairs.write_text("".join(x for x in lines if x.split("\t")[1] != symbol))
    genes = source / "mouse" / "genes.tsv"
    rows = [x.split("\t") for x in genes.read_text(encoding="utf-8").splitlines()]
    for row in rows[1:]:
        row[7] = ";".join(h for h in row[7].split(";") if h != symbol)
    genes.write_text("".join("\t".join(row) + "\n" for row in rows))
    return source


@pytest.mark.slow  # builds
def test_deprecating_a_term_keeps_its_iri(tmp_path: Path, original: Graph) -> None:
    term_id, symbol = _unreferenced_symbol(CHECKOUT.source_dir)
    source = _without_row(tmp_path, term_id, symbol)
    (source / "deprecated.tsv").write_text(
        "id\tkind\tlabel\treplaced_by\treason\n"
        f"{term_id}\tindividual\t{symbol} product\tIL2\tmerged into another term (test)\n"
    )
    new = build_graph(source)
    iri = URIRef(vocab.expand(term_id))
    assert (iri, OWL.deprecated, Literal(True)) in new
    assert str(new.value(iri, RDFS.label)).startswith("obsolete ")
    assert new.value(iri, URIRef(vocab.TERM_REPLACED_BY)) == URIRef(vocab.expand("CYTO:0001117"))
    changes = diff.diff(original, new)
    assert changes.deprecated == [term_id] and changes.removed == []
    assert term_id in [k for k, _, _ in changes.relabelled]
    assert qc.disappeared_findings(original, new) == []
    findings = qc.run_checks(qc.to_store(new), qc.load_checks())
    assert [f for f in findings if f.check.level == "ERROR"] == []
    obo = obo_document(new, "2000-01-01")
    frame = obo[obo.index(f"id: {term_id}") :].split("\n\n")[0]
    assert "is_obsolete: true" in frame and "replaced_by: CYTO:0001117" in frame
    assert "Deprecated terms | 1 |" in diff.as_markdown(changes)


def test_deleting_a_term_fails_the_qc(tmp_path: Path, original: Graph) -> None:
    term_id, symbol = _unreferenced_symbol(CHECKOUT.source_dir)
    new = build_graph(_without_row(tmp_path, term_id, symbol))
    gone = qc.disappeared_findings(original, new)
    assert [f.entity for f in gone] == [vocab.expand(term_id)]
    assert gone[0].check.level == "ERROR"
    assert diff.diff(original, new).removed == [term_id]


def _slice(graph: Graph, subjects: list[URIRef]) -> Graph:
    """The statements of ``subjects`` in ``graph``."""
    out = Graph()
    for subject in subjects:
        for predicate, obj in graph.predicate_objects(subject):
            out.add((subject, predicate, obj))
    return out


@pytest.mark.slow  # loads the release and the one before it
def test_cli_diff_text_markdown_and_version_iri(tmp_path: Path, release_graph: Graph) -> None:
    runner = CliRunner()
    version = diff.version_of(release_graph)
    same = runner.invoke(app, ["diff", str(CHECKOUT.release.ttl), vocab.version_iri(version)])
    assert same.exit_code == 0, same.output
    assert "Added terms: 0" in same.stdout and "Removed terms" in same.stdout
    # Two small slices of the release (the ontology header, IL-2 and IL-6), with and without
    # IL-2: the command's parsing of two whole releases again would prove nothing more.
    il2, il6 = (URIRef(vocab.expand(c)) for c in ("CYTO:0001117", "CYTO:0001140"))
    before, smaller = tmp_path / "before.ttl", tmp_path / "smaller.ttl"
    _slice(release_graph, [URIRef(vocab.ONTOLOGY_IRI), il2, il6]).serialize(before, "turtle")
    _slice(release_graph, [URIRef(vocab.ONTOLOGY_IRI), il6]).serialize(smaller, "turtle")
    removed = runner.invoke(app, ["diff", str(before), str(smaller), "--format", "markdown"])
    assert removed.exit_code == 1
    assert "## Removed terms" in removed.stdout and "CYTO:0001117" in removed.stdout
    assert "CYTO:0001140" not in removed.stdout.split("## Removed terms")[1].split("##")[0]
    unknown = runner.invoke(app, ["diff", "1999-01-01", str(smaller)])
    assert unknown.exit_code == 2 and "1999-01-01" in unknown.output


def test_release_notes_are_written_against_the_previous_release() -> None:
    notes = CHECKOUT.release.notes.read_text(encoding="utf-8")
    assert notes.startswith("# cytoowl release notes: ")
    assert "| Removed terms (never allowed: deprecate instead) | 0 |" in notes
