"""Assemble the asserted ontology graph from the curated sources (no reasoning, no writing).

``build_graph`` reads ``ontology/src`` and returns one rdflib graph: the ontology header, the
TBox modules, one ``owl:NamedIndividual`` per curated row, the sourced relation assertions (with
their source as an OWL axiom annotation) and a declaration with label for every external term
used. Every malformed row stops the build with ``file:line: what is wrong``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from cytoowl import paths
from cytoowl import vocab as ns
from cytoowl.build import definitions, interactions, species
from cytoowl.build.definitions import (  # one set of IRIs for the graph and its definitions
    BINDS_RECEPTOR,
    CYTO,
    DEFINITION,
    DEFINITION_SOURCE,
    HAS_PART,
    HUMAN,
    IN_TAXON,
    MOUSE,
    OBO,
    OIO,
)
from cytoowl.build.sources import (
    DATABASE_SOURCE,
    GENE_TABLES,
    Row,
    SourceError,
    check_pattern,
    parse_turtle,
    read_table,
    tbox_files,
)

FOAF = Namespace(ns.FOAF)
HAS_ACTIVE_INGREDIENT = OBO.RO_0002248
#: RO 'gene product of' (ontology/src/reference/ro_object_properties.tsv): a protein to its gene.
GENE_PRODUCT_OF = URIRef(ns.GENE_PRODUCT_OF)
CAPABLE_OF = URIRef(ns.CAPABLE_OF)
#: Gene records a gene product links to with 'gene product of' (not exactMatch: a protein is not
#: its gene), and the one prefix whose records are the product itself.
GENE_PREFIXES = ("HGNC", "NCBIGene")
PROTEIN_PREFIX = "UniProtKB"
STOICHIOMETRY = CYTO["0000103"]
#: Axiom annotations of an interaction: its ECO class and the tier the build computes.
EVIDENCE_TYPE = CYTO["0000106"]
CONFIDENCE_TIER = CYTO["0000107"]
#: A cytokine bound outside the cell by an extracellular antagonist (not a receptor binding).
SEQUESTERED_BY = CYTO["0000108"]
#: The mouse layer (issue 23): RO 'in orthology relationship with' and its annotations.
ORTHOLOGOUS_TO = OBO.RO_HOM0000017
MOUSE_ORTHOLOG_ABSENT = CYTO["0000109"]
ORTHOLOGY_TYPE = CYTO["0000114"]
HCOP_SUPPORT = CYTO["0000115"]
INFERRED_FROM = CYTO["0000116"]
ORTHOLOGY_EVIDENCE = "ECO:0000266"  # sequence orthology evidence used in manual assertion (MGI)
ORTHOLOGY_INFERENCE = "ECO:0000265"  # ... used in automatic assertion (a carried-over interaction)


GENE_COLUMNS = [
    "id",
    "symbol",
    "label",
    "hgnc",
    "uniprot",
    "ncbigene",
    "kind",
    "types",
    "type_source",
    "synonyms",
    "source",
]
COMPLEX_COLUMNS = ["id", "key", "label", "kind", "parts", "types", "synonyms", "source"]
DRUG_COLUMNS = ["id", "key", "label", "active_ingredient", "synonyms", "xrefs", "source"]
RELATION_COLUMNS = ["subject", "relation", "object", "source"]
CLASSIFICATION_COLUMNS = ["subject", "class", "source"]
#: Retired terms (never deleted, DESIGN §1): ``kind`` is ``individual`` or ``class``.
DEPRECATED_COLUMNS = ["id", "kind", "label", "replaced_by", "reason"]
CL_HIERARCHY_COLUMNS = ["sub", "super", "told_path", "source"]


def curie_to_iri(curie: str) -> URIRef:
    """Expand a CURIE with the project's one prefix map."""
    return URIRef(ns.expand(curie))


@dataclass(frozen=True)
class ExternalTerm:
    """A term of another ontology, from the reference snapshot."""

    iri: URIRef
    label: str
    obsolete: bool
    is_property: bool = False


