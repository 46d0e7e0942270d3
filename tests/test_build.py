"""Bad curated input stops the build with `file:line: what is wrong` and writes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cytoowl.release.pipeline import BuildError, build_release
from tools import CHECKOUT


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    """A private copy of ontology/src to break."""
    return Path(shutil.copytree(CHECKOUT.source_dir, tmp_path / "src"))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def drop_last_cell(src: Path) -> None:
    path = src / "cytokines.tsv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].rsplit("\t", 1)[0]
    path.write_text("\n".join(lines) + "\n")


BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "missing column": (drop_last_cell, "cytokines.tsv:4: expected 12 columns"),
    "unknown family": (
        lambda s: replace_in(
            s / "cytokines.tsv", "\tIL-10 subfamily cytokine\t", "\tIL-99 subfamily cytokine\t"
        ),
        "unknown class 'IL-99 subfamily cytokine'",
    ),
    "bad HGNC id": (
        lambda s: replace_in(s / "cytokines.tsv", "\tHGNC:6001\t", "\tHGNC6001\t"),
        "hgnc 'HGNC6001' is not valid hgnc syntax",
    ),
    "bad UniProt accession": (
        lambda s: replace_in(s / "receptors.tsv", "UniProtKB:P31785", "UniProtKB:31785P"),
        "uniprot 'UniProtKB:31785P' is not valid uniprot syntax",
    ),
    "undefined reference": (
        lambda s: replace_in(s / "complexes.tsv", "IL2RA;IL2RB;IL2RG", "IL2RA;IL2RB;IL2RX"),
        "complexes.tsv:7: reference to undefined term 'IL2RX'",
    ),
    "unregistered source": (
        lambda s: replace_in(
            s / "classifications.tsv",
            "TNF\ttype 1 cytokine\twikipedia.en:Cytokine",
            "TNF\ttype 1 cytokine\tPMID:99999999",
        ),
        "source 'PMID:99999999' is neither registered",
    ),
    "duplicate id": (
        lambda s: replace_in(s / "receptors.tsv", "CYTO:0002002\t", "CYTO:0002001\t"),
        "duplicate id CYTO:0002001",
    ),
    "CL subclass axiom to a non-CL term": (
        lambda s: replace_in(
            s / "reference" / "cl_subclass_axioms.tsv",
            "CL:0000084\tT cell\tCL:0000542",
            "CL:0000084\tT cell\tGO:0005125",
        ),
        "cl_subclass_axioms.tsv:3: 'CL:0000084' subClassOf 'GO:0005125': both must be CL terms",
    ),
    "CL subclass axiom to an unknown term": (
        lambda s: replace_in(
            s / "reference" / "cl_subclass_axioms.tsv",
            "CL:0000084\tT cell\tCL:0000542",
            "CL:0000084\tT cell\tCL:9999999",
        ),
        "cl_subclass_axioms.tsv:3: reference to undefined term 'CL:9999999'",
    ),
    "Turtle syntax": (
        lambda s: replace_in(s / "tbox" / "core.ttl", "obo:GO_0008009 ] .", "obo:GO_0008009 ]"),
        "core.ttl:",
    ),
}


@pytest.mark.slow  # builds
@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_bad_source_stops_build_and_writes_nothing(case: str, sources: Path, tmp_path: Path):
    breakage, expected = BREAKAGES[case]
    breakage(sources)
    out = tmp_path / "release"
    out.mkdir()
    sentinel = out / "cytoowl.owl"
    sentinel.write_text("previous release")
    with pytest.raises(BuildError) as info:
        build_release(sources, out)
    message = str(info.value)
    assert expected in message
    assert str(sources) in message or case == "unregistered source"
    assert sentinel.read_text() == "previous release"
    assert sorted(p.name for p in out.iterdir()) == ["cytoowl.owl"]


@pytest.mark.slow  # HermiT
def test_unsatisfiable_class_fails_build(sources: Path, tmp_path: Path) -> None:
    # Make 'chemokine' a subclass of 'TNF superfamily cytokine', which is disjoint with it.
    replace_in(
        sources / "tbox" / "core.ttl",
        'rdfs:label "CC chemokine"@en ;',
        'rdfs:label "CC chemokine"@en ; rdfs:subClassOf CYTO:0000016 ;',
    )
    with pytest.raises(BuildError, match="HermiT"):
        build_release(sources, tmp_path)
