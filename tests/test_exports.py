"""The tool exports (issue 24): columns as the tools' own sources define them, tables that agree
with each other, the version and licence on every export, the CLI and the Python API."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Graph
from typer.testing import CliRunner

import cytoowl
from cytoowl.cli import app
from cytoowl.release import exports
from cytoowl.release.exports import cellchat, cellphonedb
from cytoowl.release.interactome import interaction_rows
from tools import CHECKOUT

FORMATS = Path(__file__).parent / "fixtures" / "tool_formats"
SPECIES = ["human", "mouse"]


def frames(graph: Graph, tool: str, **options) -> dict[str, pd.DataFrame]:
    return {
        t.name: pd.read_csv(io.StringIO(t.text()), sep=None, engine="python", dtype=str).fillna("")
        for t in exports.export_tables(graph, tool, **options)
    }


def header(name: str) -> list[str]:
    return next(csv.reader((FORMATS / f"cellphonedb_v5_{name}.header.csv").open()))


@pytest.fixture(scope="module", params=SPECIES)
def cellphonedb_tables(request, release_graph: Graph) -> dict[str, pd.DataFrame]:
    return frames(release_graph, "cellphonedb", species=request.param, kinds=None)


@pytest.fixture(scope="module", params=SPECIES)
def cellchat_tables(request, release_graph: Graph) -> dict[str, pd.DataFrame]:
    return frames(release_graph, "cellchat", species=request.param, min_tier="unconfirmed")


def test_cellphonedb_columns_are_v5s(cellphonedb_tables) -> None:
    for name in ("gene_input", "protein_input", "complex_input", "interaction_input"):
        assert list(cellphonedb_tables[f"{name}.csv"].columns) == header(name), name


def test_cellphonedb_tables_agree(cellphonedb_tables) -> None:
    genes = cellphonedb_tables["gene_input.csv"]
    proteins = cellphonedb_tables["protein_input.csv"]
    complexes = cellphonedb_tables["complex_input.csv"]
    interactions = cellphonedb_tables["interaction_input.csv"]
    assert proteins.uniprot.is_unique and genes.gene_name.is_unique
    assert set(genes.uniprot) == set(proteins.uniprot)
    subunits = {v for c in complexes.columns if c.startswith("uniprot_") for v in complexes[c]}
    assert subunits - {""} <= set(proteins.uniprot)
    assert complexes.complex_name.is_unique
    partners = set(proteins.uniprot) | set(complexes.complex_name)
    assert set(interactions.partner_a) | set(interactions.partner_b) <= partners
    inhibitory = interactions.classification.str.removeprefix("cytoowl: ").isin(
        [exports.KINDS[k] for k in ("antagonist", "decoy", "no-signalling")]
    )
    assert (interactions.modulatory_effect == "Inhibitory").equals(inhibitory)
    assert set(interactions.directionality) == {"Ligand-Receptor"}
    assert set(interactions.annotation_strategy) == {"user_curated"}
    assert not interactions.duplicated(["partner_a", "partner_b"]).any()


def test_cellphonedb_keys_proteins_by_uniprot_unless_it_cannot(release_graph: Graph) -> None:
    rows = interaction_rows(release_graph, "unconfirmed")
    shared = cellphonedb.shared_accessions(rows)
    assert shared  # CCL3L1 and CCL3L3 are one protein: keyed by HGNC id instead
    human = frames(release_graph, "cellphonedb", kinds=None, min_tier="unconfirmed")
    keys = human["protein_input.csv"].set_index("protein_name").uniprot
    assert keys["IL6"] == next(
        g.uniprot for r in rows for g in r["ligand_genes"] if g.symbol == "IL6"
    )
    assert keys.str.match(r"^([A-Z0-9]{6,10}|HGNC:[0-9]+)$").all()
    mouse = frames(release_graph, "cellphonedb", species="mouse")["protein_input.csv"]
    assert mouse.uniprot.str.match(r"^MGI:[0-9]+$").all()


def test_cellchat_columns_follow_update_cellchatdb(cellchat_tables) -> None:
    source = (FORMATS / "cellchat_updateCellChatDB.R").read_text()
    defaults = re.findall(r'"([^"]+)"', source.split("cols.default <- c(")[1].split(")")[0])
    interaction = cellchat_tables["interaction.csv"]
    assert interaction.columns[0] == "" or interaction.columns[0].startswith("Unnamed")
    assert list(interaction.columns[1 : len(defaults) + 1]) == defaults
    assert 'paste0("subunit_"' in source and 'paste0("cofactor"' in source
    complex_columns = list(cellchat_tables["complex.csv"].columns[1:])
    assert complex_columns == [f"subunit_{i}" for i in range(1, len(complex_columns) + 1)]
    cofactor_columns = list(cellchat_tables["cofactor.csv"].columns[1:])
    assert cofactor_columns == [f"cofactor{i}" for i in range(1, len(cofactor_columns) + 1)]
    assert '"Symbol" %in% colnames(gene_info)' in source
    assert "Symbol" in cellchat_tables["geneInfo.csv"].columns


def test_cellchat_tables_agree(cellchat_tables) -> None:
    interaction = cellchat_tables["interaction.csv"].set_index(
        cellchat_tables["interaction.csv"].columns[0]
    )
    complexes = cellchat_tables["complex.csv"].set_index(cellchat_tables["complex.csv"].columns[0])
    cofactors = cellchat_tables["cofactor.csv"].set_index(
        cellchat_tables["cofactor.csv"].columns[0]
    )
    symbols = set(cellchat_tables["geneInfo.csv"].Symbol)
    assert interaction.index.is_unique and (interaction.index == interaction.interaction_name).all()
    for side in ("ligand", "receptor"):
        named = set(interaction[side])
        assert named <= symbols | set(complexes.index), named - symbols - set(complexes.index)
    assert {g for g in complexes.to_numpy().ravel() if g} <= symbols
    assert {g for g in cofactors.to_numpy().ravel() if g} <= symbols
    used = set()
    for column in ("agonist", "antagonist", "co_A_receptor", "co_I_receptor"):
        used |= set(interaction[column]) - {""}
    assert used <= set(cofactors.index), used - set(cofactors.index)
    assert set(cofactors.index) <= used  # no orphan cofactor
    assert set(interaction.agonist) == {""}
    # A cofactor never names a gene of the interaction it modulates.
    for row in interaction.itertuples():
        own = set(row.ligand.split("_")) | set(row.receptor.split("_"))
        for name in (row.antagonist, row.co_A_receptor, row.co_I_receptor):
            if name:
                assert not own & set(cofactors.loc[name]) - {""}, (row.Index, name)


def test_cellchat_cofactors_carry_cytoowls_kinds(release_graph: Graph) -> None:
    tables = frames(release_graph, "cellchat", min_tier="unconfirmed")
    interaction = tables["interaction.csv"]
    il1b = interaction[(interaction.ligand == "IL1B") & (interaction.receptor == "IL1R1_IL1RAP")]
    [row] = il1b.itertuples()
    assert "IL1RN" in row.antagonist and "IL1R2" in row.co_I_receptor
    bmp4 = interaction[interaction.ligand == "BMP4"]
    assert bmp4.antagonist.str.contains("NOG").all()  # noggin sequesters BMP4
    tgfb1 = interaction[interaction.ligand == "TGFB1"]
    assert tgfb1.co_A_receptor.str.contains("TGFBR3").any()  # betaglycan
    assert set(cellchat.COFACTOR_ROLES) == {"antagonist", "co_A_receptor", "co_I_receptor"}


def test_liana_and_network_tables(release_graph: Graph) -> None:
    for species in SPECIES:
        [resource] = frames(release_graph, "liana", species=species).values()
        assert list(resource.columns) == ["ligand", "receptor"]
        assert not resource.duplicated().any()
        network = frames(release_graph, "nichenet", species=species)["lr_network.tsv"]
        assert list(network.columns[:3]) == ["from", "to", "source"]
        assert not network["from"].str.contains("_").any()  # gene level
        pairs = {tuple(p.split("_")) for p in resource.ligand}
        assert {g for p in pairs for g in p} == set(network["from"])
    human = frames(release_graph, "liana")["resource.csv"]
    assert ("IL6", "IL6R_IL6ST") in set(zip(human.ligand, human.receptor, strict=True))
    assert "IL1RN" not in set(human.ligand)  # antagonists are not signalling
    omni = frames(release_graph, "omnipath", kinds=None)["interactions.tsv"]
    il1rn = omni[omni.source_genesymbol == "IL1RN"]
    assert set(il1rn.is_stimulation) == {"0"} and "1" in set(il1rn.is_inhibition)
    assert omni.target[omni.target_genesymbol.str.contains("_")].str.startswith("COMPLEX:").all()


def test_every_export_names_version_date_and_licence(release_graph: Graph, tmp_path) -> None:
    version = exports.release_version(release_graph)
    for tool in exports.TOOLS:
        written = exports.write_export(release_graph, tool, tmp_path / tool, "mouse")
        meta = json.loads((tmp_path / tool / "metadata.json").read_text())
        assert meta["version"] == version and meta["date"] == version
        assert meta["license"] == "CC BY 4.0" and meta["species"] == "mouse"
        assert meta["version_iri"].endswith(f"/releases/{version}/cytoowl.owl")
        assert sorted(meta["files"]) == sorted(p.name for p in written if p.name != "metadata.json")
        assert re.search(r"[0-9a-f]{40}|liana 1\.10\.0|cytoowl", meta["format"]), tool


def test_export_command(tmp_path: Path) -> None:
    out = tmp_path / "cc"
    result = CliRunner().invoke(
        app, ["export", "cellchat", "--species", "mouse", "--min-tier", "curated", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out / "metadata.json").read_text())["min_tier"] == "curated"
    tiers = set(pd.read_csv(out / "interaction.csv").confidence_tier)
    assert tiers <= {"experimental", "curated"}
    for args, message in (
        (["export", "cellchat", "--kinds", "agonist,foo"], "unknown kind 'foo'"),
        (["export", "nope"], "unknown tool 'nope'"),
        (["export", "liana", "--species", "rat"], "unknown species 'rat'"),
        (["export", "liana", "--min-tier", "best"], "unknown tier 'best'"),
    ):
        result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "x")])
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    assert not (tmp_path / "x").exists()


def test_export_all_writes_every_tool(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "all", "--kinds", "all", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(exports.TOOLS)
    for tool in exports.TOOLS:
        meta = json.loads((tmp_path / tool / "metadata.json").read_text())
        assert len(meta["kinds"]) == len(exports.KINDS)
        assert all((tmp_path / tool / name).stat().st_size > 0 for name in meta["files"])


def test_interactome_api() -> None:
    every = cytoowl.interactome(min_tier="unconfirmed")
    default = cytoowl.interactome()
    strict = cytoowl.interactome(min_tier="experimental")
    assert len(strict) < len(default) < len(every)
    exported = pd.read_csv(CHECKOUT.release.interactions, sep="\t", dtype=str).fillna("")
    assert list(default.columns[: len(exported.columns)]) == list(exported.columns)
    assert default[exported.columns].equals(exported)  # the same rows as interactions.tsv
    assert set(cytoowl.interactome(kinds=["decoy", "is antagonist of"]).kind) == {
        "decoy",
        "antagonist",
    }
    il12 = every[every.ligand_symbol == "IL12A_IL12B"].iloc[0]
    assert il12.ligand_is_complex and il12.ligand_genes == ["IL12A", "IL12B"]
    assert all(i.startswith("HGNC:") for i in il12.ligand_gene_ids)
    for bad in ({"species": "rat"}, {"min_tier": "best"}, {"kinds": ["agonists"]}):
        with pytest.raises(ValueError, match="one of"):
            cytoowl.interactome(**bad)