@dataclass
class Vocabulary:
    """What the rows may refer to: classes and properties by label, sources, external terms."""

    classes: dict[str, URIRef]
    properties: dict[str, URIRef]
    sources: set[str]
    external: dict[str, ExternalTerm]
    individuals: dict[str, URIRef] = field(default_factory=dict)  # key -> IRI
    ids: dict[URIRef, Row] = field(default_factory=dict)
    evidence_uses: dict[str, str] = field(default_factory=dict)  # ECO CURIE -> what it grades

    def cls(self, row: Row, label: str) -> URIRef:
        if label not in self.classes:
            raise row.error(f"unknown class '{label}' (not a label of a TBox class)")
        return self.classes[label]

    def prop(self, row: Row, name: str) -> URIRef:
        if name in self.properties:
            return self.properties[name]
        if name in self.external and self.external[name].is_property:
            return self.external[name].iri
        raise row.error(f"unknown relation '{name}' (not a TBox or RO property label or CURIE)")

    def individual(self, row: Row, key: str) -> URIRef:
        if key not in self.individuals:
            raise row.error(f"reference to undefined term '{key}' (no row has this key)")
        return self.individuals[key]

    def value(self, row: Row, ref: str) -> URIRef:
        """An object reference: an individual key or a CURIE of a non-obsolete external term."""
        if ref in self.individuals:
            return self.individuals[ref]
        if ref in self.external:
            term = self.external[ref]
            if term.obsolete:
                raise row.error(f"'{ref}' ({term.label}) is obsolete; use its replacement")
            return term.iri
        raise row.error(f"reference to undefined term '{ref}' (no row key or reference term)")

    def source(self, row: Row, column: str = "source") -> list[str]:
        values = row.list(column)
        if not values:
            raise row.error(f"column '{column}' is empty: every assertion needs its source")
        for value in values:
            if value not in self.sources and not DATABASE_SOURCE.match(value):
                raise row.error(
                    f"source '{value}' is neither registered in sources.tsv nor a database record"
                )
        return values

    def register(self, row: Row, key: str, curie: str) -> URIRef:
        iri = curie_to_iri(check_pattern(row, "id", "id") if curie == row["id"] else curie)
        if key in self.individuals:
            raise row.error(f"duplicate key '{key}'")
        if iri in self.ids:
            other = self.ids[iri]
            raise row.error(f"duplicate id {curie} (also {other.path.name}:{other.line})")
        self.individuals[key] = iri
        self.ids[iri] = row
        return iri


class OntologyBuilder:
    """Accumulates triples; source-annotated assertions become reified OWL axioms."""

    def __init__(self) -> None:
        self.graph = Graph()
        bind_prefixes(self.graph)

    def add(
        self,
        s: URIRef,
        p: URIRef,
        o: URIRef | Literal,
        sources: Iterable[str] = (),
        annotations: Iterable[tuple[URIRef, Literal]] = (),
    ) -> None:
        self.graph.add((s, p, o))
        sources = sorted(set(sources))
        annotations = list(annotations)
        if sources or annotations:
            # A content-derived blank node id keeps the output deterministic.
            axiom = BNode("ax" + hashlib.sha1(f"{s}|{p}|{o}".encode()).hexdigest()[:16])
            self.graph.add((axiom, RDF.type, OWL.Axiom))
            self.graph.add((axiom, OWL.annotatedSource, s))
            self.graph.add((axiom, OWL.annotatedProperty, p))
            self.graph.add((axiom, OWL.annotatedTarget, o))
            for source in sources:
                self.graph.add((axiom, OIO.source, Literal(source)))
            for prop, value in annotations:
                self.graph.add((axiom, prop, value))

    def add_existential(
        self, s: URIRef, p: URIRef, filler: URIRef, sources: Iterable[str] = ()
    ) -> BNode:
        """``s rdf:type [owl:onProperty p; owl:someValuesFrom filler]``, the source on the class
        assertion: 's is p some filler' without using the class ``filler`` as an individual."""
        key = hashlib.sha1(f"{s}|{p}|{filler}".encode()).hexdigest()[:16]
        restriction = BNode("some" + key)
        self.graph.add((restriction, RDF.type, OWL.Restriction))
        self.graph.add((restriction, OWL.onProperty, p))
        self.graph.add((restriction, OWL.someValuesFrom, filler))
        self.add(s, RDF.type, restriction, sources)
        return restriction

    def individual(
        self, iri: URIRef, label: str, definition: str | None, synonyms: list[str]
    ) -> None:
        """A named individual; ``definition`` None: written later from its facts (definitions)."""
        self.add(iri, RDF.type, OWL.NamedIndividual)
        self.add(iri, RDFS.label, Literal(label, lang="en"))
        if definition is not None:
            self.add(iri, DEFINITION, Literal(definition, lang="en"))
        for synonym in synonyms:
            if synonym != label:
                self.add(iri, OIO.hasExactSynonym, Literal(synonym, lang="en"))


def bind_prefixes(graph: Graph) -> None:
    """The prefixes used in every serialisation of the release (from the one prefix map)."""
    for prefix, namespace in ns.bindings(*ns.RELEASE_BINDINGS).items():
        graph.bind(prefix, namespace, override=True)


