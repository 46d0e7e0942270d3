"""Definitions of the individuals, written by the build from their asserted facts (issue 25).

A definition is a genus-differentia sentence: the most specific structural class (the genus),
then what the graph says about the term — other classes it is sorted into, the receptors it
signals through (or the ligands it binds), its chains, the cells that produce it, the diseases it
is a marker for — and the gene it is the product of, which keeps every definition unique. The
sources of the facts used go on the definition as ``IAO:0000119`` (definition source) axiom
annotations, so a definition never drifts from the facts and says where they come from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from cytoowl import vocab as ns

OBO = Namespace(ns.OBO)
OIO = Namespace(ns.OIO)
CYTO = Namespace(ns.TERM_PREFIX)
DEFINITION = OBO.IAO_0000115
DEFINITION_SOURCE = OBO.IAO_0000119
IN_TAXON = URIRef(ns.IN_TAXON)
HUMAN, MOUSE = OBO.NCBITaxon_9606, OBO.NCBITaxon_10090
HAS_PART = URIRef(ns.HAS_PART)
PRODUCED_BY = OBO.RO_0003001
IS_AGONIST_OF = OBO.RO_0018027
BINDS_RECEPTOR = URIRef(ns.BINDS_RECEPTOR)
ORTHOLOGOUS_TO = OBO.RO_HOM0000017
#: Disease links and the phrase a definition uses for them.
CONDITION_LINKS = {
    OBO.RO_0002607: "a reported marker of",
    OBO.RO_0003302: "reported to contribute to",
}
#: Classes that sort terms by role, not structure: never the genus, listed as 'classed as'.
ROLE_CLASSES = {CYTO[n] for n in ("0000017", "0000018", "0000019", "0000020", "0000026")} | {
    CYTO[n] for n in ("0000027", "0000060", "0000061", "0000062", "0000082", "0000083")
}
#: At most this many receptors, ligands or cells are named; the rest are counted.
NAMED = 3
NAMED_CELLS = 6

Labeller = Callable[[URIRef], str]


@dataclass(frozen=True)
class Definition:
    """A generated definition and the sources of the facts it states."""

    text: str
    sources: tuple[str, ...]


class Facts:
    """Read-only views of the assembled graph that definitions are written from."""

    def __init__(self, graph: Graph, label: Labeller) -> None:
        self.graph = graph
        self.label = label
        self.axiom_sources: dict[tuple[object, object, object], set[str]] = {}
        for axiom in graph.subjects(RDF.type, OWL.Axiom):
            key = (
                graph.value(axiom, OWL.annotatedSource),
                graph.value(axiom, OWL.annotatedProperty),
                graph.value(axiom, OWL.annotatedTarget),
            )
            found = self.axiom_sources.setdefault(key, set())
            found.update(str(s) for s in graph.objects(axiom, OIO.source))

    def sources(self, s: object, p: object, o: object) -> set[str]:
        return self.axiom_sources.get((s, p, o), set())

    def classes(self, term: URIRef) -> list[URIRef]:
        """The term's most specific asserted cytoowl classes (none is a superclass of another)."""
        told = {t for t in self.graph.objects(term, RDF.type) if str(t).startswith(str(CYTO))}
        above = {
            a
            for t in told
            for a in self.graph.transitive_objects(t, RDFS.subClassOf)
            if a != t  # type: ignore[comparison-overlap]
        }
        return sorted((t for t in told - above), key=self.label)  # type: ignore[arg-type]

    def cells(self, term: URIRef) -> list[tuple[URIRef, object]]:
        """(cell type, restriction) of each 'produced by some' class assertion."""
        out = []
        for restriction in self.graph.objects(term, RDF.type):
            if self.graph.value(restriction, OWL.onProperty) == PRODUCED_BY:
                cell = self.graph.value(restriction, OWL.someValuesFrom)
                if isinstance(cell, URIRef):
                    out.append((cell, restriction))
        return sorted(out, key=lambda pair: self.label(pair[0]).lower())


def plural(name: str) -> str:
    """'T-helper 1 cell' -> 'T-helper 1 cells', 'macrophage' -> 'macrophages'."""
    return name if name.endswith("s") else name + "s"


