"""LIANA and CellPhoneDB, the real packages, run on cytoowl's own exports (issue 24).

A synthetic single-cell data set is made here: *sender* cells express IL6, TNF and the IL-1
receptor antagonist IL1RN, *receiver* cells IL6R, IL6ST, TNFRSF1A and IL1R1, *bystander* cells
none of them (all express the same background genes; a marker is 0 outside its group). Each
tool must report IL6 -> IL6R_IL6ST and TNF -> TNFRSF1A from senders to receivers and between no
other groups, and must not report the antagonist IL1RN on IL1R1 as signalling. The mouse run
finds its genes through cytoowl's orthology (the mouse rows' human assertion).
"""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import numpy as np
import pytest

import cytoowl
from cytoowl.release import exports
from tools import skip_or_fail

pytestmark = pytest.mark.slow  # runs the analysis packages (seconds each, not milliseconds)

GROUPS = {
    "sender": ["IL6", "TNF", "IL1RN"],
    "receiver": ["IL6R", "IL6ST", "TNFRSF1A", "IL1R1"],
    "bystander": [],
}
BACKGROUND = [f"BG{i}" for i in range(20)]
CELLS_PER_GROUP = 80
PLANTED = {("IL6", "IL6R_IL6ST"), ("TNF", "TNFRSF1A")}
ANTAGONIST = ("IL1RN", "IL1R1")