def load_vocabulary(source_dir: Path, tbox: Graph) -> Vocabulary:
    """Index the TBox by label, and read the source registry and reference snapshots."""
    classes: dict[str, URIRef] = {}
    properties: dict[str, URIRef] = {}
    for kind, index in ((OWL.Class, classes), (OWL.ObjectProperty, properties)):
        for term in tbox.subjects(RDF.type, kind):
            for label in tbox.objects(term, RDFS.label):
                index[str(label)] = term  # type: ignore[assignment]
    sources = {row["id"] for row in read_table(source_dir / "sources.tsv", ["id", "citation"])}
    external: dict[str, ExternalTerm] = {}
    ref = source_dir / "reference"
    for row in read_table(ref / "external_terms.tsv", ["curie", "iri", "label", "obsolete"]):
        if row["iri"]:
            external[row["curie"]] = ExternalTerm(
                URIRef(row["iri"]), row["label"], row["obsolete"] == "true"
            )
    for row in read_table(ref / "ro_object_properties.tsv", ["curie", "iri", "label"]):
        term = ExternalTerm(URIRef(row["iri"]), row["label"], row["deprecated"] == "true", True)
        external[row["curie"]] = term
        properties.setdefault(row["label"], term.iri)
    evidence_uses = {}
    for row in read_table(ref / "eco_terms.tsv", ["curie", "iri", "label", "used_for"]):
        external[row["curie"]] = ExternalTerm(URIRef(row["iri"]), row["label"], False)
        evidence_uses[row["curie"]] = row["used_for"]
    return Vocabulary(classes, properties, sources, external, evidence_uses=evidence_uses)


def build_graph(source_dir: Path = paths.LAYOUT.source_dir) -> Graph:
    """Read every curated source and return the asserted ontology graph."""
    tbox = Graph()
    for path in tbox_files(source_dir):
        tbox += parse_turtle(path)
    vocab = load_vocabulary(source_dir, tbox)
    builder = OntologyBuilder()
    builder.graph += tbox
    add_header(builder, (source_dir / "VERSION").read_text().strip())

    genes = [read_table(source_dir / f"{name}.tsv", GENE_COLUMNS) for name in GENE_TABLES]
    complexes = read_table(source_dir / "complexes.tsv", COMPLEX_COLUMNS)
    drug_path = source_dir / "drugs.tsv"
    drugs = read_table(drug_path, DRUG_COLUMNS) if drug_path.exists() else []
    for row in (r for table in genes for r in table):
        vocab.register(row, row["symbol"], row["id"])
    shared = shared_values(r for table in genes for r in table)
    for row in [*complexes, *drugs]:
        vocab.register(row, row["key"], row["id"])
    mouse = species.read_layer(source_dir / "mouse", set(vocab.individuals))
    for row in mouse.gene_rows:
        vocab.register(row, row["symbol"], row["id"])
    for row in mouse.complexes:
        vocab.register(row, row["key"], row["id"])
    deprecated_path = source_dir / "deprecated.tsv"
    retired = read_table(deprecated_path, DEPRECATED_COLUMNS) if deprecated_path.exists() else []
    for row in retired:
        vocab.register(row, row["id"], row["id"])

    for table in genes:
        for row in table:
            add_gene_product(builder, vocab, row, shared)
    for row in complexes:
        add_complex(builder, vocab, row)
    for row in mouse.gene_rows:
        add_mouse_gene_product(builder, vocab, row)
    for row in mouse.complexes:
        add_complex(builder, vocab, row, MOUSE)
    for row in drugs:
        add_drug(builder, vocab, row)
    for row in retired:
        add_deprecated(builder, vocab, row)
    relate_shared_names(builder.graph)
    for row in read_table(source_dir / "classifications.tsv", CLASSIFICATION_COLUMNS):
        subject = vocab.individual(row, row["subject"])
        builder.add(subject, RDF.type, vocab.cls(row, row["class"]), vocab.source(row))
    for path in sorted((source_dir / "relations").glob("*.tsv")):
        for row in read_table(path, RELATION_COLUMNS):
            add_relation(builder, vocab, row)
    human = add_interactions(builder, vocab, tbox, source_dir / "interactions")
    add_mouse_relations(builder, vocab, tbox, mouse, human)
    add_cell_type_hierarchy(builder, vocab, source_dir / "reference" / "cl_subclass_axioms.tsv")
    add_definitions(builder, vocab)
    declare_external_terms(builder.graph, vocab)
    add_class_mappings(builder.graph)
    add_pr_mappings(builder.graph, vocab)
    return builder.graph


