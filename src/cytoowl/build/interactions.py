"""Curated ligand-receptor interactions (``ontology/src/interactions/``) into the graph.

``interactions.tsv`` has one row per interaction: a ligand (cytokine or heteromeric cytokine),
an interaction type (a sub-property of 'binds receptor'), a receptor (chain or complex), the ECO
class of its evidence, its sources and a note. The build grades each row into a confidence tier
from its evidence and sources (:func:`confidence_tier`). Ligands and receptors are row keys, or
subunits joined by ``_`` (the LIANA and CellPhoneDB convention) that name a complex of
``complexes.tsv``. ``excluded_interactions.tsv``
records the resource pairs (gene level) that were rejected, each with a reason and the literature
that decided it. Every defect is ``file:line: what is wrong``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDFS, Graph, URIRef

from cytoowl.build.sources import Row, SourceError, read_table

INTERACTION_COLUMNS = ["ligand", "type", "receptor", "evidence", "source", "note"]
EXCLUDED_COLUMNS = ["ligand", "receptor", "reason", "resources", "reference", "note"]
EXCLUSION_REASONS = ("reversed", "not a receptor", "not human", "no binding")
#: What an ECO class of ``reference/eco_terms.tsv`` stands for (its ``used_for`` column).
LITERATURE_EVIDENCE = ("structure", "binding", "functional")
CURATED_EVIDENCE = ("review", "curated resource")
#: Confidence tiers, best first (docs/interactions.md "Evidence").
TIERS = ("experimental", "curated", "several resources", "unconfirmed")
LIGAND_KINDS = ("cytokine", "heteromeric cytokine")
RECEPTOR_KINDS = ("receptor chain", "receptor complex")
#: 'is sequestered by' (CYTO:0000108) names an extracellular antagonist in the receptor column.
SEQUESTERED_BY = "is sequestered by"
ANTAGONIST_KINDS = ("extracellular cytokine antagonist",)
# A resource's report: CellPhoneDB:<its evidence> or LIANA:<resource>+<resource>.
RESOURCE_TOKEN = re.compile(r"^(CellPhoneDB|LIANA):[A-Za-z0-9:+._-]+$")


@dataclass(frozen=True)
class Entity:
    """A curated entity an interaction row may name."""

    key: str
    iri: URIRef
    kind: str
    genes: tuple[str, ...]  # gene symbols (a complex: its parts)


@dataclass(frozen=True)
class Interaction:
    """One checked row of interactions.tsv."""

    row: Row
    ligand: Entity
    prop: URIRef
    receptor: Entity
    evidence: str  # ECO CURIE
    sources: tuple[str, ...]
    tier: str
    note: str


def part_symbols(row: Row) -> list[str]:
    """The ``parts`` cell of a complex row without stoichiometry suffixes (``LTB*2`` -> LTB)."""
    return [p.partition("*")[0] for p in row.list("parts")]


class EntityIndex:
    """Keys, kinds and gene parts of every gene product and complex row."""

    def __init__(self, individuals: dict[str, URIRef], rows: dict[URIRef, Row]) -> None:
        self.entities: dict[str, Entity] = {}
        for key, iri in individuals.items():
            row = rows[iri]
            if "parts" in row.values:
                genes = tuple(part_symbols(row))
            elif "symbol" in row.values:
                genes = (row["symbol"],)
            else:
                continue  # drugs take no part in interactions
            self.entities[key] = Entity(key, iri, row["kind"], genes)
        self.by_parts = {
            frozenset(e.genes): e for e in self.entities.values() if e.kind.endswith("complex")
        }
        self.by_parts.update(
            {
                frozenset(e.genes): e
                for e in self.entities.values()
                if e.kind == "heteromeric cytokine"
            }
        )

    def resolve(self, row: Row, column: str) -> Entity:
        ref = row[column]
        if ref in self.entities:
            return self.entities[ref]
        parts = ref.split("_")
        if len(parts) < 2:
            raise row.error(
                f"{column} '{ref}': unknown gene or complex (not a symbol of cytokines.tsv or "
                "receptors.tsv, nor a key of complexes.tsv)"
            )
        for part in parts:
            if part not in self.entities or len(self.entities[part].genes) != 1:
                raise row.error(f"{column} '{ref}': complex part '{part}' is not a defined gene")
        found = self.by_parts.get(frozenset(parts))
        if found is None:
            raise row.error(
                f"{column} '{ref}': no complex of complexes.tsv has exactly the parts "
                f"{' + '.join(sorted(parts))}; define the complex there first"
            )
        return found


def interaction_properties(tbox: Graph, binds: URIRef) -> dict[URIRef, str]:
    """'binds receptor' and its sub-properties (the interaction types), with their labels."""
    props = {binds, *tbox.transitive_subjects(RDFS.subPropertyOf, binds)}
    return {p: str(tbox.value(p, RDFS.label) or p) for p in props}  # type: ignore[misc]


def check_sources(row: Row, registered: set[str], other_ok) -> tuple[str, ...]:
    """Source tokens: a resource report, a registered citation or a database record."""
    values = row.list("source")
    if not values:
        raise row.error("column 'source' is empty: every interaction needs its source")
    for value in values:
        resource = RESOURCE_TOKEN.match(value)
        if resource and resource.group(1) in registered:
            continue
        if not resource and other_ok(value):
            continue
        raise row.error(
            f"source '{value}' is neither a resource report (CellPhoneDB:<evidence>, "
            "LIANA:<resources>), a citation of sources.tsv, nor a database record"
        )
    return tuple(values)


def resources(sources: Iterable[str]) -> set[str]:
    """The distinct resources that list a pair (CellPhoneDB itself also counts inside LIANA)."""
    found: set[str] = set()
    for source in sources:
        resource = RESOURCE_TOKEN.match(source)
        if not resource:
            continue
        if resource.group(1) == "CellPhoneDB":
            found.add("cellphonedb")
        else:
            found |= set(source.partition(":")[2].split("+")) - {"consensus"}
    return found


def literature(sources: Iterable[str]) -> list[str]:
    """The sources that are not a resource report: citations and database records."""
    return [s for s in sources if not RESOURCE_TOKEN.match(s)]


def cited_by_resource(sources: Iterable[str]) -> bool:
    """Whether a curated resource gives a publication or structure for the pair."""
    return any(
        s.startswith("CellPhoneDB:")
        and any(e.startswith(("PMID:", "PDB")) for e in s[12:].split("+"))
        for s in sources
    )


def confidence_tier(use: str, sources: Iterable[str]) -> str:
    """The tier an assertion earns from what its ECO class stands for and its sources.

    'experimental': a structure, binding or receptor assay, cited; 'curated': a review or
    curated database entry cited, or a curated resource that cites a publication; 'several
    resources': two or more independent resources list it; 'unconfirmed': one resource only.
    """
    sources = list(sources)
    cited = bool(literature(sources))
    if use in LITERATURE_EVIDENCE and cited:
        return "experimental"
    if (use == "review" and cited) or (use == "curated resource" and cited_by_resource(sources)):
        return "curated"
    return "several resources" if len(resources(sources)) >= 2 else "unconfirmed"


def check_evidence(row: Row, uses: dict[str, str], sources: tuple[str, ...]) -> str:
    """The row's ECO class must be one cytoowl grades with, and have the sources it needs."""
    evidence = row["evidence"]
    if evidence not in uses:
        raise row.error(
            f"evidence '{evidence}' is not an ECO class of reference/eco_terms.tsv (one of: "
            f"{', '.join(sorted(uses))})"
        )
    use = uses[evidence]
    if use in (*LITERATURE_EVIDENCE, "review") and not literature(sources):
        raise row.error(
            f"evidence {evidence} ({use}) needs the publication or database entry that shows "
            "it in column 'source' (e.g. PMID:11264152)"
        )
    if use == "curated resource" and not cited_by_resource(sources):
        raise row.error(
            f"evidence {evidence} (curated resource) needs a resource report that cites a "
            "publication (CellPhoneDB:PMID:...)"
        )
    return evidence


