"""CellChatDB tables: ``interaction``, ``complex``, ``cofactor`` and ``geneInfo``.

What ``updateCellChatDB(db, gene_info, other_info = list(complex=, cofactor=))`` takes
(jinworks/CellChat, commit 75253cd0c9e68410e6e721a6d3a0419a1d7e358f, ``R/database.R``): ``db``
with ``ligand``, ``receptor`` and ``pathway_name`` and the default columns ``interaction_name``,
``agonist``, ``antagonist``, ``co_A_receptor``, ``co_I_receptor``, ``annotation``,
``interaction_name_2`` (extra columns are kept); ``complex`` with row names and columns
``subunit_1``, ``subunit_2``, ...; ``cofactor`` with row names and columns ``cofactor1``, ...;
``gene_info`` with ``Symbol`` (CellChatDB.human's ``geneInfo`` also has ``EntryID.uniprot`` and
``ProteinName``, read from ``data/CellChatDB.human.rda`` of that commit). The first column of
``complex.csv``/``cofactor.csv``/``interaction.csv`` holds the row names
(``read.csv(..., row.names = 1)``).

cytoowl's kinds fill the cofactor columns of each interaction L -> R (``R/modeling.R`` reads one
cofactor name per cell and multiplies the expression of its genes):

- ``antagonist``: the extracellular antagonists that sequester L (follistatin, noggin, ...) and
  the natural antagonists of a chain of R (IL1RN on IL1R1 for IL1B -> IL1R1_IL1RAP);
- ``co_A_receptor``: the co-receptors L binds (betaglycan, endoglin, ...);
- ``co_I_receptor``: the decoy receptors L binds (IL1R2, ACKRs, ...);
- ``agonist`` stays empty (cytoowl records no agonist cofactors).

A cofactor is named by its role and genes (``antagonist: IL1RN``), so equal sets are one row.
"""

from __future__ import annotations

from collections.abc import Sequence

from cytoowl.release.exports.table import Table, is_complex, kind_of, symbols
from cytoowl.release.interactome import Row

FORMAT_SOURCE = (
    "jinworks/CellChat@75253cd0c9e68410e6e721a6d3a0419a1d7e358f R/database.R updateCellChatDB, "
    "R/modeling.R (cofactor use), data/CellChatDB.human.rda (column names)"
)
INTERACTION_COLUMNS = [
    "interaction_name", "pathway_name", "ligand", "receptor", "agonist", "antagonist",
    "co_A_receptor", "co_I_receptor", "annotation", "interaction_name_2", "evidence",
    "ligand.symbol", "receptor.symbol", "interaction_type", "confidence_tier", "ligand_id",
    "receptor_id",
]  # fmt: skip
GENE_COLUMNS = ["Symbol", "EntryID.uniprot", "ProteinName", "gene_id", "cytoowl_id"]
ANNOTATION = "Cytokine-Receptor"
#: cofactor column of an interaction -> the kinds whose partners fill it.
COFACTOR_ROLES = {
    "antagonist": "antagonist",
    "co_A_receptor": "co-activation receptor",
    "co_I_receptor": "co-inhibition receptor",
}


def _name_2(row: Row, side: str) -> str:
    genes = symbols(row[f"{side}_genes"])
    return f"({'+'.join(genes)})" if len(genes) > 1 else genes[0]


def _cofactor_genes(row: Row, context: Sequence[Row]) -> dict[str, set[str]]:
    """The genes of each cofactor column for interaction ``row``, from every row of the tier."""
    receptor_genes = set(symbols(row["receptor_genes"]))
    found: dict[str, set[str]] = {column: set() for column in COFACTOR_ROLES}
    found["antagonist"] |= set(symbols(row["antagonist_genes"]))
    for other in context:
        kind = kind_of(other)
        if kind == "antagonist" and receptor_genes & set(symbols(other["receptor_genes"])):
            found["antagonist"] |= set(symbols(other["ligand_genes"]))
        elif other["ligand_id"] == row["ligand_id"] and kind in ("co-receptor", "decoy"):
            column = "co_A_receptor" if kind == "co-receptor" else "co_I_receptor"
            found[column] |= set(symbols(other["receptor_genes"]))
    found["antagonist"] -= set(symbols(row["ligand_genes"]))
    for column in ("co_A_receptor", "co_I_receptor"):
        found[column] -= receptor_genes  # a decoy complex shares IL1RAP with the receptor
    return found


def tables(rows: Sequence[Row], context: Sequence[Row], version: str) -> list[Table]:
    """The four CellChatDB tables for interactions ``rows``; cofactors come from ``context``."""
    del version
    cofactors: dict[str, list[str]] = {}
    complexes: dict[str, list[str]] = {}
    interactions = []
    for r in rows:
        for side in ("ligand", "receptor"):
            if is_complex(r[f"{side}_genes"]):
                complexes[r[f"{side}_symbol"]] = symbols(r[f"{side}_genes"])
        cells = {}
        for column, genes in _cofactor_genes(r, context).items():
            name = f"{COFACTOR_ROLES[column]}: {', '.join(sorted(genes))}" if genes else ""
            if genes:
                cofactors[name] = sorted(genes)
            cells[column] = name
        interactions.append(
            {
                "interaction_name": f"{r['ligand_symbol']}_{r['receptor_symbol']}".upper(),
                "pathway_name": (r["ligand_family"] or r["ligand_symbol"]).split(";")[0],
                "ligand": r["ligand_symbol"],
                "receptor": r["receptor_symbol"],
                "agonist": "",
                **cells,
                "annotation": ANNOTATION,
                "interaction_name_2": f"{_name_2(r, 'ligand')} - {_name_2(r, 'receptor')}",
                "evidence": r["sources"],
                "ligand.symbol": ", ".join(symbols(r["ligand_genes"])),
                "receptor.symbol": ", ".join(symbols(r["receptor_genes"])),
                "interaction_type": r["interaction_type"],
                "confidence_tier": r["confidence_tier"],
                "ligand_id": r["ligand_id"],
                "receptor_id": r["receptor_id"],
            }
        )
    width = max((len(v) for v in complexes.values()), default=1)
    complex_rows = [
        {"": k, **{f"subunit_{i}": (v[i - 1] if i <= len(v) else "") for i in range(1, width + 1)}}
        for k, v in sorted(complexes.items())
    ]
    cwidth = max((len(v) for v in cofactors.values()), default=1)
    cofactor_rows = [
        {"": k, **{f"cofactor{i}": (v[i - 1] if i <= len(v) else "") for i in range(1, cwidth + 1)}}
        for k, v in sorted(cofactors.items())
    ]
    genes = {}
    for r in [*rows, *context]:
        for g in (*r["ligand_genes"], *r["receptor_genes"], *r["antagonist_genes"]):
            genes.setdefault(g.symbol, g)
    gene_rows = [
        {"Symbol": s, "EntryID.uniprot": g.uniprot, "ProteinName": g.name, "gene_id": g.gene_id,
         "cytoowl_id": g.iri}
        for s, g in sorted(genes.items())
    ]  # fmt: skip
    return [
        Table("interaction.csv", ["", *INTERACTION_COLUMNS], [
            {"": i["interaction_name"], **i} for i in interactions
        ]),
        Table("complex.csv", ["", *(f"subunit_{i}" for i in range(1, width + 1))], complex_rows),
        Table("cofactor.csv", ["", *(f"cofactor{i}" for i in range(1, cwidth + 1))],
              cofactor_rows),
        Table("geneInfo.csv", GENE_COLUMNS, gene_rows),
    ]  # fmt: skip
