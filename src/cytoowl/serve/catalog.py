"""A read-only snapshot of the ontology's terms, taken once at start-up through the Store.

Search, the hierarchy API, the class tree and the diagrams all read this snapshot instead of
querying per request: the release never changes while a server runs, so a request costs a
dictionary lookup, and the snapshot is taken with paged ``SELECT``\\s through
:class:`cytoowl.serve.store.Store`, so it works the same over an embedded or a remote store.
What it holds is bounded (``MAX_ROWS`` rows in all); past that it keeps what it read and logs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from cytoowl import vocab
from cytoowl.serve.store import Store, StoreError

log = logging.getLogger("cytoowl.catalog")

RDF_TYPE = vocab.RDF + "type"
SUBCLASS = vocab.RDFS + "subClassOf"
SUBPROPERTY = vocab.RDFS + "subPropertyOf"
LABEL = vocab.RDFS + "label"
HAS_PART = vocab.OBO + "BFO_0000051"
#: The release's ``binds receptor``; a store without it is searched by that label (the key
#: the build resolves relation names by), so fixtures and other datasets work too.
BINDS_RECEPTOR = vocab.TERM_PREFIX + "0000100"
BINDS_RECEPTOR_LABEL = "binds receptor"
#: The release's class of receptor complexes (a term with parts that a ligand binds is one too).
RECEPTOR_COMPLEX = vocab.TERM_PREFIX + "0000032"

SYNONYM_SCOPES = {
    vocab.OIO + "hasExactSynonym": "exact",
    vocab.OIO + "hasRelatedSynonym": "related",
    vocab.OIO + "hasBroadSynonym": "broad",
    vocab.OIO + "hasNarrowSynonym": "narrow",
}
XREF = vocab.OIO + "hasDbXref"
EXACT_MATCH = vocab.SKOS + "exactMatch"
KINDS = {
    vocab.OWL + "Class": "class",
    vocab.OWL + "NamedIndividual": "individual",
    vocab.OWL + "ObjectProperty": "property",
    vocab.OWL + "DatatypeProperty": "property",
    vocab.OWL + "AnnotationProperty": "property",
}
#: Which kind names a term that has several (MONDO terms are punned class + individual).
KIND_ORDER = ("class", "property", "individual")
MAX_ROWS = 2_000_000
TOO_LARGE = 507  # the store's answer-size cap (StoreError status)
PAGE = 10_000


@dataclass
class Term:
    """What the browse features know of one term."""

    iri: str
    kinds: set[str] = field(default_factory=set)
    label: str | None = None
    definition: str | None = None
    synonyms: list[tuple[str, str]] = field(default_factory=list)  # (text, scope)
    xrefs: list[str] = field(default_factory=list)  # CURIEs as written (hasDbXref)
    matches: list[str] = field(default_factory=list)  # skos:exactMatch IRIs

    @property
    def kind(self) -> str:
        return next((k for k in KIND_ORDER if k in self.kinds), "individual")

    @property
    def id(self) -> str:
        return vocab.curie(self.iri)

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass
class Catalog:
    """Terms and the edges between them (named nodes only)."""

    terms: dict[str, Term] = field(default_factory=dict)
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    parts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: ligand -> [(property, receptor)] for ``binds receptor`` and its sub-properties.
    binds: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    bound_by: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    binding_properties: list[str] = field(default_factory=list)
    truncated: bool = False

    def get(self, iri: str) -> Term | None:
        return self.terms.get(iri)

    def name(self, iri: str) -> str:
        term = self.terms.get(iri)
        return term.name if term else vocab.curie(iri)

    def add_edge(self, child: str, parent: str) -> None:
        self.parents[child].add(parent)
        self.children[parent].add(child)

    def add_type(self, individual: str, cls: str) -> None:
        self.types[individual].add(cls)
        self.members[cls].add(individual)


_PREFIXES = "\n".join(
    f"PREFIX {p}: <{vocab.PREFIX_MAP[p]}>" for p in ("rdf", "rdfs", "owl", "oboInOwl", "skos")
)
_KIND_QUERY = (
    """SELECT ?s ?o WHERE {{ VALUES ?o {{ {kinds} }} ?s rdf:type ?o FILTER(isIRI(?s)) }}"""
)
_TEXT_QUERY = """SELECT ?s ?p ?o WHERE {{
  VALUES ?p {{ {props} }} ?s ?p ?o FILTER(isIRI(?s)) }}"""
#: ``C owl:equivalentClass [owl:intersectionOf (A …)]`` makes A a superclass of C (the release
#: materialises inferred types of individuals, not the subclass axioms of defined classes).
_DEFINED_QUERY = """SELECT ?s ?o WHERE {
  ?s owl:equivalentClass/owl:intersectionOf/rdf:rest*/rdf:first ?o
  FILTER(isIRI(?s) && isIRI(?o)) }"""
_EDGE_QUERY = """SELECT ?s ?p ?o WHERE {{
  VALUES ?p {{ {props} }} ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) }}"""


def _iris(*iris: str) -> str:
    return " ".join(f"<{i}>" for i in iris)


class _Reader:
    """Paged SELECTs (ORDER BY makes pages stable; each page is under the row cap)."""

    def __init__(self, store: Store, timeout: float) -> None:
        self.store, self.timeout = store, timeout
        self.page = max(1, min(PAGE, store.settings.row_limit))
        self.rows = 0
        self.truncated = False

    async def rows_of(self, query: str, order: str) -> list:
        out: list = []
        offset = 0
        while self.rows < MAX_ROWS:
            text = f"{_PREFIXES}\n{query} ORDER BY {order} LIMIT {self.page} OFFSET {offset}"
            try:
                batch = await self.store.select(text, self.timeout)
            except StoreError as e:
                if e.status != TOO_LARGE:
                    raise
                if self.page > 1:  # the answer-size cap: smaller pages until they fit
                    self.page //= 2
                    continue
                log.warning("catalog: skipped a row larger than the answer cap at %d", offset)
                self.truncated = True
                offset += 1
                continue
            if not batch:  # a remote store may cap pages below ours: stop only when empty
                return out
            out += batch
            self.rows += len(batch)
            offset += len(batch)
        self.truncated = True
        log.warning(
            "catalog: stopped after %d rows; search and browse see part of the data", MAX_ROWS
        )
        return out


async def load(store: Store, timeout: float = 300) -> Catalog:
    """Read the terms, their texts and their edges from the store."""
    reader = _Reader(store, timeout)
    catalog = Catalog()
    for row in await reader.rows_of(_KIND_QUERY.format(kinds=_iris(*KINDS)), "?s ?o"):
        iri = row["s"].value
        catalog.terms.setdefault(iri, Term(iri)).kinds.add(KINDS[row["o"].value])
    texts = [LABEL, vocab.DEFINITION, XREF, EXACT_MATCH, *SYNONYM_SCOPES]
    for row in await reader.rows_of(_TEXT_QUERY.format(props=_iris(*texts)), "?s ?p ?o"):
        term = catalog.terms.get(row["s"].value)
        if term is not None:
            _add_text(term, row["p"].value, row["o"])
    edges = [SUBCLASS, SUBPROPERTY, RDF_TYPE, HAS_PART]
    for row in await reader.rows_of(_EDGE_QUERY.format(props=_iris(*edges)), "?s ?p ?o"):
        _add_edge(catalog, row["s"].value, row["p"].value, row["o"].value)
    for row in await reader.rows_of(_DEFINED_QUERY, "?s ?o"):
        _add_edge(catalog, row["s"].value, SUBCLASS, row["o"].value)
    catalog.binding_properties = _binding_properties(catalog)
    if catalog.binding_properties:
        query = _EDGE_QUERY.format(props=_iris(*catalog.binding_properties))
        for row in await reader.rows_of(query, "?s ?p ?o"):
            s, p, o = (row[v].value for v in "spo")
            catalog.binds[s].append((p, o))
            catalog.bound_by[o].append((p, s))
    for parts in catalog.parts.values():
        parts.sort(key=lambda iri: catalog.name(iri).lower())
    catalog.truncated = reader.truncated
    return catalog


def _add_text(term: Term, prop: str, value: object) -> None:
    if isinstance(value, NamedNode):
        if prop == EXACT_MATCH:
            term.matches.append(value.value)
        return
    if not isinstance(value, Literal):
        return
    if prop == LABEL:
        term.label = term.label or value.value
    elif prop == vocab.DEFINITION:
        term.definition = term.definition or value.value
    elif prop == XREF:
        term.xrefs.append(value.value)
    elif prop in SYNONYM_SCOPES:
        term.synonyms.append((value.value, SYNONYM_SCOPES[prop]))


def _add_edge(catalog: Catalog, s: str, p: str, o: str) -> None:
    if p in (SUBCLASS, SUBPROPERTY):
        if s != o:
            catalog.add_edge(s, o)
    elif p == RDF_TYPE:
        if o not in KINDS and not o.startswith(vocab.OWL):
            catalog.add_type(s, o)
    elif p == HAS_PART:
        catalog.parts[s].append(o)


def _binding_properties(catalog: Catalog) -> list[str]:
    """``binds receptor`` and every property below it (interactions other issues add)."""
    root = BINDS_RECEPTOR if "property" in _kinds(catalog, BINDS_RECEPTOR) else None
    if root is None:
        root = next(
            (
                t.iri
                for t in catalog.terms.values()
                if t.kind == "property" and t.label == BINDS_RECEPTOR_LABEL
            ),
            None,
        )
    if root is None:
        return []
    found, pending = [root], [root]
    while pending:
        for child in sorted(catalog.children.get(pending.pop(), ())):
            if child not in found and "property" in _kinds(catalog, child):
                found.append(child)
                pending.append(child)
    return found


def _kinds(catalog: Catalog, iri: str) -> set[str]:
    term = catalog.terms.get(iri)
    return term.kinds if term else set()
