"""What the linked-data pages show: a term's facts and their evidence, with bounded lookups.

Every lookup goes through :meth:`cytoowl.serve.store.base.Store.triples` with a fixed cap, so a page
costs a bounded number of index scans whatever the term, and a hub class with many
instances or children shows the first ``SECTION_LIMIT`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from cytoowl import vocab
from cytoowl.serve.browse.hierarchy import page_href
from cytoowl.serve.protocol import ANSWER_PREFIXES
from cytoowl.serve.store.base import Store

OWL = vocab.OWL
RDF = vocab.RDF
RDFS = vocab.RDFS
OIO = vocab.OIO
SKOS = vocab.SKOS
DEFINITION = vocab.DEFINITION
SECTION_LIMIT = 500
TERM_TRIPLE_LIMIT = 5_000

SYNONYMS = {
    OIO + "hasExactSynonym": "exact",
    OIO + "hasRelatedSynonym": "related",
    OIO + "hasBroadSynonym": "broad",
    OIO + "hasNarrowSynonym": "narrow",
}
_SHOWN = {
    RDFS + "label",
    DEFINITION,
    OIO + "hasDbXref",
    RDF + "type",
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    *SYNONYMS,
}


#: SKOS mapping predicates (local names) -> how a page names the match.
MATCHES = {
    "exactMatch": "exact match",
    "closeMatch": "close match",
    "broadMatch": "broad match",
    "narrowMatch": "narrow match",
    "relatedMatch": "related match",
}
SOURCE = OIO + "source"
#: The triples that make an owl:Axiom what it is, not what it says about its statement.
AXIOM_STRUCTURE = {
    RDF + "type",
    OWL + "annotatedSource",
    OWL + "annotatedProperty",
    OWL + "annotatedTarget",
}

curie = vocab.curie


@dataclass
class Link:
    iri: str
    label: str
    href: str


@dataclass
class Evidence:
    """What the release says about one statement (an ``owl:Axiom`` annotating it)."""

    sources: list[Link] = field(default_factory=list)  # oboInOwl:source, linked when known
    # other annotations: a literal as text, an IRI (an ECO evidence class) as a labelled link
    notes: list[tuple[Link, Link]] = field(default_factory=list)


@dataclass
class Relation:
    prop: Link
    target: Link
    evidence: Evidence | None = None


@dataclass
class Annotation:
    prop: Link
    value: str
    evidence: Evidence | None = None


@dataclass
class TermPage:
    iri: str
    curie: str
    label: str | None = None
    definition: str | None = None
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    xrefs: list[Link] = field(default_factory=list)
    mappings: list[Relation] = field(default_factory=list)  # SKOS matches, with their kind
    kinds: list[Link] = field(default_factory=list)
    parents: list[Relation] = field(default_factory=list)  # rdf:type / rdfs:subClassOf
    children: list[Link] = field(default_factory=list)
    instances: list[Link] = field(default_factory=list)
    relations_out: list[Relation] = field(default_factory=list)
    relations_in: list[Relation] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)


class _Labels:
    """Collects the links of a page, then labels them all at once (one batched lookup)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.links: list[Link] = []

    def link(self, iri: str) -> Link:
        made = Link(iri, curie(iri), page_href(iri))
        self.links.append(made)
        return made

    async def resolve(self) -> None:
        found = await self.store.labels([link.iri for link in self.links])
        for link in self.links:
            link.label = found.get(link.iri, link.label)


def _xref(value: str) -> Link:
    expanded = vocab.CONVERTER.expand(value) if ":" in value else None
    return Link(value, value, page_href(expanded) if expanded else "")


def _evidence(
    blanks: dict[BlankNode, list[Triple]], node: NamedNode, labels: _Labels
) -> dict[tuple[str, str], Evidence]:
    """The axiom annotations on the term's statements, by (property IRI, target value)."""
    found: dict[tuple[str, str], Evidence] = {}
    for triples in blanks.values():
        facts = {t.predicate.value: t.object for t in triples}
        prop, target = facts.get(OWL + "annotatedProperty"), facts.get(OWL + "annotatedTarget")
        if facts.get(OWL + "annotatedSource") != node or not isinstance(prop, NamedNode):
            continue
        if not isinstance(target, NamedNode | Literal):
            continue  # annotations on a restriction are not shown
        evidence = found.setdefault((prop.value, target.value), Evidence())
        for t in triples:
            p, o = t.predicate.value, t.object
            if p == SOURCE and isinstance(o, Literal):
                evidence.sources.append(_xref(o.value))
            elif isinstance(o, Literal):
                name = Link(p, "note", "") if p == RDFS + "comment" else labels.link(p)
                evidence.notes.append((name, Link(o.value, o.value, "")))
            elif isinstance(o, NamedNode) and p not in AXIOM_STRUCTURE:
                evidence.notes.append((labels.link(p), labels.link(o.value)))
    for evidence in found.values():
        evidence.sources.sort(key=lambda link: link.label)
    return found