def add_header(builder: OntologyBuilder, version: str) -> None:
    """The ontology header with its dated version IRI (DESIGN §1)."""
    onto = URIRef(ns.ONTOLOGY_IRI)
    g = builder.graph
    g.add((onto, RDF.type, OWL.Ontology))
    g.add((onto, OWL.versionIRI, URIRef(ns.version_iri(version))))
    g.add((onto, OWL.versionInfo, Literal(version)))
    g.add(
        (
            onto,
            DCTERMS.title,
            Literal("cytoowl: an ontology of human cytokines and their receptors", lang="en"),
        )
    )
    g.add(
        (
            onto,
            DCTERMS.description,
            Literal(
                "Classes for the structural families, functional classes and receptor "
                "superfamilies of cytokines, and every human cytokine and cytokine receptor gene "
                "product as an individual, cross-linked to HGNC, UniProt, NCBI Gene, "
                "CL, GO and MONDO.",
                lang="en",
            ),
        )
    )
    g.add((onto, DCTERMS.license, URIRef(ns.LICENSE_IRI)))
    g.add((onto, DCTERMS.creator, Literal("cytoowl contributors")))
    g.add((onto, FOAF.homepage, URIRef(ns.BASE_IRI)))
    g.add(
        (
            onto,
            RDFS.comment,
            Literal(
                "Inferred individual types (HermiT) are materialised; "
                "no reasoner is needed to query it.",
                lang="en",
            ),
        )
    )


def shared_values(rows: Iterable[Row], column: str = "uniprot") -> set[str]:
    """Values of ``column`` that more than one row has (UniProt entries of two genes)."""
    seen: dict[str, int] = {}
    for row in rows:
        seen[row[column]] = seen.get(row[column], 0) + 1
    return {value for value, count in seen.items() if count > 1}


def relate_shared_names(graph: Graph) -> None:
    """An exact synonym that two terms of one species share is a related synonym of each.

    A receptor chain and its complex are both written "IL-6R" in the literature: the string
    stays findable on both, but names neither exactly (issue 25; QC duplicate_exact_synonym).
    Each term keeps its own label (the chain's HGNC name, "... receptor complex").
    """
    holders: dict[tuple[str, object], set[tuple[URIRef, Literal]]] = {}
    for term, name in graph.subject_objects(OIO.hasExactSynonym):
        key = (str(name).lower(), graph.value(term, IN_TAXON))
        holders.setdefault(key, set()).add((term, name))  # type: ignore[arg-type]
    for named in holders.values():
        if len({term for term, _ in named}) > 1:
            for term, name in named:
                graph.remove((term, OIO.hasExactSynonym, name))
                graph.add((term, OIO.hasRelatedSynonym, name))


def add_xrefs(builder: OntologyBuilder, iri: URIRef, row: Row, shared: set[str]) -> None:
    """Database xrefs, and the mapping each one means (docs/mappings.md).

    The UniProtKB entry is the product itself (``skos:exactMatch``) unless two genes share the
    entry (CCL3L1/CCL3L3, CCL4L1/CCL4L2): then the entry is broader (``skos:broadMatch``). The
    HGNC and NCBI Gene records are the gene, which the product is 'gene product of' (RO).
    """
    for column in ("hgnc", "uniprot", "ncbigene"):
        curie = check_pattern(row, column, column)
        builder.add(iri, OIO.hasDbXref, Literal(curie))
        target = URIRef(ns.expand(curie))
        prefix = curie.partition(":")[0]
        if prefix in GENE_PREFIXES:
            builder.add(iri, GENE_PRODUCT_OF, target)
            builder.graph.add((target, RDF.type, OWL.NamedIndividual))
            gene_label = f"{row['symbol']} gene ({curie})"
            builder.graph.add((target, RDFS.label, Literal(gene_label, lang="en")))
        elif prefix == PROTEIN_PREFIX:
            predicate = SKOS.broadMatch if curie in shared else SKOS.exactMatch
            builder.add(iri, predicate, target)


def add_gene_product(
    builder: OntologyBuilder, vocab: Vocabulary, row: Row, shared: set[str]
) -> None:
    """A cytokine, cytokine subunit or receptor chain: one human gene product."""
    iri = vocab.individuals[row["symbol"]]
    kind = vocab.cls(row, row["kind"])
    types = [vocab.cls(row, label) for label in row.list("types")]
    builder.individual(iri, row["label"], None, row.list("synonyms"))
    builder.add(iri, RDF.type, kind, vocab.source(row))
    type_sources = vocab.source(row, "type_source") if types else []
    for cls in types:
        builder.add(iri, RDF.type, cls, type_sources)
    add_xrefs(builder, iri, row, shared)
    builder.add(iri, IN_TAXON, HUMAN, vocab.source(row))
    builder.add(iri, SKOS.notation, Literal(row["symbol"]))


