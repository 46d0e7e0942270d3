"""CellPhoneDB v5 custom database input: the four ``*_input.csv`` files of ``create_db``.

Columns follow CellPhoneDB's own inputs (ventolab/CellphoneDB, commit
dc8abd15b24e1d48c8862d54e8122603630a68ed, ``NatureProtocols2024_case_studies/v5.0.0/*.csv``)
and what ``cellphonedb/utils/db_utils.py::create_db`` reads (cellphonedb 5.0.1 on PyPI):

- proteins are keyed by UniProt accession (``uniprot``); a mouse product, which has no UniProt
  entry in cytoowl, and genes that share one accession (CCL3L1 and CCL3L3) are keyed by their
  HGNC/MGI identifier (any unique key works: ``create_db`` only joins on it, and warns on an
  accession with two genes); ``protein_name`` is the gene symbol;
- a complex is a row of ``complex_input`` named by its subunit symbols joined by ``_`` (as in
  LIANA), with up to five ``uniprot_N`` subunits;
- ``annotation_strategy`` is ``user_curated`` (kept by CellPhoneDB's interactor filter), every
  interaction is ``Ligand-Receptor``; ``modulatory_effect`` is ``Inhibitory`` for antagonists,
  decoys and binding without signalling, and ``classification`` names cytoowl's kind
  (``cytoowl: is agonist of``), so the kind reaches CellPhoneDB's results.

:func:`create_db` runs CellPhoneDB's ``create_db`` on these files with one workaround: its
sanity check merges ``complex_input.uniprot_4`` with ``protein_input.uniprot`` and pandas refuses
an all-empty (float) column against a text one ("You are trying to merge on float64 and object
columns", ventolab/CellphoneDB issue #224, open); cytoowl's complexes have at most three parts.

``secreted`` marks the ligand side and ``receptor`` the receptor side (cytoowl's roles);
cytoowl records no membrane topology, so ``transmembrane``/``peripheral``/``integrin`` stay False.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

from cytoowl.release.exports.table import INHIBITORY, Table, is_complex, kind_of, symbols
from cytoowl.release.interactome import Gene, Row

FORMAT_SOURCE = (
    "ventolab/CellphoneDB@dc8abd15b24e1d48c8862d54e8122603630a68ed "
    "NatureProtocols2024_case_studies/v5.0.0/*_input.csv; cellphonedb 5.0.1 "
    "cellphonedb/utils/db_utils.py create_db"
)
GENE_COLUMNS = ["gene_name", "uniprot", "hgnc_symbol", "ensembl"]
PROTEIN_COLUMNS = [
    "uniprot", "protein_name", "transmembrane", "peripheral", "secreted", "secreted_desc",
    "secreted_highlight", "receptor", "receptor_desc", "integrin", "biosynthetic_pathway_desc",
    "biosynthetic_pathway", "other", "other_desc", "tags", "tags_reason", "tags_description",
    "pfam", "version",
]  # fmt: skip
MAX_SUBUNITS = 5
COMPLEX_COLUMNS = [
    "complex_name", *(f"uniprot_{i}" for i in range(1, MAX_SUBUNITS + 1)), "transmembrane",
    "peripheral", "secreted", "secreted_desc", "secreted_highlight", "receptor", "receptor_desc",
    "integrin", "other", "other_desc", "pdb_id", "pdb_structure", "stoichiometry",
    "comments_complex", "reactome_reaction", "reactome_complex", "complexPortal_complex",
    "rhea_reaction", "curator", "version",
]  # fmt: skip
INTERACTION_COLUMNS = [
    "id_cp_interaction", "partner_a", "partner_b", "protein_name_a", "protein_name_b",
    "annotation_strategy", "source", "is_ppi", "curator", "reactome_complex",
    "reactome_reaction", "reactome_pathway", "complexPortal_complex", "comments", "version",
    "interactors", "classification", "directionality", "modulatory_effect",
]  # fmt: skip
CURATOR = "cytoowl"


def shared_accessions(rows: Sequence[Row]) -> set[str]:
    """UniProt accessions that more than one gene of ``rows`` has."""
    genes = {g for r in rows for side in ("ligand", "receptor") for g in r[f"{side}_genes"]}
    counts = Counter(g.uniprot for g in genes if g.uniprot)
    return {accession for accession, n in counts.items() if n > 1}


def protein_key(gene: Gene, shared: set[str]) -> str:
    """The ``uniprot`` key of a gene product: its accession, else its HGNC/MGI id."""
    return gene.uniprot if gene.uniprot and gene.uniprot not in shared else gene.gene_id


def partner(genes: Sequence[Gene], shared: set[str]) -> str:
    return "_".join(symbols(genes)) if is_complex(genes) else protein_key(genes[0], shared)


def _flags(role: str) -> dict[str, object]:
    return {
        "transmembrane": False,
        "peripheral": False,
        "secreted": role == "ligand",
        "secreted_highlight": role == "ligand",
        "receptor": role == "receptor",
        "integrin": False,
        "other": False,
    }


def _roles(rows: Sequence[Row]) -> dict[str, str]:
    """Each gene symbol's role: 'ligand' when it is on a ligand side of any row, else 'receptor'."""
    roles: dict[str, str] = {}
    for r in rows:
        for g in r["receptor_genes"]:
            roles.setdefault(g.symbol, "receptor")
        for g in r["ligand_genes"]:
            roles[g.symbol] = "ligand"
    return roles


