"""The mouse layer (issue 23): mouse gene products, complexes, orthology and the mouse interactome.

``ontology/src/mouse/`` holds ``genes.tsv`` and ``complexes.tsv`` (written from the orthology
snapshots by ``scripts/mouse_orthologs.py``), ``only.tsv`` (mouse-only gene products, curated),
``orthology.tsv`` (one row per mouse-human pair: Ensembl homology type, HCOP predictors),
``chain_usage.tsv`` (species-specific receptor chains), ``interactions.tsv`` (interactions observed
in mouse, or shown not to happen there) and ``absent.tsv`` (human gene products with no mouse
ortholog, and why). This module only reads and checks them and derives the mouse interactome; the
graph is written by :mod:`cytoowl.build.assemble`. Every defect is ``file:line: what is wrong``.

A human interaction is carried over to every pair of mouse orthologs of its ligand and receptor
(a complex through the mouse complexes made from it), flagged as inferred from orthology with the
human assertion it came from; a row of ``interactions.tsv`` observed in mouse replaces the
inference for its pair, and one marked ``not in mouse`` removes it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from cytoowl.build.interactions import Interaction
from cytoowl.build.sources import Row, read_table

GENE_COLUMNS = ["id", "symbol", "label", "mgi", "ensembl", "kind", "types", "human", "source"]
COMPLEX_COLUMNS = ["id", "key", "label", "kind", "parts", "types", "human", "source"]
PAIR_COLUMNS = ["mouse", "human", "homology", "hcop_support", "hcop_sources"]
CHAIN_USAGE_COLUMNS = ["human_complex", "mouse_chain", "usage", "source", "note"]
INTERACTION_COLUMNS = ["ligand", "type", "receptor", "status", "evidence", "source", "note"]
ABSENT_COLUMNS = ["human", "source", "note"]
STATUSES = ("observed", "not in mouse")
HOMOLOGY_TYPES = ("ortholog_one2one", "ortholog_one2many", "ortholog_many2many")
MGI_ID = re.compile(r"^MGI:[0-9]+$")
ENSEMBL_MOUSE = re.compile(r"^ENSMUSG[0-9]{11}$")


@dataclass(frozen=True)
class MouseInteraction:
    """One mouse interaction: observed in mouse (``observed``) or inferred from ``human``."""

    ligand: str  # mouse key
    prop: URIRef
    receptor: str  # mouse key
    human: tuple[Interaction, ...] = ()
    observed: Row | None = None


@dataclass
class MouseLayer:
    """The checked tables of ``ontology/src/mouse/``."""

    genes: list[Row]
    only: list[Row]
    complexes: list[Row]
    pairs: list[Row]
    interactions: list[Row]
    absent: list[Row]
    orthologs: dict[str, list[str]] = field(default_factory=dict)  # human key -> mouse keys

    @property
    def gene_rows(self) -> list[Row]:
        return [*self.genes, *self.only]


def read_layer(folder: Path, human_keys: set[str]) -> MouseLayer:
    """Read and check the mouse tables against the human keys they name."""
    layer = MouseLayer(
        genes=read_table(folder / "genes.tsv", GENE_COLUMNS),
        only=read_table(folder / "only.tsv", GENE_COLUMNS),
        complexes=read_table(folder / "complexes.tsv", COMPLEX_COLUMNS),
        pairs=read_table(folder / "orthology.tsv", PAIR_COLUMNS),
        interactions=read_table(folder / "interactions.tsv", INTERACTION_COLUMNS),
        absent=read_table(folder / "absent.tsv", ABSENT_COLUMNS),
    )
    for row in layer.gene_rows:
        if row["mgi"] and not MGI_ID.match(row["mgi"]):
            raise row.error(f"mgi '{row['mgi']}' is not an MGI id (MGI:<digits>)")
        if row["ensembl"] and not ENSEMBL_MOUSE.match(row["ensembl"]):
            raise row.error(f"ensembl '{row['ensembl']}' is not a mouse Ensembl gene id")
        if not row["mgi"] and not row["ensembl"]:
            raise row.error("a mouse gene product needs its MGI or Ensembl id")
    for row in layer.only:
        if row["human"]:
            raise row.error("a mouse-only gene product names no human ortholog")
    mouse_symbols = {r["symbol"] for r in layer.gene_rows}
    for row in layer.pairs:
        if row["mouse"] not in mouse_symbols:
            raise row.error(f"mouse '{row['mouse']}' is not a symbol of mouse/genes.tsv")
        if row["human"] not in human_keys:
            raise row.error(f"human '{row['human']}' is not a human gene product")
        if row["homology"] not in HOMOLOGY_TYPES:
            raise row.error(
                f"homology '{row['homology']}' is not one of {', '.join(HOMOLOGY_TYPES)}"
            )
    for row in layer.genes:
        for human in row.list("human"):
            layer.orthologs.setdefault(human, []).append(row["symbol"])
    for row in layer.complexes:
        if row["human"] not in human_keys:
            raise row.error(f"human '{row['human']}' is not a complex of complexes.tsv")
        layer.orthologs.setdefault(row["human"], []).append(row["key"])
    for row in layer.absent:
        if row["human"] not in human_keys:
            raise row.error(f"human '{row['human']}' is not a human gene product")
        if row["human"] in layer.orthologs:
            raise row.error(f"'{row['human']}' has a mouse ortholog in mouse/genes.tsv")
    for row in layer.interactions:
        if row["status"] not in STATUSES:
            raise row.error(f"status '{row['status']}' is not one of: {', '.join(STATUSES)}")
    return layer


def mouse_interactions(
    layer: MouseLayer, human: Iterable[Interaction], prop_of
) -> list[MouseInteraction]:
    """The mouse interactome: human interactions carried over to the orthologs, then the rows
    observed in mouse (which replace an inference for their pair) less those not in mouse."""
    curated = {(r["ligand"], prop_of(r, r["type"]), r["receptor"]): r for r in layer.interactions}
    inferred: dict[tuple[str, URIRef, str], list[Interaction]] = defaultdict(list)
    for item in human:
        for ligand in layer.orthologs.get(item.ligand.key, []):
            for receptor in layer.orthologs.get(item.receptor.key, []):
                inferred[(ligand, item.prop, receptor)].append(item)
    out = []
    for key, items in inferred.items():
        row = curated.get(key)
        if row is None:
            out.append(MouseInteraction(key[0], key[1], key[2], tuple(items)))
        elif row["status"] == "observed":
            out.append(MouseInteraction(key[0], key[1], key[2], tuple(items), row))
    for key, row in curated.items():
        if row["status"] == "observed" and key not in inferred:
            out.append(MouseInteraction(key[0], key[1], key[2], (), row))
    return sorted(out, key=lambda m: (m.ligand, str(m.prop), m.receptor))


__all__ = ["MouseInteraction", "MouseLayer", "mouse_interactions", "read_layer"]