def listed(names: list[str], noun: str = "others", named: int = NAMED) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c and 4 others' (at most ``named`` named)."""
    if len(names) > named + 1:
        names = [*names[:named], f"{len(names) - named} {noun}"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def article(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def describe(facts: Facts, term: URIRef) -> Definition:
    """The definition of one gene product or complex from the facts the graph asserts."""
    species = "mouse" if facts.graph.value(term, IN_TAXON) == MOUSE else "human"
    used: set[str] = set()
    clauses = [_genus(facts, term, species, used)]
    for differentia in (_parts, _receptors, _ligands, _wholes, _cells, _conditions):
        clauses += differentia(facts, term, used)
    origin = _origin(facts, term, species, used)
    text = _sentence(clauses) + (f"; {origin}." if origin else ".")
    return Definition(text[0].upper() + text[1:], tuple(sorted(used)))


def _genus(facts: Facts, term: URIRef, species: str, used: set[str]) -> str:
    """'a long-chain four-alpha-helix cytokine (an interleukin and a type 2 cytokine)'."""
    label = facts.label
    classes = facts.classes(term)
    structural = [c for c in classes if c not in ROLE_CLASSES]
    roles = [c for c in classes if c in ROLE_CLASSES]
    for cls in classes:
        used |= facts.sources(term, RDF.type, cls)
    genus = label(structural[0]) if structural else "cytokine-related gene product"
    is_complex = (term, HAS_PART, None) in facts.graph
    head = article(f"{species} {genus}" if is_complex else genus)
    also = [article(label(c)) for c in structural[1:]]
    kinds = ([f"also {listed(also)}"] if also else []) + [article(label(c)) for c in roles]
    return head + (f" ({listed(kinds)})" if kinds else "")


def _symbol(facts: Facts, term: URIRef) -> str:
    return str(facts.graph.value(term, SKOS.notation) or facts.label(term))


def _parts(facts: Facts, term: URIRef, used: set[str]) -> list[str]:
    parts = sorted(facts.graph.objects(term, HAS_PART), key=facts.label)  # type: ignore[arg-type]
    used |= {s for p in parts for s in facts.sources(term, HAS_PART, p)}
    return [f"made of {' + '.join(_symbol(facts, p) for p in parts)}"] if parts else []  # type: ignore[arg-type]


def _receptors(facts: Facts, term: URIRef, used: set[str]) -> list[str]:
    """The receptors a ligand is an agonist of (else those it binds)."""
    prop = IS_AGONIST_OF if (term, IS_AGONIST_OF, None) in facts.graph else BINDS_RECEPTOR
    receptors = sorted(facts.graph.objects(term, prop))
    used |= {s for r in receptors for s in facts.sources(term, prop, r)}
    if not receptors:
        return []
    names = sorted(facts.label(r) for r in receptors)  # type: ignore[arg-type]
    return ["that signals through the " + listed(names, "other receptors")]


def _ligands(facts: Facts, term: URIRef, used: set[str]) -> list[str]:
    ligands = sorted(set(facts.graph.subjects(BINDS_RECEPTOR, term)), key=facts.label)  # type: ignore[arg-type]
    used |= {s for x in ligands for s in facts.sources(x, BINDS_RECEPTOR, term)}
    names = [_symbol(facts, x) for x in ligands]  # type: ignore[arg-type]
    return [f"that binds {listed(names, 'other ligands')}"] if ligands else []


def _wholes(facts: Facts, term: URIRef, used: set[str]) -> list[str]:
    wholes = sorted(set(facts.graph.subjects(HAS_PART, term)), key=facts.label)  # type: ignore[arg-type]
    names = [facts.label(w) for w in wholes]  # type: ignore[arg-type]
    return [f"a component of the {listed(names)}"] if wholes else []


def _cells(facts: Facts, term: URIRef, used: set[str]) -> list[str]:
    cells = facts.cells(term)
    used |= {s for _, r in cells for s in facts.sources(term, RDF.type, r)}
    names = [plural(facts.label(c)) for c, _ in cells]
    return [f"produced by {listed(names, 'other cell types', NAMED_CELLS)}"] if cells else []


def _conditions(facts: Facts, term: URIRef, used: set[str]) -> list[str]:
    out = []
    for prop, phrase in CONDITION_LINKS.items():
        conditions = sorted(facts.graph.objects(term, prop), key=facts.label)  # type: ignore[arg-type]
        used |= {s for c in conditions for s in facts.sources(term, prop, c)}
        if conditions:
            out.append(f"{phrase} {listed([facts.label(c) for c in conditions])}")  # type: ignore[arg-type]
    return out


def _sentence(clauses: list[str]) -> str:
    """The genus, then the differentiae: the first directly, the others after commas."""
    head, rest = clauses[0], clauses[1:]
    if rest and rest[0].startswith(("that ", "made of ")):
        head, rest = f"{head} {rest[0]}", rest[1:]
    return head + "".join(", " + c for c in rest)


def _origin(facts: Facts, term: URIRef, species: str, used: set[str]) -> str:
    """What the term is the product of: its gene (with its record) or its orthologs."""
    g = facts.graph
    symbol = g.value(term, SKOS.notation)
    xrefs = sorted(str(x) for x in g.objects(term, OIO.hasDbXref))
    record = next(
        (x for x in xrefs if x.startswith(("HGNC:", "MGI:"))), xrefs[0] if xrefs else None
    )
    if symbol is None or record is None:
        return ""  # a complex: its species and chains are in the sentence
    used.add(record)
    # "gene SYMBOL (record)": term pages take the symbol the definition names as the short name
    origin = f"product of the {species} gene {symbol} ({record})"
    if species == "mouse":
        orthologs = sorted(str(g.value(h, SKOS.notation)) for h in g.objects(term, ORTHOLOGOUS_TO))
        origin += (
            f", ortholog of human {listed(orthologs)}" if orthologs else ", with no human ortholog"
        )
    return origin


def definitions(graph: Graph, terms: Iterable[URIRef], label: Labeller) -> dict[URIRef, Definition]:
    """The definition of each term, written from the facts ``graph`` asserts about it."""
    facts = Facts(graph, label)
    return {term: describe(facts, term) for term in sorted(terms)}