def read_interactions(
    path: Path,
    index: EntityIndex,
    vocab_prop,
    types: dict[URIRef, str],
    registered: set[str],
    other_source_ok,
    evidence_uses: dict[str, str],
) -> list[Interaction]:
    """Check every row of interactions.tsv and grade it (:func:`confidence_tier`)."""
    seen: dict[tuple[str, str], Row] = {}
    out = []
    for row in read_table(path, INTERACTION_COLUMNS):
        ligand = index.resolve(row, "ligand")
        if ligand.kind not in LIGAND_KINDS:
            raise row.error(f"ligand '{row['ligand']}' is a {ligand.kind}, not a cytokine")
        receptor = index.resolve(row, "receptor")
        sequestered = row["type"] == SEQUESTERED_BY
        if receptor.kind not in (ANTAGONIST_KINDS if sequestered else RECEPTOR_KINDS):
            wanted = (
                "an extracellular cytokine antagonist"
                if sequestered
                else ("a receptor chain or receptor complex")
            )
            raise row.error(f"receptor '{row['receptor']}' is a {receptor.kind}, not {wanted}")
        prop = vocab_prop(row, row["type"])
        if prop not in types:
            raise row.error(
                f"type '{row['type']}' is not an interaction type (one of: "
                f"{', '.join(sorted(types.values()))})"
            )
        pair = (ligand.key, receptor.key)
        if pair in seen:
            raise row.error(
                f"duplicate interaction {pair[0]} -> {pair[1]} (also line {seen[pair].line})"
            )
        seen[pair] = row
        sources = check_sources(row, registered, other_source_ok)
        evidence = check_evidence(row, evidence_uses, sources)
        tier = confidence_tier(evidence_uses[evidence], sources)
        out.append(Interaction(row, ligand, prop, receptor, evidence, sources, tier, row["note"]))
    return out