def add_complex(
    builder: OntologyBuilder, vocab: Vocabulary, row: Row, taxon: URIRef = HUMAN
) -> None:
    """A heteromeric cytokine or receptor complex, with ``has part`` to its chains."""
    iri = vocab.individuals[row["key"]]
    parts = [(vocab.individual(row, key), stoichiometry(row, n)) for key, n in parsed_parts(row)]
    sources = vocab.source(row)
    builder.individual(iri, row["label"], None, [row["key"], *row.list("synonyms")])
    builder.add(iri, RDF.type, vocab.cls(row, row["kind"]), sources)
    for label in row.list("types"):
        builder.add(iri, RDF.type, vocab.cls(row, label), sources)
    for part, count in parts:
        builder.add(iri, HAS_PART, part, sources, count)
    builder.add(iri, IN_TAXON, taxon, sources)


def parsed_parts(row: Row) -> list[tuple[str, str]]:
    """``parts`` cell items ``KEY`` or ``KEY*n`` (n copies in one complex)."""
    return [(key, n) for key, _, n in (p.partition("*") for p in row.list("parts"))]


def stoichiometry(row: Row, count: str) -> list[tuple[URIRef, Literal]]:
    if not count:
        return []
    if not count.isdigit() or int(count) < 1:
        raise row.error(f"stoichiometry '*{count}' in parts is not a positive integer")
    return [(STOICHIOMETRY, Literal(int(count)))]


def add_interactions(
    builder: OntologyBuilder, vocab: Vocabulary, tbox: Graph, folder: Path
) -> list[interactions.Interaction]:
    """The curated interactome: each typed interaction, also as 'binds receptor'."""
    if not folder.exists():
        return []
    index = interactions.EntityIndex(vocab.individuals, vocab.ids)
    types = interaction_types(tbox)

    def registered(value: str) -> bool:
        return value in vocab.sources or bool(DATABASE_SOURCE.match(value))

    checked = interactions.read_interactions(
        folder / "interactions.tsv",
        index,
        vocab.prop,
        types,
        vocab.sources,
        registered,
        vocab.evidence_uses,
    )
    interactions.check_exclusions(
        folder / "excluded_interactions.tsv", interactions.gene_pairs(checked), registered
    )
    for item in checked:
        graded = grade(vocab, item.evidence, item.tier, item.note)
        add_graded(builder, item.ligand.iri, item.prop, item.receptor.iri, item.sources, graded)
    return checked


def interaction_types(tbox: Graph) -> dict[URIRef, str]:
    """The properties an interaction row may name: receptor bindings and sequestration."""
    types = interactions.interaction_properties(tbox, BINDS_RECEPTOR)
    types[SEQUESTERED_BY] = interactions.SEQUESTERED_BY
    return types


def grade(
    vocab: Vocabulary, evidence: str, tier: str, note: str = ""
) -> list[tuple[URIRef, Literal | URIRef]]:
    """The axiom annotations that grade an interaction: ECO class, tier and the curator's note."""
    graded: list[tuple[URIRef, Literal | URIRef]] = [
        (EVIDENCE_TYPE, vocab.external[evidence].iri),
        (CONFIDENCE_TIER, Literal(tier)),
    ]
    if note:
        graded.append((RDFS.comment, Literal(note, lang="en")))
    return graded


def add_graded(
    builder: OntologyBuilder,
    ligand: URIRef,
    prop: URIRef,
    receptor: URIRef,
    sources: Iterable[str],
    graded: list[tuple[URIRef, Literal | URIRef]],
) -> None:
    """One graded interaction; a typed receptor binding is also asserted as 'binds receptor'
    (sequestration by an extracellular antagonist is not a receptor binding)."""
    also = set() if prop == SEQUESTERED_BY else {BINDS_RECEPTOR}
    for each in {prop, *also}:
        builder.add(ligand, each, receptor, sources, graded)


def add_mouse_gene_product(builder: OntologyBuilder, vocab: Vocabulary, row: Row) -> None:
    """A mouse gene product (issue 23): MGI and Ensembl ids, its human orthologs' types."""
    iri = vocab.individuals[row["symbol"]]
    ids = [i for i in (row["mgi"], row["ensembl"] and f"ENSEMBL:{row['ensembl']}") if i]
    builder.individual(iri, row["label"], None, [row["symbol"]])
    sources = vocab.source(row)
    builder.add(iri, RDF.type, vocab.cls(row, row["kind"]), sources)
    for label in row.list("types"):
        builder.add(iri, RDF.type, vocab.cls(row, label), sources)
    for curie in ids:
        builder.add(iri, OIO.hasDbXref, Literal(curie))
    if row["mgi"]:
        builder.add(iri, SKOS.exactMatch, URIRef(ns.expand(row["mgi"])))
    builder.add(iri, IN_TAXON, MOUSE, sources)
    builder.add(iri, SKOS.notation, Literal(row["symbol"]))


