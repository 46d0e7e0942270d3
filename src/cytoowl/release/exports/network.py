"""Pairwise network tables: NicheNet's ``lr_network``, OmniPath-style interactions, and a flat
gene-level table for bulk data.

- NicheNet (saeyslab/nichenetr, commit 2d5c1ab5e135ebe6634d56c5ee13b8207ac178a1,
  ``R/construct_ligand_to_target.R``): ``lr_network`` has the required columns ``from``, ``to``
  and ``source`` (the data source NicheNet weighs); it is gene-level, so a complex is expanded
  to every ligand gene x receptor gene. ``source`` is ``cytoowl_<tier>`` so the tiers can be
  weighted apart; ``database`` is ``cytoowl``.
- OmniPath (the ``source``, ``target``, ``source_genesymbol``, ``target_genesymbol`` columns of
  the OmniPath resource LIANA ships, ``liana/resource/omni_resource.csv`` in liana 1.10.0, plus
  OmniPath's ``is_stimulation``/``is_inhibition``/``sources``/``references``): one row per
  interaction; a complex's ``source``/``target`` is ``COMPLEX:`` and its UniProt accessions
  joined by ``_`` (OmniPath's notation), its gene symbol the subunits joined by ``_``.
- ``genes.tsv``: one row per ligand gene x receptor gene, with identifiers and the complex each
  gene came from, for bulk expression data.
"""

from __future__ import annotations

from collections.abc import Sequence

from cytoowl.release.exports.table import INHIBITORY, Table, is_complex, kind_of, symbols
from cytoowl.release.interactome import Gene, Row

FORMAT_SOURCE = {
    "nichenet": "saeyslab/nichenetr@2d5c1ab5e135ebe6634d56c5ee13b8207ac178a1 "
    "R/construct_ligand_to_target.R (lr_network: from, to, source)",
    "omnipath": "liana 1.10.0 liana/resource/omni_resource.csv (source, target, "
    "source_genesymbol, target_genesymbol); OmniPath interactions is_stimulation, "
    "is_inhibition, sources, references",
    "genes": "cytoowl's own flat table (complexes expanded to genes)",
}
NICHENET_COLUMNS = [
    "from", "to", "source", "database", "interaction_type", "ligand_complex", "receptor_complex",
    "evidence", "references",
]  # fmt: skip
OMNIPATH_COLUMNS = [
    "source", "target", "source_genesymbol", "target_genesymbol", "is_directed",
    "is_stimulation", "is_inhibition", "sources", "references", "interaction_type",
    "confidence_tier", "evidence", "ligand_id", "receptor_id",
]  # fmt: skip
GENE_COLUMNS = [
    "ligand_gene", "receptor_gene", "ligand_gene_id", "receptor_gene_id", "ligand_uniprot",
    "receptor_uniprot", "ligand_ensembl", "receptor_ensembl", "ligand_complex",
    "receptor_complex", "interaction_type", "confidence_tier", "evidence", "ligand_id",
    "receptor_id",
]  # fmt: skip


def references(row: Row) -> str:
    """The PMIDs and DOIs among a row's sources, ``;``-joined."""
    refs = set()
    for source in row["sources"].split(";"):
        for token in source.split("+"):
            for prefix in ("PMID:", "DOI:", "doi:"):
                if prefix in token:
                    refs.add(token[token.index(prefix) :])
    return ";".join(sorted(refs))


def grading(row: Row) -> dict[str, str]:
    """What every row of the pairwise tables says about its interaction besides the genes."""
    return {
        "interaction_type": row["interaction_type"],
        "confidence_tier": row["confidence_tier"],
        "evidence": row["evidence"],
        "ligand_id": row["ligand_id"],
        "receptor_id": row["receptor_id"],
    }


def gene_pairs(row: Row) -> list[tuple[Gene, Gene]]:
    return [(a, b) for a in row["ligand_genes"] for b in row["receptor_genes"]]


def complex_name(row: Row, side: str) -> str:
    return row[f"{side}_symbol"] if is_complex(row[f"{side}_genes"]) else ""


def nichenet(rows: Sequence[Row], context: Sequence[Row], version: str) -> list[Table]:
    """``lr_network.tsv``: NicheNet's gene-level ligand-receptor layer."""
    del context, version
    out = []
    seen = set()
    for r in rows:
        for a, b in gene_pairs(r):
            if (a.symbol, b.symbol, r["interaction_type"]) in seen:
                continue
            seen.add((a.symbol, b.symbol, r["interaction_type"]))
            out.append(
                {
                    "from": a.symbol,
                    "to": b.symbol,
                    "source": "cytoowl_" + r["confidence_tier"].replace(" ", "_"),
                    "database": "cytoowl",
                    "interaction_type": r["interaction_type"],
                    "ligand_complex": complex_name(r, "ligand"),
                    "receptor_complex": complex_name(r, "receptor"),
                    "evidence": r["evidence"],
                    "references": references(r),
                }
            )
    return [Table("lr_network.tsv", NICHENET_COLUMNS, out)]


def _omnipath_id(genes: Sequence[Gene]) -> str:
    keys = [g.uniprot or g.gene_id for g in genes]
    return "COMPLEX:" + "_".join(keys) if is_complex(genes) else keys[0]


def omnipath(rows: Sequence[Row], context: Sequence[Row], version: str) -> list[Table]:
    """``interactions.tsv``: one OmniPath-style row per interaction."""
    del context, version
    out = [
        {
            "source": _omnipath_id(r["ligand_genes"]),
            "target": _omnipath_id(r["receptor_genes"]),
            "source_genesymbol": "_".join(symbols(r["ligand_genes"])),
            "target_genesymbol": "_".join(symbols(r["receptor_genes"])),
            "is_directed": 1,
            "is_stimulation": int(kind_of(r) == "agonist"),
            "is_inhibition": int(kind_of(r) in INHIBITORY),
            "sources": "cytoowl",
            "references": ";".join(f"cytoowl:{ref}" for ref in references(r).split(";") if ref),
            **grading(r),
        }
        for r in rows
    ]
    return [Table("interactions.tsv", OMNIPATH_COLUMNS, out)]


def genes(rows: Sequence[Row], context: Sequence[Row], version: str) -> list[Table]:
    """``genes.tsv``: one row per ligand gene x receptor gene of every interaction."""
    del context, version
    out = [
        {
            "ligand_gene": a.symbol,
            "receptor_gene": b.symbol,
            "ligand_gene_id": a.gene_id,
            "receptor_gene_id": b.gene_id,
            "ligand_uniprot": a.uniprot,
            "receptor_uniprot": b.uniprot,
            "ligand_ensembl": a.ensembl,
            "receptor_ensembl": b.ensembl,
            "ligand_complex": complex_name(r, "ligand"),
            "receptor_complex": complex_name(r, "receptor"),
            **grading(r),
        }
        for r in rows
        for a, b in gene_pairs(r)
    ]
    return [Table("genes.tsv", GENE_COLUMNS, out)]
