"""Versioned releases (issue 24): ``cytoowl build --release VERSION`` stamps the version, keeps the
release it replaces under ``previous/`` and writes the notes against it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import OWL, Graph, URIRef

from cytoowl import paths, vocab
from cytoowl.release import diff
from cytoowl.release.pipeline import BuildError, release
from tools import CHECKOUT

CURRENT = (CHECKOUT.source_dir / "VERSION").read_text().strip()
NEXT = "2999-01-01"


@pytest.fixture()
def checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of ontology/src and of the committed release built from it (the first
    version: ``test_build_check`` proves it is what a build writes)."""
    source = Path(shutil.copytree(CHECKOUT.source_dir, tmp_path / "ontology" / "src"))
    out = tmp_path / "ontology"
    committed = CHECKOUT.release
    for path in committed.all():
        target = out / path.relative_to(committed.directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return source, out


@pytest.mark.parametrize("bad", [CURRENT, "2020-01-01", "2026-13-01", "next", "2026-1-5"])
def test_a_release_must_be_a_later_date(checkout: tuple[Path, Path], bad: str) -> None:
    source, out = checkout
    with pytest.raises(BuildError, match="--release"):
        release(bad, source, out)
    assert (source / "VERSION").read_text().strip() == CURRENT


def test_a_failed_release_keeps_the_old_version(checkout: tuple[Path, Path]) -> None:
    source, out = checkout
    tsv = source / "cytokines.tsv"
    tsv.write_text(tsv.read_text().replace("\tHGNC:464\t", "\tHGNC464\t", 1))
    before = paths.ReleaseFiles(out).ttl.read_bytes()
    with pytest.raises(BuildError, match="HGNC464"):
        release(NEXT, source, out)
    assert (source / "VERSION").read_text().strip() == CURRENT
    assert paths.ReleaseFiles(out).ttl.read_bytes() == before


@pytest.mark.slow  # a full build (HermiT, SHACL)
def test_a_new_version_is_stamped_and_compared_with_the_one_it_replaces(
    checkout: tuple[Path, Path],
) -> None:
    source, out = checkout
    tsv = source / "cytokines.tsv"
    text = tsv.read_text()
    assert "\tanti-Mullerian hormone\t" in text
    tsv.write_text(text.replace("\tanti-Mullerian hormone\t", "\tanti-Mullerian hormone protein\t"))
    files = paths.ReleaseFiles(out)
    replaced = files.ttl.read_bytes()

    release(NEXT, source, out)

    assert (source / "VERSION").read_text().strip() == NEXT
    assert files.previous.read_bytes() == replaced  # the replaced release is kept
    assert diff.release_version(files.previous) == CURRENT
    graph = Graph().parse(files.ttl, format="turtle")
    onto = URIRef(vocab.ONTOLOGY_IRI)
    assert str(graph.value(onto, OWL.versionInfo)) == NEXT
    assert str(graph.value(onto, OWL.versionIRI)) == vocab.version_iri(NEXT)
    assert f"data-version: cytoowl/releases/{NEXT}/cytoowl.obo" in files.obo.read_text()
    assert vocab.version_iri(NEXT, "cytoowl-base.owl") in files.base.read_text()
    assert json.loads(files.exports_metadata.read_text())["version"] == NEXT
    notes = files.notes.read_text()
    assert notes.startswith(f"# cytoowl release notes: {CURRENT} -> {NEXT}\n")
    assert "| Relabelled terms | 1 |" in notes
    assert "anti-Mullerian hormone protein" in notes
    assert "| Added terms | 0 |" in notes and "| Removed terms" in notes
