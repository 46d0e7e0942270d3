"""The interactome (issue 9): curated rows, recall of the resources, bad input, the export."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from rdflib import RDFS, Graph, URIRef

from cq_helpers import IRI
from cytoowl import vocab
from cytoowl.build import interactions, lr_resources
from cytoowl.build.assemble import BINDS_RECEPTOR, HUMAN, IN_TAXON, OBO, build_graph
from cytoowl.build.sources import SourceError
from cytoowl.release import interactome
from tools import CHECKOUT

FOLDER = CHECKOUT.source_dir / "interactions"
AGONIST, ANTAGONIST = OBO.RO_0018027, OBO.RO_0018029
# The LIANA >= 2-resource target (85 %) is not reached: 124 of its 735 pairs name adrenergic,
# melatonin and glutamate receptors, ion channels, adaptors or a protease, and the literature
# audit of issue 22 removed further pairs that do not bind (docs/interactions.md).
LIANA_FLOOR = 0.71


def rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def resources() -> lr_resources.ResourcePairs:
    return lr_resources.load(CHECKOUT.source_dir)


@pytest.fixture(scope="module")
def asserted(release_graph: Graph) -> set[tuple[str, str]]:
    return lr_resources.release_pairs(release_graph, lr_resources.hgnc_symbols(CHECKOUT.source_dir))


def test_cellphonedb_recall_at_least_95_percent(resources, asserted) -> None:
    assert len(resources.cellphonedb) == 406
    assert lr_resources.recall(asserted, resources.cellphonedb) >= 0.95


def test_liana_two_resource_recall_floor(resources, asserted) -> None:
    assert len(resources.liana(2)) == 735
    assert lr_resources.recall(asserted, resources.liana(2)) >= LIANA_FLOOR


def test_every_resource_pair_is_asserted_or_excluded_with_reason(resources, asserted) -> None:
    excluded = {(r["ligand"], r["receptor"]): r for r in rows("excluded_interactions.tsv")}
    every = resources.cellphonedb | resources.liana(0)
    missing = sorted(p for p in every if p not in asserted and p not in excluded)
    assert not missing, missing[:20]
    assert not set(excluded) & asserted


def test_antagonists_bind_the_primary_chain(release_graph: Graph) -> None:
    for ligand, chain in (("IL1RN", "IL1R1"), ("IL36RN", "IL36R"), ("IL38", "IL36R")):
        assert (URIRef(IRI[ligand]), ANTAGONIST, URIRef(IRI[chain])) in release_graph
        assert not any(
            (URIRef(IRI[ligand]), BINDS_RECEPTOR, o) in release_graph
            for o in (URIRef(IRI[k]) for k in ("IL-1R", "IL-36R"))
        )


def test_ltbr_binds_the_heterotrimer_not_ltb(release_graph: Graph) -> None:
    ltbr = URIRef(IRI["LTBR"])
    assert (URIRef(IRI["LTa1b2"]), AGONIST, ltbr) in release_graph
    assert (URIRef(IRI["LTB"]), BINDS_RECEPTOR, ltbr) not in release_graph


def test_minted_interaction_labels_do_not_duplicate_ro(release_graph: Graph) -> None:
    with (CHECKOUT.source_dir / "reference" / "ro_object_properties.tsv").open() as handle:
        ro = {r["label"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    ours = interactome.interaction_types(release_graph)
    minted = [p for p in ours if str(p).startswith(vocab.TERM_PREFIX)]
    assert len(minted) == 5
    assert not {str(release_graph.value(p, RDFS.label)) for p in minted} & ro


def test_export_matches_the_release(release_graph: Graph) -> None:
    frame = pd.read_csv(CHECKOUT.release.interactions, sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == interactome.COLUMNS
    prefix = vocab.TERM_PREFIX
    pairs = {
        ("CYTO:" + str(s).removeprefix(prefix), "CYTO:" + str(o).removeprefix(prefix))
        for s, o in release_graph.subject_objects(BINDS_RECEPTOR)
        if (s, IN_TAXON, HUMAN) in release_graph  # the mouse rows are in their own file
    }
    every = pd.read_csv(
        CHECKOUT.release.interactions_all, sep="\t", dtype=str, keep_default_na=False
    )
    assert set(zip(every.ligand_id, every.receptor_id, strict=True)) == pairs
    assert len(every) == len(pairs)
    assert set(every.confidence_tier) == set(interactions.TIERS)
    assert every.evidence.str.match(r"^ECO:[0-9]{7}$").all()
    # The default export: every tier but 'unconfirmed'.
    assert frame.equals(every[every.confidence_tier != "unconfirmed"].reset_index(drop=True))
    assert (frame.sources != "").all()
    il2 = frame[(frame.ligand_symbol == "IL2") & (frame.receptor_symbol == "IL2RB_IL2RG")]
    assert il2.interaction_type.tolist() == ["is agonist of"]
    kit = frame[frame.receptor_symbol == "KIT"]
    assert kit.receptor_superfamily.tolist() == ["receptor tyrosine kinase"]
    assert set(frame.interaction_type) == {
        "is agonist of",
        "is antagonist of",
        "binds co-receptor",
        "binds decoy receptor",
        "binds without signalling",
        "latent form activated by",
        "binds receptor",
    }
    bmp4 = set(frame[frame.ligand_symbol == "BMP4"].extracellular_antagonists)
    assert bmp4 == {"CHRD;GREM2;NOG"}  # CellChatDB's antagonist cofactor, per ligand


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    target = tmp_path / "src"
    shutil.copytree(CHECKOUT.source_dir, target)
    return target


def append(path: Path, line: str) -> int:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.slow  # builds
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "IL2\tis agonist of\tFOO1\tECO:0000313\tLIANA:consensus\t",
            "receptor 'FOO1': unknown gene or complex",
        ),
        (
            "IL2\tis agonist of\tIL6\tECO:0000313\tLIANA:consensus\t",
            "receptor 'IL6' is a cytokine, not a receptor",
        ),
        (
            "IL2\tis agonist of\tIL2RB_FOO1\tECO:0000313\tLIANA:consensus\t",
            "complex part 'FOO1' is not a defined gene",
        ),
        (
            "IL2\tis agonist of\tIL2RB_IL6ST\tECO:0000313\tLIANA:consensus\t",
            "no complex of complexes.tsv has exactly",
        ),
        (
            "NOTAGENE\tis agonist of\tIL2RB\tECO:0000313\tLIANA:consensus\t",
            "ligand 'NOTAGENE': unknown gene",
        ),
        ("IL2\tproduced by\tIL2RB\tECO:0000313\tLIANA:consensus\t", "is not an interaction type"),
        ("IL2\tis agonist of\tIL2RB\tECO:0000313\tSomeDB:x\t", "source 'SomeDB:x' is neither"),
        (
            "IL2\tis sequestered by\tIL2RB\tECO:0000313\tLIANA:consensus\t",
            "receptor 'IL2RB' is a receptor chain, not an extracellular cytokine antagonist",
        ),
        (
            "IL2\tis agonist of\tNOG\tECO:0000313\tLIANA:consensus\t",
            "receptor 'NOG' is a extracellular cytokine antagonist, not a receptor chain",
        ),
        (
            "IL2\tis agonist of\tIL2RB\tECO:0000501\tLIANA:consensus\t",
            "evidence 'ECO:0000501' is not an ECO class of reference/eco_terms.tsv",
        ),
        (
            "IL2\tis agonist of\tIL2RB\tECO:0000353\tLIANA:cellchatdb+icellnet\t",
            "needs the publication or database entry that shows it",
        ),
        (
            "IL2\tis agonist of\tIL2RB\tECO:0000322\tLIANA:cellchatdb\t",
            "needs a resource report that cites a publication",
        ),
    ],
)
def test_bad_interaction_row_stops_the_build(sources: Path, row: str, message: str) -> None:
    line = append(sources / "interactions" / "interactions.tsv", row)
    with pytest.raises(SourceError) as error:
        build_graph(sources)
    assert str(error.value).startswith(f"{sources / 'interactions' / 'interactions.tsv'}:{line}: ")
    assert message in str(error.value)


def test_complex_with_undefined_part_stops_the_build(sources: Path) -> None:
    line = append(
        sources / "complexes.tsv",
        "CYTO:0003999\tX/Y\tbroken complex\treceptor complex\tIL2RB;FOO1\t\t\tHGNC:6009",
    )
    with pytest.raises(SourceError, match=rf"complexes.tsv:{line}: .*undefined term 'FOO1'"):
        build_graph(sources)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("IL2\tIL2RG\tno binding\tLIANA(2)\tPMID:11264152\tcontradiction", ".*is asserted at"),
        ("IL2\tCCR5\tno binding\tLIANA(1)\t\tnot IL-2's receptor", " column 'reference'"),
        ("IL2\tCCR5\tno binding\tLIANA(1)\tPMID:1\tunregistered", " reference 'PMID:1' is"),
        ("IL2\tCCR5\tno evidence\tLIANA(1)\tPMID:11264152\told reason", " reason 'no evidence'"),
    ],
)
def test_bad_exclusion_stops_the_build(sources: Path, row: str, message: str) -> None:
    line = append(sources / "interactions" / "excluded_interactions.tsv", row)
    with pytest.raises(SourceError, match=rf"excluded_interactions.tsv:{line}:{message}"):
        build_graph(sources)


@pytest.mark.parametrize(
    ("use", "sources", "tier"),
    [
        ("structure", ["PMID:1", "LIANA:cellchatdb"], "experimental"),
        ("binding", ["doi:10.1/x"], "experimental"),
        ("functional", ["LIANA:cellchatdb+icellnet"], "several resources"),  # no citation
        ("review", ["PMID:1"], "curated"),
        ("curated resource", ["CellPhoneDB:PMID:2;LIANA:cellphonedb"], "curated"),
        ("resource listing", ["CellPhoneDB:uniprot", "LIANA:cellphonedb"], "unconfirmed"),
        ("resource listing", ["CellPhoneDB:curated", "LIANA:cellchatdb"], "several resources"),
        ("resource listing", ["LIANA:icellnet"], "unconfirmed"),
    ],
)
def test_confidence_tier(use: str, sources: list[str], tier: str) -> None:
    assert interactions.confidence_tier(use, sources) == tier


def test_every_interaction_row_was_audited() -> None:
    audit = rows("audit.tsv")
    verdicts = {"confirmed", "retyped", "remodelled", "excluded", "unconfirmed"}
    verdicts |= {"exclusion confirmed", "should be asserted", "exclusion unconfirmed"}
    for record in audit:
        assert record["verdict"] in verdicts, record
        changed = record["verdict"] in {"retyped", "remodelled", "excluded", "should be asserted"}
        if changed:  # a change names the literature that decided it
            assert record["references"], (record["ligand"], record["receptor"])
        if record["verdict"] == "unconfirmed" and record["new_type"]:
            # nothing settled it, so the row keeps the kind it had (issue 22 follow-up)
            assert record["new_type"] == record["old_type"], (record["ligand"], record["receptor"])
    for row in rows("interactions.tsv"):
        assert row["evidence"].startswith("ECO:"), (row["ligand"], row["receptor"])


def test_every_publication_the_audit_names_is_registered() -> None:
    """A PMID/DOI of the audit was read on a page that sources.tsv records."""
    with (CHECKOUT.source_dir / "sources.tsv").open(newline="", encoding="utf-8") as handle:
        registered = {row["id"] for row in csv.DictReader(handle, delimiter="\t")}
    unregistered = {
        (record["ligand"], record["receptor"], reference)
        for record in rows("audit.tsv")
        for reference in filter(None, record["references"].split(";"))
        if reference.startswith(("PMID:", "doi:")) and reference not in registered
    }
    assert not unregistered


def test_the_audited_kind_is_the_asserted_kind() -> None:
    asserted = {(row["ligand"], row["receptor"]): row["type"] for row in rows("interactions.tsv")}
    for record in rows("audit.tsv"):
        if record["table"] != "interactions" or record["verdict"] in {"excluded", "remodelled"}:
            continue
        pair = (record["ligand"], record["receptor"])
        assert asserted[pair] == (record["new_type"] or record["old_type"]), pair


def test_bad_stoichiometry_stops_the_build(sources: Path) -> None:
    line = append(
        sources / "complexes.tsv",
        "CYTO:0003999\tX/Y\tbroken complex\treceptor complex\tIL2RB*0;IL2RG\t\t\tHGNC:6009",
    )
    with pytest.raises(SourceError, match=rf"complexes.tsv:{line}: stoichiometry"):
        build_graph(sources)