def _restriction(
    blanks: dict[BlankNode, list[Triple]], node: BlankNode, labels: _Labels
) -> Relation | None:
    """``subClassOf [owl:onProperty P; owl:someValuesFrom|hasValue|allValuesFrom C]``."""
    facts = {t.predicate.value: t.object for t in blanks.get(node, [])}
    prop = facts.get(OWL + "onProperty")
    fillers = (OWL + k for k in ("someValuesFrom", "hasValue", "allValuesFrom"))
    filler = next((facts[k] for k in fillers if k in facts), None)
    if isinstance(prop, NamedNode) and isinstance(filler, NamedNode):
        return Relation(labels.link(prop.value), labels.link(filler.value))
    return None


async def term_page(store: Store, iri: str) -> TermPage | None:
    """The facts of a term, or None if the store knows nothing about it.

    A fixed number of store calls whatever the term: its description (with blank nodes),
    four capped incoming lookups, and one batched label lookup.
    """
    node = NamedNode(iri)
    described = await store.describe(node, TERM_TRIPLE_LIMIT)
    outgoing = [t for t in described if t.subject == node]
    if not outgoing:
        return None
    blanks: dict[BlankNode, list[Triple]] = {}
    for t in described:
        if isinstance(t.subject, BlankNode):
            blanks.setdefault(t.subject, []).append(t)
    labels = _Labels(store)
    page = TermPage(iri, curie(iri))
    evidence = _evidence(blanks, node, labels)
    for triple in outgoing:
        _place(blanks, page, triple, labels, evidence)
    page.relations_out = _without_implied_bindings(page.relations_out)
    page.synonyms.sort()
    for prop, section in (
        (RDFS + "subClassOf", page.children),
        (RDFS + "subPropertyOf", page.children),
        (RDF + "type", page.instances),
    ):
        for t in await store.triples(None, NamedNode(prop), node, SECTION_LIMIT):
            if isinstance(t.subject, NamedNode):
                section.append(labels.link(t.subject.value))
    for t in await store.triples(None, None, node, SECTION_LIMIT):
        if t.predicate.value not in _SHOWN and isinstance(t.subject, NamedNode):
            page.relations_in.append(
                Relation(labels.link(t.predicate.value), labels.link(t.subject.value))
            )
    await labels.resolve()
    for section in (page.children, page.instances, page.kinds):
        section.sort(key=lambda link: link.label.lower())
    page.parents.sort(key=lambda relation: relation.target.label.lower())
    page.mappings.sort(key=lambda relation: (relation.prop.label, relation.target.label))
    return page


def _without_implied_bindings(relations: list[Relation]) -> list[Relation]:
    """Drop 'binds receptor' to a target that a typed interaction (agonist, decoy ...) names:
    the release asserts both so that reasoning works from either, a reader needs it once."""
    typed = {r.target.iri for r in relations if r.prop.iri != vocab.BINDS_RECEPTOR}
    return [r for r in relations if r.prop.iri != vocab.BINDS_RECEPTOR or r.target.iri not in typed]


def _place(
    blanks: dict[BlankNode, list[Triple]],
    page: TermPage,
    triple: Triple,
    labels: _Labels,
    evidence: dict[tuple[str, str], Evidence],
) -> None:
    """Put one outgoing triple into its section of the page, with its evidence."""
    p, o = triple.predicate.value, triple.object
    why = evidence.get((p, o.value)) if isinstance(o, NamedNode | Literal) else None
    if p == RDFS + "label" and isinstance(o, Literal):
        page.label = page.label or o.value
    elif p == DEFINITION and isinstance(o, Literal):
        page.definition = o.value
    elif p in SYNONYMS and isinstance(o, Literal):
        page.synonyms.append((o.value, SYNONYMS[p]))
    elif p == OIO + "hasDbXref" and isinstance(o, Literal):
        page.xrefs.append(_xref(o.value))
    elif p.startswith(SKOS) and p[len(SKOS) :] in MATCHES and isinstance(o, NamedNode):
        kind = Link(p, MATCHES[p[len(SKOS) :]], p)
        page.mappings.append(Relation(kind, Link(o.value, curie(o.value), page_href(o.value)), why))
    elif p == RDF + "type" and isinstance(o, NamedNode) and o.value.startswith(OWL):
        page.kinds.append(labels.link(o.value))
    elif p in (RDF + "type", RDFS + "subClassOf", RDFS + "subPropertyOf"):
        if isinstance(o, NamedNode):
            page.parents.append(Relation(labels.link(p), labels.link(o.value), why))
        elif isinstance(o, BlankNode) and (found := _restriction(blanks, o, labels)):
            page.relations_out.append(found)
    elif isinstance(o, NamedNode):
        page.relations_out.append(Relation(labels.link(p), labels.link(o.value), why))
    elif isinstance(o, Literal):
        page.annotations.append(Annotation(labels.link(p), o.value, why))


async def term_triples(store: Store, iri: str) -> list[Triple]:
    """The term's concise bounded description plus its axiom annotations (sources)."""
    return await store.describe(NamedNode(iri), TERM_TRIPLE_LIMIT)


def serialize_triples(triples: list[Triple], syntax: RdfFormat) -> bytes:
    return serialize(triples, format=syntax, prefixes=ANSWER_PREFIXES) or b""
