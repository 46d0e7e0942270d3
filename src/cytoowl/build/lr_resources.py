"""Gene-level ligand-receptor pairs of the vendored resources, and cytoowl's recall of them.

Reads only ``ontology/src/reference/interactions/`` (CellPhoneDB v5, LIANA consensus and its
support counts) and the curated gene tables. A pair is (ligand gene, receptor gene) with complexes
expanded to their subunits, for the project's cytokines on the ligand side (issue 9).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS
from rdflib.term import Node

from cytoowl import paths
from cytoowl.build.sources import GENE_TABLES

RENAMED = {"IL1RL1": "IL33R", "IL1RL2": "IL36R", "IL1F10": "IL38"}  # HGNC 2026 symbols


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@dataclass
class ResourcePairs:
    """Pairs per resource: CellPhoneDB, and LIANA with its number of supporting resources."""

    cellphonedb: set[tuple[str, str]]
    liana_support: dict[tuple[str, str], int]
    cytokines: set[str]

    def liana(self, min_support: int) -> set[tuple[str, str]]:
        return {p for p, n in self.liana_support.items() if n >= min_support}


def _symbols_by_accession(source_dir: Path) -> dict[str, set[str]]:
    """Human UniProt accession -> HGNC symbols (curated gene products and resource partners)."""
    by_acc: dict[str, set[str]] = defaultdict(set)
    for r in (r for n in GENE_TABLES for r in _rows(source_dir / f"{n}.tsv", "\t")):
        by_acc[r["uniprot"].removeprefix("UniProtKB:")].add(r["symbol"])
    for r in _rows(source_dir / "reference" / "hgnc_interaction_partners.tsv", "\t"):
        for acc in r["uniprot_ids"].split(";"):
            by_acc[acc].add(r["symbol"])
    return by_acc


def mouse_consensus(
    source_dir: Path = paths.LAYOUT.source_dir,
) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """LIANA's mouse consensus as (human gene pair, mouse gene pair): it translates human rows
    one to one, so each mouse pair carries the human pair it came from (a cytokine ligand)."""
    by_acc = _symbols_by_accession(source_dir)
    cytokines = {r["symbol"] for r in _rows(source_dir / "cytokines.tsv", "\t")}
    found = set()
    for r in _rows(source_dir / "reference" / "interactions" / "liana_mouseconsensus.csv"):
        sides = []
        for ids, syms in (
            (r["source"], r["source_genesymbol"]),
            (r["target"], r["target_genesymbol"]),
        ):
            accs, names = ids.removeprefix("COMPLEX:").split("_"), syms.split("_")
            sides.append(
                [(h, m) for a, m in zip(accs, names, strict=False) for h in by_acc.get(a, ())]
            )
        for (hl, ml), (hr, mr) in ((a, b) for a in sides[0] for b in sides[1]):
            if hl in cytokines and hl != hr:
                found.add(((hl, hr), (ml, mr)))
    return found


def release_mouse_pairs(graph: Graph) -> set[tuple[str, str]]:
    """Gene-level pairs (mouse symbols) of the mouse 'binds receptor' and 'is sequestered by'
    assertions of a release."""
    from cytoowl.build.assemble import BINDS_RECEPTOR, HAS_PART, IN_TAXON, MOUSE, SEQUESTERED_BY

    def symbols(entity: Node) -> set[str]:
        parts = list(graph.objects(entity, HAS_PART)) or [entity]
        return {str(graph.value(p, SKOS.notation)) for p in parts}

    return {
        (a, b)
        for prop in (BINDS_RECEPTOR, SEQUESTERED_BY)
        for s, o in graph.subject_objects(prop)
        if (s, IN_TAXON, MOUSE) in graph
        for a in symbols(s)
        for b in symbols(o)
        if a != b
    }


def load(source_dir: Path = paths.LAYOUT.source_dir) -> ResourcePairs:
    ref = source_dir / "reference"
    folder = ref / "interactions"
    cytokines = {r["symbol"] for r in _rows(source_dir / "cytokines.tsv", "\t")}
    by_acc = _symbols_by_accession(source_dir)
    cpdb_gene: dict[str, set[str]] = defaultdict(set)
    for r in _rows(folder / "cellphonedb_v5_gene_input.csv"):
        cpdb_gene[r["uniprot"]].add(RENAMED.get(r["hgnc_symbol"], r["hgnc_symbol"]))

    def symbols(acc: str, fallback: str = "") -> set[str]:
        return by_acc.get(acc) or cpdb_gene.get(acc) or ({fallback} if fallback else set())

    complexes = {
        r["complex_name"]: [r[f"uniprot_{i}"] for i in range(1, 6) if r[f"uniprot_{i}"]]
        for r in _rows(folder / "cellphonedb_v5_complex_input.csv")
    }

    def cpdb_side(partner: str) -> set[str]:
        accs = complexes.get(partner, [partner])
        return set().union(*(symbols(a) for a in accs))

    def pairs(ligands: set[str], receptors: set[str]) -> set[tuple[str, str]]:
        return {(a, b) for a in ligands & cytokines for b in receptors if a != b}

    cellphonedb: set[tuple[str, str]] = set()
    for r in _rows(folder / "cellphonedb_v5_interaction_input.csv"):
        if r["directionality"] == "Ligand-Receptor":
            cellphonedb |= pairs(cpdb_side(r["partner_a"]), cpdb_side(r["partner_b"]))

    def liana_side(ids: str, syms: str) -> set[str]:
        accs = ids.removeprefix("COMPLEX:").split("_")
        names = syms.split("_")
        return set().union(*(symbols(a, s) for a, s in zip(accs, names, strict=False)))

    support: dict[tuple[str, str], int] = {}
    consensus = _rows(folder / "liana_consensus.csv")
    counts = _rows(folder / "liana_consensus_support.tsv", "\t")
    for r, c in zip(consensus, counts, strict=True):
        for pair in pairs(
            liana_side(r["source"], r["source_genesymbol"]),
            liana_side(r["target"], r["target_genesymbol"]),
        ):
            support[pair] = max(support.get(pair, 0), int(c["n_resources"]))
    return ResourcePairs(cellphonedb, support, cytokines)


def recall(asserted: set[tuple[str, str]], reference: set[tuple[str, str]]) -> float:
    return len(asserted & reference) / len(reference)


def hgnc_symbols(source_dir: Path = paths.LAYOUT.source_dir) -> dict[str, str]:
    """HGNC id -> symbol of the curated gene products."""
    return {
        r["hgnc"]: r["symbol"] for n in GENE_TABLES for r in _rows(source_dir / f"{n}.tsv", "\t")
    }


def release_pairs(graph: Graph, hgnc: dict[str, str]) -> set[tuple[str, str]]:
    """Gene-level pairs of the 'binds receptor' and 'is sequestered by' assertions of a release
    graph (resources list extracellular antagonists such as gremlin-2 as receptors)."""
    from cytoowl.build.assemble import BINDS_RECEPTOR, HAS_PART, OIO, SEQUESTERED_BY

    def gene_symbols(entity: Node) -> set[str]:
        parts = list(graph.objects(entity, HAS_PART)) or [entity]
        return {
            hgnc[str(x)] for p in parts for x in graph.objects(p, OIO.hasDbXref) if str(x) in hgnc
        }

    return {
        (a, b)
        for prop in (BINDS_RECEPTOR, SEQUESTERED_BY)
        for s, o in graph.subject_objects(prop)
        for a in gene_symbols(s)
        for b in gene_symbols(o)
        if a != b
    }