def add_mouse_relations(
    builder: OntologyBuilder,
    vocab: Vocabulary,
    tbox: Graph,
    layer: species.MouseLayer,
    human: list[interactions.Interaction],
) -> None:
    """Orthology links, absent orthologs and the mouse interactome (inferred and observed)."""
    mgi = {r["symbol"]: r["mgi"] for r in layer.genes}
    for row in layer.pairs:
        annotations = [
            (EVIDENCE_TYPE, vocab.external[ORTHOLOGY_EVIDENCE].iri),
            (ORTHOLOGY_TYPE, Literal(row["homology"])),
            (HCOP_SUPPORT, Literal(int(row["hcop_support"]))),
        ]
        source = [mgi[row["mouse"]]]
        mouse_iri = vocab.individual(row, row["mouse"])
        builder.add(
            mouse_iri, ORTHOLOGOUS_TO, vocab.individual(row, row["human"]), source, annotations
        )
    for row in layer.absent:
        subject = vocab.individual(row, row["human"])
        builder.add(
            subject, MOUSE_ORTHOLOG_ABSENT, Literal(row["note"], lang="en"), vocab.source(row)
        )
    types = interaction_types(tbox)
    for row in layer.interactions:  # curated rows name known terms and an interaction type
        vocab.individual(row, row["ligand"]), vocab.individual(row, row["receptor"])
        if vocab.prop(row, row["type"]) not in types:
            raise row.error(f"type '{row['type']}' is not an interaction type")
    for found in species.mouse_interactions(layer, human, vocab.prop):
        ligand, receptor = vocab.individuals[found.ligand], vocab.individuals[found.receptor]
        if found.observed is not None:
            row = found.observed
            sources = tuple(vocab.source(row))
            evidence = interactions.check_evidence(row, vocab.evidence_uses, sources)
            tier = interactions.confidence_tier(vocab.evidence_uses[evidence], sources)
            graded = grade(vocab, evidence, tier, row["note"])
        else:
            sources = tuple(sorted({s for item in found.human for s in item.sources}))
            tier = min((item.tier for item in found.human), key=interactions.TIERS.index)
            graded = grade(vocab, ORTHOLOGY_INFERENCE, tier)
        for item in found.human:
            said = (item.ligand.iri, item.prop, item.receptor.iri)
            graded.append((INFERRED_FROM, Literal(" ".join(ns.curie(str(t)) for t in said))))
        add_graded(builder, ligand, found.prop, receptor, sources, graded)


def add_drug(builder: OntologyBuilder, vocab: Vocabulary, row: Row) -> None:
    """A recombinant cytokine drug, labelled by its INN, with its active ingredient."""
    iri = vocab.individuals[row["key"]]
    ingredient = vocab.individual(row, row["active_ingredient"])
    sources = vocab.source(row)
    builder.individual(
        iri,
        row["label"],
        # The drug's own name keeps two drugs of one cytokine (interferon beta-1a and -1b)
        # from sharing a definition (ROBOT's duplicate_definition is an ERROR).
        f"A recombinant cytokine drug ({row['label']}) whose active ingredient is a form of "
        f"{row['active_ingredient']}.",
        row.list("synonyms"),
    )
    builder.add(iri, RDF.type, vocab.classes["recombinant cytokine drug"], sources)
    builder.add(iri, HAS_ACTIVE_INGREDIENT, ingredient, sources)
    for curie in row.list("xrefs"):
        builder.add(iri, OIO.hasDbXref, Literal(curie))


def add_deprecated(builder: OntologyBuilder, vocab: Vocabulary, row: Row) -> None:
    """A retired term: same IRI, ``owl:deprecated true``, "obsolete" label, term replaced by."""
    iri = vocab.individuals[row["id"]]
    kinds = {"individual": OWL.NamedIndividual, "class": OWL.Class}
    if row["kind"] not in kinds:
        raise row.error(f"kind '{row['kind']}' must be one of: {', '.join(kinds)}")
    if not row["reason"]:
        raise row.error("column 'reason' is empty: say why the term was retired")
    label = row["label"]
    if not label.startswith(ns.OBSOLETE_PREFIX):
        label = ns.OBSOLETE_PREFIX + label
    builder.add(iri, RDF.type, kinds[row["kind"]])
    builder.add(iri, RDFS.label, Literal(label, lang="en"))
    builder.add(iri, DEFINITION, Literal(f"OBSOLETE. {row['reason']}", lang="en"))
    builder.add(iri, OWL.deprecated, Literal(True))
    if row["replaced_by"]:
        replacement = vocab.individuals.get(row["replaced_by"]) or curie_to_iri(row["replaced_by"])
        if replacement not in vocab.ids and (replacement, None, None) not in builder.graph:
            raise row.error(f"replaced_by '{row['replaced_by']}' is not a cytoowl term")
        builder.add(iri, URIRef(ns.TERM_REPLACED_BY), replacement)