def tables(rows: Sequence[Row], context: Sequence[Row], version: str) -> list[Table]:
    """The four input files for ``rows`` (``context``, every kind, is not needed here)."""
    del context
    tag = f"cytoowl {version}"
    roles = _roles(rows)
    shared = shared_accessions(rows)
    genes = {g.symbol: g for r in rows for s in ("ligand", "receptor") for g in r[f"{s}_genes"]}
    proteins = [
        {
            "uniprot": protein_key(g, shared),
            "protein_name": g.symbol,
            **_flags(roles[s]),
            "version": tag,
        }
        for s, g in sorted(genes.items())
    ]
    gene_rows = [
        {"gene_name": g.symbol, "uniprot": protein_key(g, shared), "hgnc_symbol": g.symbol,
         "ensembl": g.ensembl}
        for _, g in sorted(genes.items())
    ]  # fmt: skip
    complexes: dict[str, dict[str, object]] = {}
    for r in rows:
        for side in ("ligand", "receptor"):
            parts = r[f"{side}_genes"]
            if not is_complex(parts):
                continue
            if len(parts) > MAX_SUBUNITS:
                raise ValueError(f"{r[f'{side}_id']}: more than {MAX_SUBUNITS} subunits")
            name = partner(parts, shared)
            complexes[name] = {
                "complex_name": name,
                **{f"uniprot_{i}": protein_key(g, shared) for i, g in enumerate(parts, 1)},
                **_flags(side),
                "comments_complex": f"{r[f'{side}_id']} {r[f'{side}_label']}",
                "curator": CURATOR,
                "version": tag,
            }
    interactions = [
        {
            "partner_a": partner(r["ligand_genes"], shared),
            "partner_b": partner(r["receptor_genes"], shared),
            "protein_name_a": "" if is_complex(r["ligand_genes"]) else r["ligand_symbol"],
            "protein_name_b": "" if is_complex(r["receptor_genes"]) else r["receptor_symbol"],
            "annotation_strategy": "user_curated",
            "source": r["sources"],
            "is_ppi": True,
            "curator": CURATOR,
            "comments": f"{r['ligand_id']} {r['interaction_type']} {r['receptor_id']}; "
            f"{r['evidence']}; tier: {r['confidence_tier']}",
            "version": tag,
            "interactors": "-".join(
                "+".join(symbols(r[f"{s}_genes"])) for s in ("ligand", "receptor")
            ),
            "classification": f"cytoowl: {r['interaction_type']}",
            "directionality": "Ligand-Receptor",
            "modulatory_effect": "Inhibitory" if kind_of(r) in INHIBITORY else "",
        }
        for r in rows
    ]
    return [
        Table("gene_input.csv", GENE_COLUMNS, gene_rows),
        Table("protein_input.csv", PROTEIN_COLUMNS, proteins),
        Table("complex_input.csv", COMPLEX_COLUMNS, [complexes[k] for k in sorted(complexes)]),
        Table("interaction_input.csv", INTERACTION_COLUMNS, interactions),
    ]


def create_db(directory: str | Path) -> Path:
    """Build CellPhoneDB's database zip from the input files in ``directory`` with its own
    ``db_utils.create_db`` (needs ``cellphonedb``, the ``analysis`` extra); return the zip."""
    from cellphonedb.utils import db_utils

    directory = Path(directory)
    read = db_utils.get_dfs

    def text_subunit_columns(**files: str):
        frames = read(**files)
        complexes = frames["complex_input"]
        for column in [c for c in complexes.columns if c.startswith("uniprot_")]:
            complexes[column] = complexes[column].astype(object)
        return frames

    before = set(directory.glob("cellphonedb_*.zip"))
    with mock.patch.object(db_utils, "get_dfs", text_subunit_columns):
        db_utils.create_db(str(directory))
    [made] = set(directory.glob("cellphonedb_*.zip")) - before
    return made
