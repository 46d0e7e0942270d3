"""What the linked-data pages show: a term's facts, gathered with bounded lookups.

Every lookup goes through :meth:`cytoowl.serve.store.Store.triples` with a fixed cap, so a page
costs a bounded number of index scans whatever the term, and a hub class with many
instances or children shows the first ``SECTION_LIMIT`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from cytoowl import vocab
from cytoowl.serve.store import Store

OWL = vocab.OWL
RDF = vocab.RDF
RDFS = vocab.RDFS
OIO = vocab.OIO
SKOS = vocab.SKOS
DEFINITION = vocab.DEFINITION
SECTION_LIMIT = 500
TERM_TRIPLE_LIMIT = 5_000

# Prefix bindings of the RDF the server writes (term pages, CONSTRUCT answers).
PREFIXES = vocab.bindings(*vocab.ANSWER_BINDINGS)
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


curie = vocab.curie


def local_href(iri: str) -> str:
    """Links to cytoowl terms stay on this server; other IRIs link out."""
    return "/" + iri[len(vocab.BASE_IRI) :] if iri.startswith(vocab.TERM_PREFIX) else iri


@dataclass
class Link:
    iri: str
    label: str
    href: str


@dataclass
class Relation:
    prop: Link
    target: Link


@dataclass
class TermPage:
    iri: str
    curie: str
    label: str | None = None
    definition: str | None = None
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    xrefs: list[Link] = field(default_factory=list)
    kinds: list[Link] = field(default_factory=list)
    parents: list[Link] = field(default_factory=list)
    children: list[Link] = field(default_factory=list)
    instances: list[Link] = field(default_factory=list)
    relations_out: list[Relation] = field(default_factory=list)
    relations_in: list[Relation] = field(default_factory=list)
    annotations: list[tuple[Link, str]] = field(default_factory=list)


class _Labels:
    """Looks labels up once per page."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[str, str] = {}

    async def link(self, iri: str) -> Link:
        if iri not in self.cache:
            found = await self.store.triples(NamedNode(iri), NamedNode(RDFS + "label"), None, 1)
            self.cache[iri] = found[0].object.value if found else curie(iri)
        return Link(iri, self.cache[iri], local_href(iri))


def _xref(value: str) -> Link:
    expanded = vocab.CONVERTER.expand(value) if ":" in value else None
    return Link(value, value, expanded or "")


async def _restriction(store: Store, node: BlankNode, labels: _Labels) -> Relation | None:
    """``subClassOf [owl:onProperty P; owl:someValuesFrom|hasValue|allValuesFrom C]``."""
    facts = {t.predicate.value: t.object for t in await store.triples(node, None, None, 20)}
    prop = facts.get(OWL + "onProperty")
    fillers = (OWL + k for k in ("someValuesFrom", "hasValue", "allValuesFrom"))
    filler = next((facts[k] for k in fillers if k in facts), None)
    if isinstance(prop, NamedNode) and isinstance(filler, NamedNode):
        return Relation(await labels.link(prop.value), await labels.link(filler.value))
    return None


async def term_page(store: Store, iri: str) -> TermPage | None:
    """The facts of a term, or None if the store knows nothing about it."""
    node = NamedNode(iri)
    outgoing = await store.triples(node, None, None, TERM_TRIPLE_LIMIT)
    if not outgoing:
        return None
    labels = _Labels(store)
    page = TermPage(iri, curie(iri))
    for triple in outgoing:
        await _place(store, page, triple, labels)
    page.synonyms.sort()
    for prop, section in (
        (RDFS + "subClassOf", page.children),
        (RDFS + "subPropertyOf", page.children),
        (RDF + "type", page.instances),
    ):
        for t in await store.triples(None, NamedNode(prop), node, SECTION_LIMIT):
            if isinstance(t.subject, NamedNode):
                section.append(await labels.link(t.subject.value))
    for t in await store.triples(None, None, node, SECTION_LIMIT):
        if t.predicate.value not in _SHOWN and isinstance(t.subject, NamedNode):
            page.relations_in.append(
                Relation(await labels.link(t.predicate.value), await labels.link(t.subject.value))
            )
    for section in (page.children, page.instances, page.parents, page.kinds):
        section.sort(key=lambda link: link.label.lower())
    return page


async def _place(store: Store, page: TermPage, triple: Triple, labels: _Labels) -> None:
    """Put one outgoing triple into its section of the page."""
    p, o = triple.predicate.value, triple.object
    if p == RDFS + "label" and isinstance(o, Literal):
        page.label = page.label or o.value
    elif p == DEFINITION and isinstance(o, Literal):
        page.definition = o.value
    elif p in SYNONYMS and isinstance(o, Literal):
        page.synonyms.append((o.value, SYNONYMS[p]))
    elif p == OIO + "hasDbXref" and isinstance(o, Literal):
        page.xrefs.append(_xref(o.value))
    elif p.startswith(SKOS) and p.endswith("Match") and isinstance(o, NamedNode):
        page.xrefs.append(Link(o.value, o.value, o.value))
    elif p == RDF + "type" and isinstance(o, NamedNode):
        target = page.kinds if o.value.startswith(OWL) else page.parents
        target.append(await labels.link(o.value))
    elif p in (RDFS + "subClassOf", RDFS + "subPropertyOf"):
        if isinstance(o, NamedNode):
            page.parents.append(await labels.link(o.value))
        elif isinstance(o, BlankNode) and (found := await _restriction(store, o, labels)):
            page.relations_out.append(found)
    elif isinstance(o, NamedNode):
        page.relations_out.append(Relation(await labels.link(p), await labels.link(o.value)))
    elif isinstance(o, Literal):
        page.annotations.append((await labels.link(p), o.value))


async def term_triples(store: Store, iri: str) -> list[Triple]:
    """The term's concise bounded description plus its axiom annotations (sources)."""
    node = NamedNode(iri)
    out = await store.triples(node, None, None, TERM_TRIPLE_LIMIT)
    axioms = await store.triples(None, NamedNode(OWL + "annotatedSource"), node, SECTION_LIMIT)
    pending: list[Any] = [o for t in out if isinstance(o := t.object, BlankNode)]
    pending += [t.subject for t in axioms if isinstance(t.subject, BlankNode)]
    seen: set[Any] = set()
    while pending and len(out) < TERM_TRIPLE_LIMIT:
        blank = pending.pop()
        if blank in seen:
            continue
        seen.add(blank)
        found = await store.triples(blank, None, None, TERM_TRIPLE_LIMIT - len(out))
        out += found
        pending += [o for t in found if isinstance(o := t.object, BlankNode)]
    return out


def serialize_triples(triples: list[Triple], syntax: RdfFormat) -> bytes:
    return serialize(triples, format=syntax, prefixes=PREFIXES) or b""