#: Prefixes of the outside classes a relation row may point at as a *type* of thing: 'produced
#: by' a cell type means produced by some cell of that type, an OWL existential restriction
#: (RO's and CL's own pattern), never the class punned as one individual (issue 25).
EXISTENTIAL_PREFIXES = ("CL",)


def add_relation(builder: OntologyBuilder, vocab: Vocabulary, row: Row) -> None:
    """A sourced relation: to an individual as a property assertion, to an outside class (a CL
    cell type) as a class assertion with an existential restriction."""
    subject = vocab.individual(row, row["subject"])
    prop, value = vocab.prop(row, row["relation"]), vocab.value(row, row["object"])
    if row["object"].partition(":")[0] in EXISTENTIAL_PREFIXES:
        builder.add_existential(subject, prop, value, vocab.source(row))
    else:
        builder.add(subject, prop, value, vocab.source(row))


def add_definitions(builder: OntologyBuilder, vocab: Vocabulary) -> None:
    """Each gene product's and complex's definition, written from its facts with their sources
    as IAO:0000119 (build/definitions.py); drugs and retired terms keep their curated text."""
    by_iri = {term.iri: term.label for term in vocab.external.values()}

    def label(iri: URIRef) -> str:
        return str(builder.graph.value(iri, RDFS.label) or by_iri.get(iri) or ns.curie(str(iri)))

    described = [t for t in vocab.ids if (t, IN_TAXON, None) in builder.graph]
    for term, definition in definitions.definitions(builder.graph, described, label).items():
        sources = [(DEFINITION_SOURCE, Literal(s)) for s in definition.sources]
        builder.add(term, DEFINITION, Literal(definition.text, lang="en"), (), sources)


def add_cell_type_hierarchy(builder: OntologyBuilder, vocab: Vocabulary, path: Path) -> None:
    """CL's subclass axioms among the reference cell types (vendored from CL, see its README).

    With them HermiT decides that a cytokine produced by a T-helper 1 cell is produced by a
    lymphocyte (the defined class 'lymphokine'); CL itself is not imported.
    """
    for row in read_table(path, CL_HIERARCHY_COLUMNS):
        sub, sup = (vocab.value(row, row[column]) for column in ("sub", "super"))
        if not all(str(iri).startswith(str(OBO.CL_)) for iri in (sub, sup)):
            raise row.error(f"'{row['sub']}' subClassOf '{row['super']}': both must be CL terms")
        builder.graph.add((sub, RDFS.subClassOf, sup))


ANNOTATION_PROPERTIES = (
    DEFINITION,
    DEFINITION_SOURCE,
    URIRef(ns.TERM_REPLACED_BY),
    OIO.hasExactSynonym,
    OIO.hasBroadSynonym,
    OIO.hasRelatedSynonym,
    OIO.hasDbXref,
    OIO.source,
    SKOS.exactMatch,
    SKOS.broadMatch,
    SKOS.closeMatch,
    SKOS.notation,
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.license,
    DCTERMS.creator,
    FOAF.homepage,
)


def declare_external_terms(graph: Graph, vocab: Vocabulary) -> None:
    """Declare and label every external IRI the graph uses, so every entity is typed."""
    by_iri = {term.iri: (curie, term) for curie, term in vocab.external.items()}
    for prop in ANNOTATION_PROPERTIES:
        graph.add((prop, RDF.type, OWL.AnnotationProperty))
    used_as_value: set[URIRef] = set()
    used: set[URIRef] = set()
    for s, p, o in graph:
        for node in (s, p, o):
            if isinstance(node, URIRef) and node in by_iri:
                used.add(node)
        if (
            isinstance(o, URIRef)
            and o in by_iri
            and p != EVIDENCE_TYPE  # an annotation value, not an individual
            and p
            not in (
                RDF.type,
                RDFS.subClassOf,
                OWL.someValuesFrom,
                OWL.annotatedTarget,
                OWL.onProperty,
                RDFS.subPropertyOf,
                OWL.inverseOf,
            )
        ):
            used_as_value.add(o)
    for iri in sorted(used):
        _, term = by_iri[iri]
        if term.is_property:
            graph.add((iri, RDF.type, OWL.ObjectProperty))
        else:
            graph.add((iri, RDF.type, OWL.Class))
            if iri in used_as_value:
                # Punning: the class IRI is the value of an individual-level assertion (a
                # MONDO disease of 'is marker for'); cell types are restriction fillers instead.
                graph.add((iri, RDF.type, OWL.NamedIndividual))
        graph.add((iri, RDFS.label, Literal(term.label, lang="en")))
    undeclared = sorted(
        str(node)
        for s, p, o in graph
        for node in (s, o)
        if isinstance(node, URIRef)
        and str(node).startswith(str(OBO))
        and node not in by_iri
        and (node, RDF.type, None) not in graph
    )
    if undeclared:
        raise SourceError(
            Path("ontology/src/tbox"),
            0,
            f"reference to undefined external term(s): {', '.join(undeclared[:5])}",
        )


