"""The catalog of search and browse as the pages use it: the :class:`Browser` (catalog,
hierarchy, search index), the class tree, and what a term page adds (ancestor paths,
diagrams).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from cytoowl import vocab
from cytoowl.serve.browse import diagrams, hierarchy, search
from cytoowl.serve.browse.catalog import Catalog, Term
from cytoowl.serve.browse.hierarchy import Hierarchy, page_href
from cytoowl.serve.browse.search import SearchIndex
from cytoowl.serve.store.base import Store

STATIC = Path(__file__).parents[1] / "static"
#: Where ``make assets`` puts YASGUI's built files (not committed; see docs/serving.md).
YASGUI = STATIC / "vendor" / "yasgui"
TREE_MEMBERS = 200
#: How long a search or browse request waits for the catalog being built at start-up.
WAIT_S = 20.0


@dataclass
class Browser:
    """The catalog with its hierarchy and search index."""

    catalog: Catalog
    #: Why this is the empty stand-in for a catalog that could not be built (None: the real one).
    problem: str | None = None
    hierarchy: Hierarchy = field(init=False)
    index: SearchIndex = field(init=False)

    def __post_init__(self) -> None:
        self.hierarchy = Hierarchy(self.catalog)
        self.index = SearchIndex(self.catalog)

    @classmethod
    async def load(cls, store: Store, timeout: float = 300) -> Browser:
        """The store's catalog file (built once per store, see ``Store.derived_file``)."""
        path = await store.derived_file(search.CATALOG_FILE, search.build_catalog, timeout)
        return cls(Catalog.open(path))

    @classmethod
    def empty(cls, problem: str) -> Browser:
        """Nothing to search or browse: the store's catalog could not be read (``problem``)."""
        return cls(search.empty_catalog(), problem)

    def close(self) -> None:
        """Close the catalog's connections (the server stopping, or a newer catalog served)."""
        self.catalog.close()

    def resolve(self, text: str) -> Term | None:
        """A term by CURIE (``CYTO:0001140``), short form (``CYTO_0001140``) or IRI."""
        text = text.strip()
        candidates = [text]
        if "://" not in text:
            curie = text if ":" in text else text.replace("_", ":", 1)
            if ":" in curie:
                candidates.append(vocab.CONVERTER.expand(curie) or "")
        return next((self.catalog.terms[c] for c in candidates if c in self.catalog.terms), None)


def yasgui_available() -> bool:
    return (YASGUI / "yasgui.min.js").is_file() and (YASGUI / "yasgui.min.css").is_file()


@dataclass
class Node:
    """One class in the tree, with its subclasses and (the first of) its own members."""

    iri: str
    label: str
    href: str
    count: int
    children: list[Node]
    members: list[tuple[str, str]]  # (label, href)
    more_members: int = 0


def tree(b: Browser) -> dict[str, Any]:
    """The class tree from the root classes down, and the other ontologies' classes."""
    h = b.hierarchy

    def node(iri: str, above: frozenset[str]) -> Node:
        if iri in above or len(above) > hierarchy.MAX_DEPTH:  # a cycle stops the walk
            return Node(iri, b.catalog.name(iri), page_href(iri), 0, [], [])
        inner = above | {iri}
        members = h.own_members(iri)
        shown = [(b.catalog.name(m), page_href(m)) for m in members[:TREE_MEMBERS]]
        return Node(
            iri,
            b.catalog.name(iri),
            page_href(iri),
            h.member_count(iri),
            [
                node(c, inner)
                for c in h.children(iri)
                if b.catalog.get(c) and b.catalog.terms[c].kind == "class"
            ],
            shown,
            max(0, len(members) - TREE_MEMBERS),
        )

    external = {
        prefix: [(b.catalog.name(i), page_href(i), len(b.catalog.members.get(i, ()))) for i in iris]
        for prefix, iris in h.external.items()
    }
    return {"roots": [node(r, frozenset()) for r in h.roots], "external": external}


@dataclass
class TermView:
    """What a term page shows beyond its triples."""

    paths: list[list[tuple[str, str]]]  # root-to-term, (label, href)
    complex: diagrams.Picture | None
    network: diagrams.Picture | None

    @property
    def complex_svg(self) -> Markup | None:
        return Markup(self.complex.svg) if self.complex else None  # built with escape()

    @property
    def network_svg(self) -> Markup | None:
        return Markup(self.network.svg) if self.network else None


def term_view(b: Browser | None, iri: str) -> TermView | None:
    if b is None or b.catalog.get(iri) is None:
        return None
    paths = [[(b.catalog.name(i), page_href(i)) for i in p] for p in b.hierarchy.paths(iri)]
    kind = b.catalog.terms[iri].kind
    return TermView(
        paths,
        diagrams.complex_diagram(b.catalog, b.hierarchy, iri) if kind == "individual" else None,
        diagrams.family_network(b.catalog, b.hierarchy, iri) if kind == "class" else None,
    )
