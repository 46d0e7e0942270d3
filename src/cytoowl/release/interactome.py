"""The interactome export: one TSV row per ligand-receptor interaction of the release graph.

Columns follow the LIANA / CellPhoneDB convention for custom resources (complex subunits joined
by ``_``); see docs/interactions.md. Rows are read from the reasoned release graph, so the export
always agrees with the OWL, with each assertion's evidence (ECO class) and confidence tier. The
default export leaves out 'unconfirmed' rows (one resource only); ``min_tier`` includes them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from cytoowl import vocab
from cytoowl.build.assemble import (
    BINDS_RECEPTOR,
    CONFIDENCE_TIER,
    CYTO,
    EVIDENCE_TYPE,
    HAS_PART,
    HUMAN,
    IN_TAXON,
    INFERRED_FROM,
    MOUSE,
    OIO,
    ORTHOLOGY_INFERENCE,
    SEQUESTERED_BY,
)
from cytoowl.build.interactions import TIERS

#: A row of the interactome: the TSV columns (text) and the gene products of each side
#: (``ligand_genes``, ``receptor_genes``: tuples of :class:`Gene`; ``antagonist_genes``: those of
#: the extracellular antagonists that sequester the ligand) for the tool exports.
Row = dict[str, Any]

COLUMNS = [
    "ligand_id",
    "ligand_label",
    "ligand_symbol",
    "interaction_type",
    "receptor_id",
    "receptor_label",
    "receptor_symbol",
    "ligand_family",
    "receptor_superfamily",
    "sources",
    "evidence",
    "evidence_label",
    "confidence_tier",
    "extracellular_antagonists",
]
#: The mouse export adds whether a row was seen in mouse or carried over from a human assertion.
MOUSE_COLUMNS = [*COLUMNS, "species_evidence", "human_assertion"]
SPECIES = {"human": HUMAN, "mouse": MOUSE}
#: The lowest tier the default export keeps: 'unconfirmed' rows are only in interactions-all.tsv.
DEFAULT_MIN_TIER = "several resources"
STRUCTURAL_FAMILIES = [
    CYTO[n] for n in ("0000002", "0000008", "0000009", "0000010", "0000011", "0000016")
]
RECEPTOR_CHAIN = CYTO["0000031"]
# Roles, not superfamilies: the chain itself and the HIV-1 co-receptor role class.
NOT_SUPERFAMILIES = {RECEPTOR_CHAIN, CYTO["0000062"]}


def curie(iri: URIRef) -> str:
    return "CYTO:" + str(iri).removeprefix(str(CYTO))


def interaction_types(graph: Graph) -> set[URIRef]:
    """'binds receptor' and its sub-properties."""
    return {BINDS_RECEPTOR, *graph.transitive_subjects(RDFS.subPropertyOf, BINDS_RECEPTOR)}  # type: ignore[arg-type]


def genes(graph: Graph, entity: URIRef) -> list[URIRef]:
    """The gene products of an entity: itself, or the parts of a complex."""
    parts = sorted(graph.objects(entity, HAS_PART))
    return parts or [entity]  # type: ignore[list-item]


def symbol(graph: Graph, entity: URIRef) -> str:
    return "_".join(sorted(str(graph.value(g, SKOS.notation)) for g in genes(graph, entity)))


@dataclass(frozen=True)
class Gene:
    """One gene product of an interaction side, with the identifiers the analysis tools key on.

    ``gene_id`` is the HGNC (human) or MGI (mouse) identifier; ``uniprot`` and ``ensembl`` are
    empty when the release has no such cross-reference (mouse products have no UniProt entry in
    cytoowl, human ones no Ensembl gene).
    """

    iri: str
    symbol: str
    name: str
    gene_id: str
    uniprot: str
    ensembl: str
    ncbi_gene: str


def _xref(xrefs: list[str], prefix: str) -> str:
    return next((x for x in sorted(xrefs) if x.startswith(prefix + ":")), "")


def gene_records(graph: Graph, entity: URIRef) -> tuple[Gene, ...]:
    """The gene products of ``entity`` (itself, or a complex's parts) in symbol order."""
    out = []
    for gene in genes(graph, entity):
        xrefs = [str(x) for x in graph.objects(gene, OIO.hasDbXref)]
        out.append(
            Gene(
                iri=curie(gene),
                symbol=str(graph.value(gene, SKOS.notation)),
                name=str(graph.value(gene, RDFS.label)),
                gene_id=_xref(xrefs, "HGNC") or _xref(xrefs, "MGI"),
                uniprot=_xref(xrefs, "UniProtKB").removeprefix("UniProtKB:"),
                ensembl=_xref(xrefs, "ENSEMBL").removeprefix("ENSEMBL:"),
                ncbi_gene=_xref(xrefs, "NCBIGene"),
            )
        )
    return tuple(sorted(out, key=lambda g: g.symbol))


def most_specific(graph: Graph, types: set[URIRef], roots: list[URIRef]) -> list[URIRef]:
    """Types under one of ``roots`` that no other such type is a subclass of."""
    under = {
        t
        for t in types
        if any(r in set(graph.transitive_objects(t, RDFS.subClassOf)) for r in roots)
    }
    return sorted(
        t
        for t in under
        if not any(o != t and t in set(graph.transitive_objects(o, RDFS.subClassOf)) for o in under)
    )


def labels(graph: Graph, iris: list[URIRef]) -> str:
    return ";".join(str(graph.value(i, RDFS.label)) for i in iris)


def family(graph: Graph, entity: URIRef, roots: list[URIRef], exclude: set[URIRef]) -> str:
    types: set[URIRef] = set()
    for gene in {entity, *genes(graph, entity)}:
        types |= {t for t in graph.objects(gene, RDF.type) if isinstance(t, URIRef)}
    return labels(graph, [t for t in most_specific(graph, types, roots) if t not in exclude])


def axiom_values(graph: Graph, s: URIRef, p: URIRef, o: URIRef, annotation: URIRef) -> str:
    """The values of one annotation on the axiom(s) of ``s p o``, sorted and joined by ``;``."""
    found: set[str] = set()
    for axiom in graph.subjects(OWL.annotatedSource, s):
        if (axiom, OWL.annotatedProperty, p) in graph and (axiom, OWL.annotatedTarget, o) in graph:
            found |= {str(v) for v in graph.objects(axiom, annotation)}
    return ";".join(sorted(found))


def check_selection(min_tier: str, species: str) -> None:
    """``ValueError`` naming an unknown tier or species and the known ones."""
    if min_tier not in TIERS:
        raise ValueError(f"unknown tier '{min_tier}' (one of: {', '.join(TIERS)})")
    if species not in SPECIES:
        raise ValueError(f"unknown species '{species}' (one of: {', '.join(SPECIES)})")


def interaction_rows(
    graph: Graph, min_tier: str = DEFAULT_MIN_TIER, species: str = "human"
) -> list[Row]:
    """One row per (ligand, receptor) of ``species`` graded at ``min_tier`` or better: its most
    specific type (mouse rows also say whether they were seen in mouse or inferred), and the
    gene products of each side (``ligand_genes``, ``receptor_genes``)."""
    check_selection(min_tier, species)
    taxon = SPECIES[species]
    kept = set(TIERS[: TIERS.index(min_tier) + 1])
    specific = interaction_types(graph) - {BINDS_RECEPTOR}
    rows = []
    for ligand, receptor in sorted(set(graph.subject_objects(BINDS_RECEPTOR))):
        if (ligand, IN_TAXON, taxon) not in graph:
            continue
        typed = [p for p in specific if (ligand, p, receptor) in graph]
        prop = typed[0] if len(typed) == 1 else BINDS_RECEPTOR
        tier = axiom_values(graph, ligand, prop, receptor, CONFIDENCE_TIER)  # type: ignore[arg-type]
        if tier not in kept:
            continue
        evidence = axiom_values(graph, ligand, prop, receptor, EVIDENCE_TYPE)  # type: ignore[arg-type]
        row: Row = {
            "ligand_id": curie(ligand),  # type: ignore[arg-type]
            "ligand_label": str(graph.value(ligand, RDFS.label)),
            "ligand_symbol": symbol(graph, ligand),  # type: ignore[arg-type]
            "interaction_type": str(graph.value(prop, RDFS.label)),
            "receptor_id": curie(receptor),  # type: ignore[arg-type]
            "receptor_label": str(graph.value(receptor, RDFS.label)),
            "receptor_symbol": symbol(graph, receptor),  # type: ignore[arg-type]
            "ligand_family": family(graph, ligand, STRUCTURAL_FAMILIES, set()),  # type: ignore[arg-type]
            "receptor_superfamily": family(graph, receptor, [RECEPTOR_CHAIN], NOT_SUPERFAMILIES),  # type: ignore[arg-type]
            "sources": axiom_values(graph, ligand, prop, receptor, OIO.source),  # type: ignore[arg-type]
            "evidence": vocab.curie(evidence) if evidence else "",
            "evidence_label": str(graph.value(URIRef(evidence), RDFS.label) or ""),
            "confidence_tier": tier,
            # CellChatDB's 'antagonist' cofactor: what keeps the ligand from its receptors
            "extracellular_antagonists": ";".join(
                sorted(symbol(graph, a) for a in graph.objects(ligand, SEQUESTERED_BY))  # type: ignore[arg-type]
            ),
        }
        if species == "mouse":
            inferred = evidence == str(vocab.expand(ORTHOLOGY_INFERENCE))
            row["species_evidence"] = "inferred from orthology" if inferred else "observed in mouse"
            row["human_assertion"] = axiom_values(graph, ligand, prop, receptor, INFERRED_FROM)  # type: ignore[arg-type]
        row["ligand_genes"] = gene_records(graph, ligand)  # type: ignore[arg-type]
        row["receptor_genes"] = gene_records(graph, receptor)  # type: ignore[arg-type]
        row["antagonist_genes"] = tuple(
            g
            for a in sorted(graph.objects(ligand, SEQUESTERED_BY))
            for g in gene_records(graph, a)  # type: ignore[arg-type]
        )
        rows.append(row)
    return rows


def interactions_tsv(graph: Graph, min_tier: str = DEFAULT_MIN_TIER, species: str = "human") -> str:
    """The export as TSV text: the default file, every tier with ``min_tier='unconfirmed'``, or
    the mouse interactome with ``species='mouse'``."""
    out = io.StringIO()
    columns = MOUSE_COLUMNS if species == "mouse" else COLUMNS
    writer = csv.DictWriter(
        out, columns, delimiter="\t", lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(interaction_rows(graph, min_tier, species))
    return out.getvalue()