#: Cross-reference prefixes of TBox classes that name a corresponding class elsewhere.
CLASS_XREF_PREFIXES = ("InterPro",)


def add_class_mappings(graph: Graph) -> None:
    """A TBox class xref to an InterPro family is a ``skos:closeMatch`` (docs/mappings.md)."""
    for cls, xref in sorted(graph.subject_objects(OIO.hasDbXref)):
        prefix = str(xref).partition(":")[0]
        if prefix in CLASS_XREF_PREFIXES and (cls, RDF.type, OWL.Class) in graph:
            graph.add((cls, SKOS.closeMatch, URIRef(ns.expand(str(xref)))))


def normalised(label: str) -> str:
    """A label compared without case, hyphens or repeated spaces ('interleukin-2' = 'IL 2')."""
    return " ".join(label.lower().replace("-", " ").split())


def add_pr_mappings(graph: Graph, vocab: Vocabulary) -> None:
    """Lexical matches to the PR classes of the reference snapshot (species-generic proteins).

    A human gene product whose label or exact synonym equals a PR class label is narrower than
    that class (``skos:broadMatch``); a cytoowl class with the label of a PR class is a
    ``skos:closeMatch``. Only exact normalised labels match; PR family classes whose label no
    cytoowl term has are left unmapped.
    """
    pr = {
        normalised(term.label): term.iri
        for curie, term in sorted(vocab.external.items())
        if curie.startswith("PR:") and not term.obsolete
    }
    for term in sorted(vocab.ids):
        names = [*graph.objects(term, RDFS.label), *graph.objects(term, OIO.hasExactSynonym)]
        for target in sorted({pr[n] for n in map(normalised, map(str, names)) if n in pr}):
            graph.add((term, SKOS.broadMatch, target))
    for cls in sorted(set(graph.subjects(RDF.type, OWL.Class))):
        if not str(cls).startswith(ns.TERM_PREFIX):
            continue
        for label in graph.objects(cls, RDFS.label):
            if normalised(str(label)) in pr:
                graph.add((cls, SKOS.closeMatch, pr[normalised(str(label))]))


def stable_blank_nodes(graph: Graph) -> Graph:
    """Relabel blank nodes by a hash of their content so serialisations are byte-stable.

    rdflib's ``to_canonical_graph`` does this in general but took ~66 s on this ontology;
    here blank nodes are OWL trees (restrictions, lists, axioms), so a node's outgoing tree plus
    its incoming edge identifies it, which is linear to compute.
    """
    memo: dict[BNode, str] = {}

    def signature(node: BNode) -> str:
        if node not in memo:
            memo[node] = ""  # cycle guard (OWL blank-node structures are trees)
            parts = sorted(
                f"{p}={signature(o) if isinstance(o, BNode) else o.n3()}"
                for p, o in graph.predicate_objects(node)
            )
            memo[node] = hashlib.sha1("|".join(parts).encode()).hexdigest()
        return memo[node]

    def label(node: BNode) -> BNode:
        incoming = sorted(
            f"{s.n3()}|{p}" for s, p in graph.subject_predicates(node) if not isinstance(s, BNode)
        )
        return BNode(
            "b" + hashlib.sha1((signature(node) + "".join(incoming)).encode()).hexdigest()[:20]
        )

    mapping = {node: label(node) for node in set(graph.all_nodes()) if isinstance(node, BNode)}
    if len(set(mapping.values())) != len(mapping):
        raise ValueError("two blank nodes have identical content and context")
    stable = Graph()
    for prefix, namespace in graph.namespaces():
        stable.bind(prefix, namespace, override=True)
    for triple in sorted(tuple(mapping.get(n, n) for n in t) for t in graph):
        stable.add(triple)  # type: ignore[arg-type]
    return stable