def gene_pairs(interactions: Iterable[Interaction]) -> dict[tuple[str, str], Interaction]:
    """The gene-level (ligand gene, receptor gene) pairs the interactions assert."""
    return {
        (a, b): i for i in interactions for a in i.ligand.genes for b in i.receptor.genes if a != b
    }


def check_exclusions(
    path: Path, asserted: dict[tuple[str, str], Interaction], source_ok
) -> list[Row]:
    """Each rejected resource pair has a reason and a reference, and is not also asserted."""
    rows = read_table(path, EXCLUDED_COLUMNS)
    seen: dict[tuple[str, str], Row] = {}
    for row in rows:
        if row["reason"] not in EXCLUSION_REASONS:
            raise row.error(
                f"reason '{row['reason']}' is not one of: {', '.join(EXCLUSION_REASONS)}"
            )
        if not row["note"]:
            raise row.error("column 'note' is empty: say why the pair is rejected")
        if not row.list("reference"):
            raise row.error(
                "column 'reference' is empty: cite the publication or database entry that "
                "decided the exclusion (e.g. the paper naming the ligand's receptors)"
            )
        for reference in row.list("reference"):
            if not source_ok(reference):
                raise row.error(
                    f"reference '{reference}' is neither a citation of sources.tsv nor a "
                    "database record"
                )
        pair = (row["ligand"], row["receptor"])
        if pair in seen:
            raise row.error(f"duplicate excluded pair {pair[0]} -> {pair[1]}")
        seen[pair] = row
        if pair in asserted:
            other = asserted[pair].row
            raise row.error(
                f"excluded pair {pair[0]} -> {pair[1]} is asserted at "
                f"{other.path.name}:{other.line}"
            )
    return rows


__all__ = [
    "TIERS",
    "EntityIndex",
    "Interaction",
    "SourceError",
    "check_exclusions",
    "confidence_tier",
    "gene_pairs",
    "interaction_properties",
    "part_symbols",
    "read_interactions",
]