def _need(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        skip_or_fail(f"{module} not installed: pip install -e '.[analysis]'")


def make_adata(groups: dict[str, list[str]]):
    """Log-normalised counts: each group's markers ~ Poisson(8), background genes ~ Poisson(3)
    in every cell, a marker 0 outside its group."""
    anndata = _need("anndata")
    import pandas as pd

    rng = np.random.default_rng(24)
    genes = sorted({g for v in groups.values() for g in v} | set(BACKGROUND))
    blocks, labels = [], []
    for group, markers in groups.items():
        block = np.zeros((CELLS_PER_GROUP, len(genes)))
        for i, gene in enumerate(genes):
            if gene in markers:
                block[:, i] = rng.poisson(8, size=CELLS_PER_GROUP)
            elif gene in BACKGROUND:
                block[:, i] = rng.poisson(3, size=CELLS_PER_GROUP)
        blocks.append(block)
        labels += [group] * CELLS_PER_GROUP
    counts = np.vstack(blocks)
    data = np.log1p(counts / counts.sum(axis=1, keepdims=True) * 1e4)
    obs = pd.DataFrame({"cell_type": pd.Categorical(labels)})
    obs.index = [f"cell{i}" for i in range(len(labels))]
    return anndata.AnnData(X=data, obs=obs, var=pd.DataFrame(index=genes))


@pytest.fixture(scope="module")
def adata():
    return make_adata(GROUPS)


def _liana_pairs(adata, resource) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(ligand, receptor) -> the (source, target) groups LIANA's CellPhoneDB method finds
    significant (p < 0.05)."""
    li = _need("liana")
    li.mt.cellphonedb(
        adata,
        groupby="cell_type",
        resource=resource,
        use_raw=False,
        n_perms=200,
        seed=24,
        n_jobs=1,
        verbose=False,
    )
    res = adata.uns["liana_res"]
    hits = res[res["cellphone_pvals"] < 0.05]
    found: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for row in hits.itertuples():
        found.setdefault((row.ligand_complex, row.receptor_complex), set()).add(
            (row.source, row.target)
        )
    return found


def test_liana_reports_the_planted_pairs_and_not_the_antagonist(adata, release_graph) -> None:
    import pandas as pd

    [table] = exports.export_tables(release_graph, "liana")
    resource = pd.read_csv(io.StringIO(table.text()))
    found = _liana_pairs(adata.copy(), resource)
    for pair in PLANTED:
        assert found.get(pair) == {("sender", "receiver")}, (pair, found.get(pair))
    assert ANTAGONIST not in found
    assert all(targets == {("sender", "receiver")} for targets in found.values()), found
    # The antagonist pair is found when the export is asked for every kind: leaving it out of
    # the signalling resource is what keeps it from being reported.
    [every] = exports.export_tables(release_graph, "liana", kinds=None)
    resource_all = pd.read_csv(io.StringIO(every.text()))
    assert _liana_pairs(adata.copy(), resource_all).get(ANTAGONIST) == {("sender", "receiver")}


def mouse_pairs() -> dict[tuple[str, str], tuple[str, str]]:
    """The mouse (ligand, receptor) symbols of each planted human pair and the antagonist, found
    through the mouse rows' human assertion (cytoowl's orthology), not typed in here."""
    human = cytoowl.interactome(min_tier="unconfirmed")
    mouse = cytoowl.interactome(species="mouse", min_tier="unconfirmed")
    out = {}
    for pair in (*PLANTED, ANTAGONIST):
        [h] = human[
            (human.ligand_symbol == pair[0]) & (human.receptor_symbol == pair[1])
        ].itertuples()
        assertion = f"{h.ligand_id} "
        hits = mouse[
            mouse.human_assertion.str.startswith(assertion)
            & mouse.human_assertion.str.endswith(f" {h.receptor_id}")
        ]
        [m] = hits.itertuples()
        out[pair] = (m.ligand_symbol, m.receptor_symbol)
    return out


def mouse_adata(pairs: dict[tuple[str, str], tuple[str, str]]):
    """The data set of GROUPS with the mouse genes of ``pairs``."""
    groups: dict[str, list[str]] = {"sender": [], "receiver": [], "bystander": []}
    for ligand, receptor in pairs.values():
        groups["sender"] += ligand.split("_")
        groups["receiver"] += receptor.split("_")
    return make_adata(groups)


def test_liana_rank_aggregate_takes_the_mouse_resource(release_graph) -> None:
    li = _need("liana")
    import pandas as pd

    pairs = mouse_pairs()
    mouse = mouse_adata(pairs)
    [table] = exports.export_tables(release_graph, "liana", species="mouse")
    resource = pd.read_csv(io.StringIO(table.text()))
    li.mt.rank_aggregate(
        mouse, groupby="cell_type", resource=resource, use_raw=False, n_perms=50, seed=24,
        n_jobs=1, verbose=False,
    )  # fmt: skip
    res = mouse.uns["liana_res"]
    top = res[res["cellphone_pvals"] < 0.05]
    got = {(r.ligand_complex, r.receptor_complex, r.source, r.target) for r in top.itertuples()}
    for pair in PLANTED:
        assert (*pairs[pair], "sender", "receiver") in got, pairs[pair]
    assert not any(r[:2] == pairs[ANTAGONIST] for r in got)
    assert {(r[2], r[3]) for r in got} == {("sender", "receiver")}


def test_cellphonedb_statistical_method_on_a_database_built_by_create_db(
    adata, release_graph, tmp_path: Path
) -> None:
    _need("cellphonedb")
    import pandas as pd
    from cellphonedb.src.core.methods import cpdb_statistical_analysis_method

    from cytoowl.release.exports import cellphonedb

    db_dir = tmp_path / "cpdb"
    exports.write_export(release_graph, "cellphonedb", db_dir, kinds=None)
    db_zip = cellphonedb.create_db(db_dir)  # CellPhoneDB's db_utils.create_db
    meta = tmp_path / "meta.tsv"
    adata.obs.rename_axis("barcode_sample").reset_index()[["barcode_sample", "cell_type"]].to_csv(
        meta, sep="\t", index=False
    )
    out = tmp_path / "out"
    out.mkdir()
    result = cpdb_statistical_analysis_method.call(
        cpdb_file_path=str(db_zip),
        meta_file_path=str(meta),
        counts_file_path=adata,
        counts_data="hgnc_symbol",
        output_path=str(out),
        iterations=200,
        threshold=0.1,
        threads=1,
        debug_seed=24,
    )
    pvalues = result["pvalues"]
    pairs = [c for c in pvalues.columns if "|" in c]
    genes = pd.read_csv(db_dir / "gene_input.csv", dtype=str).set_index("gene_name")["uniprot"]
    simple = {f"simple:{genes[s]}": s for s in {g for v in GROUPS.values() for g in v}}
    significant = {}
    for _, row in pvalues.iterrows():
        hits = {c for c in pairs if row[c] < 0.05}
        if hits:
            a, b = (
                simple.get(p, p.removeprefix("complex:")) for p in row[["partner_a", "partner_b"]]
            )
            significant[(a, b)] = (hits, row["classification"])
    for pair in PLANTED:
        assert significant.get(pair) == ({"sender|receiver"}, "cytoowl: is agonist of"), pair
    # Every significant interaction runs from senders to receivers; the one not classified as
    # agonism is the planted antagonist, flagged as such.
    assert all(hits == {"sender|receiver"} for hits, _ in significant.values()), significant
    others = {k: c for k, (_, c) in significant.items() if c != "cytoowl: is agonist of"}
    assert others == {ANTAGONIST: "cytoowl: is antagonist of"}
    interactions = pd.read_csv(db_dir / "interaction_input.csv", dtype=str)
    flagged = interactions[interactions.classification == "cytoowl: is antagonist of"]
    assert set(flagged.modulatory_effect) == {"Inhibitory"}
