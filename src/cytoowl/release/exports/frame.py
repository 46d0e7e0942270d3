"""The interactome as a pandas DataFrame (``cytoowl.interactome()``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd
from rdflib import Graph

from cytoowl import paths
from cytoowl.release.exports.table import kind_of, select
from cytoowl.release.interactome import (
    COLUMNS,
    DEFAULT_MIN_TIER,
    MOUSE_COLUMNS,
    SPECIES,
    interaction_rows,
)

#: Columns added to the TSV export's: the short kind and, per side, the genes of a complex.
GENE_COLUMNS = [
    "kind",
    "ligand_is_complex",
    "receptor_is_complex",
    "ligand_genes",
    "receptor_genes",
    "ligand_gene_ids",
    "receptor_gene_ids",
    "ligand_uniprot",
    "receptor_uniprot",
]


@lru_cache(maxsize=2)
def _release(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def interactome_frame(
    species: str = "human",
    min_tier: str = DEFAULT_MIN_TIER,
    kinds: Iterable[str] | None = None,
    release: Path | None = None,
) -> pd.DataFrame:
    """One row per interaction of ``species`` graded ``min_tier`` or better, of ``kinds``
    (short names of :data:`cytoowl.release.exports.KINDS` or labels; None: every kind)."""
    if species not in SPECIES:
        raise ValueError(f"unknown species '{species}' (one of: {', '.join(SPECIES)})")
    graph = _release((release or paths.LAYOUT.release.ttl).resolve())
    rows = select(interaction_rows(graph, min_tier, species), kinds)
    columns = MOUSE_COLUMNS if species == "mouse" else COLUMNS
    records = []
    for r in rows:
        record = {c: r[c] for c in columns}
        record["kind"] = kind_of(r)
        for side in ("ligand", "receptor"):
            genes = r[f"{side}_genes"]
            record[f"{side}_is_complex"] = len(genes) > 1
            record[f"{side}_genes"] = [g.symbol for g in genes]
            record[f"{side}_gene_ids"] = [g.gene_id for g in genes]
            record[f"{side}_uniprot"] = [g.uniprot for g in genes]
        records.append(record)
    return pd.DataFrame.from_records(records, columns=[*columns, *GENE_COLUMNS])
