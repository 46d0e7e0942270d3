"""A LIANA resource: ``ligand`` and ``receptor`` columns, complex subunits joined by ``_``.

The frame ``li.mt.rank_aggregate(..., resource=...)`` takes: LIANA reads only ``ligand`` and
``receptor`` and splits complexes on ``_`` (saezlab/liana-py, commit
8f8f3d6617b190aaaf0d50fdff68aa16426abaf8, ``liana/resource/select_resource.py``:
``_handle_resource`` requires the two columns; ``select_resource`` returns exactly them). Mouse
rows carry mouse symbols (``Il6r_Il6st``), so a mouse AnnData needs no orthology mapping.
"""

from __future__ import annotations

from collections.abc import Sequence

from cytoowl.release.exports.table import Table
from cytoowl.release.interactome import Row

FORMAT_SOURCE = (
    "saezlab/liana-py@8f8f3d6617b190aaaf0d50fdff68aa16426abaf8 "
    "liana/resource/select_resource.py (_handle_resource: columns ligand, receptor)"
)
COLUMNS = ["ligand", "receptor"]


def tables(rows: Sequence[Row], context: Sequence[Row], version: str) -> list[Table]:
    """``resource.csv``: one row per (ligand, receptor) pair of ``rows``."""
    del context, version
    pairs = sorted({(r["ligand_symbol"], r["receptor_symbol"]) for r in rows})
    return [Table("resource.csv", COLUMNS, [{"ligand": a, "receptor": b} for a, b in pairs])]
