"""The class hierarchy over the catalog: parents, children, ancestors, descendants, instances,
root classes, member counts and root-to-term paths, and their JSON in the shape of the OLS API
(HAL: ``_embedded``, ``_links``, ``page``), which ontology-browser users and clients know.

Walks are bounded (``MAX_WALK`` nodes, ``MAX_PATHS`` paths) whatever the data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from cytoowl import vocab
from cytoowl.serve.browse.catalog import Catalog, Term

MAX_WALK = 20_000
MAX_PATHS = 6
MAX_DEPTH = 40
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000
RELATIONS = ("children", "parents", "ancestors", "descendants", "instances")
ONTOLOGY_NAME = "cytoowl"


class Hierarchy:
    """Hierarchy questions over one catalog (member counts are computed once, on demand)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._counts: dict[str, int] = {}

    # --- one step ---------------------------------------------------------------------

    def parents(self, iri: str) -> list[str]:
        """Superclasses / superproperties, or an individual's classes."""
        return self._sorted(
            self.catalog.parents.get(iri, set()) | self.catalog.types.get(iri, set())
        )

    def children(self, iri: str) -> list[str]:
        return self._sorted(self.catalog.children.get(iri, ()))

    def instances(self, iri: str) -> list[str]:
        """Individuals typed by the class (the release materialises inferred types)."""
        return self._sorted(self.catalog.members.get(iri, ()))

    # --- walks ------------------------------------------------------------------------

    def ancestors(self, iri: str) -> list[str]:
        return self._sorted(self._walk(iri, self._up))

    def descendants(self, iri: str) -> list[str]:
        return self._sorted(self._walk(iri, lambda i: self.catalog.children.get(i, ())))

    def related(self, iri: str, relation: str) -> list[str]:
        return {
            "children": self.children,
            "parents": self.parents,
            "ancestors": self.ancestors,
            "descendants": self.descendants,
            "instances": self.instances,
        }[relation](iri)

    def own_members(self, iri: str) -> list[str]:
        """Members of the class that no subclass has (where a tree lists them)."""
        below: set[str] = set()
        for sub in self._walk(iri, lambda i: self.catalog.children.get(i, ())):
            below |= self.catalog.members.get(sub, set())
        return self._sorted(self.catalog.members.get(iri, set()) - below)

    def member_count(self, iri: str) -> int:
        """Individuals of the class or of any subclass (distinct)."""
        if iri not in self._counts:
            found: set[str] = set(self.catalog.members.get(iri, ()))
            for sub in self._walk(iri, lambda i: self.catalog.children.get(i, ())):
                found |= self.catalog.members.get(sub, set())
            self._counts[iri] = len(found)
        return self._counts[iri]

    @cached_property
    def roots(self) -> list[str]:
        """The ontology's own classes with no superclass among its own classes."""
        own = {i for i in self.catalog.iris_of_kind("class") if vocab.is_term(i)}
        return self._sorted(i for i in own if not (self.catalog.parents.get(i, set()) & own))

    @cached_property
    def external(self) -> dict[str, list[str]]:
        """Classes of other ontologies the release refers to, by CURIE prefix."""
        out: dict[str, list[str]] = {}
        for iri in self.catalog.iris_of_kind("class"):
            if not vocab.is_term(iri):
                curie = vocab.curie(iri)
                out.setdefault(curie.split(":")[0] if ":" in curie else "other", []).append(iri)
        return {k: self._sorted(v) for k, v in sorted(out.items())}

    def most_specific(self, iris: Iterable[str]) -> list[str]:
        """Drop every class that is an ancestor of another one in the set."""
        given = set(iris)
        above: set[str] = set()
        for iri in given:
            above |= self._walk(iri, self._up)
        return self._sorted(given - above)

    def paths(self, iri: str) -> list[list[str]]:
        """Root-to-term paths through the most specific parents (at most ``MAX_PATHS``)."""
        out: list[list[str]] = []

        def climb(node: str, below: list[str]) -> None:
            if len(out) >= MAX_PATHS or len(below) > MAX_DEPTH:
                return
            ups = self.most_specific(p for p in self._up(node) if p not in below)
            if not ups:
                out.append([node, *below])
            for up in ups:
                climb(up, [node, *below])

        for parent in self.most_specific(self.parents(iri)):
            climb(parent, [])
        return out

    def has_children(self, iri: str) -> bool:
        return bool(self.catalog.children.get(iri)) or bool(self.catalog.members.get(iri))

    # --- helpers ----------------------------------------------------------------------

    def _up(self, iri: str) -> set[str]:
        return self.catalog.parents.get(iri, set()) | self.catalog.types.get(iri, set())

    def _walk(self, start: str, step) -> set[str]:
        seen: set[str] = set()
        pending = [start]
        while pending and len(seen) < MAX_WALK:
            for nxt in step(pending.pop()):
                if nxt not in seen and nxt != start:
                    seen.add(nxt)
                    pending.append(nxt)
        return seen

    def _sorted(self, iris: Iterable[str]) -> list[str]:
        return sorted(iris, key=lambda i: (self.catalog.name(i).lower(), i))


# --- JSON in the OLS shape -----------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    page: int = 0
    size: int = PAGE_SIZE

    @classmethod
    def parse(cls, page: str | None, size: str | None) -> Paging:
        """0-based ``page`` and ``size`` (1..100) with ``page * size`` under ``MAX_OFFSET``."""
        number = _integer("page", page, 0, 0, MAX_OFFSET)
        rows = _integer("size", size, PAGE_SIZE, 1, MAX_PAGE_SIZE)
        if number * rows > MAX_OFFSET:
            raise ValueError(f"page * size must be at most {MAX_OFFSET}")
        return cls(number, rows)


def _integer(name: str, text: str | None, default: int, low: int, high: int) -> int:
    if text is None or text == "":
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, not {text[:20]!r}")
    return int(text)


def api_href(term: Term | str, relation: str | None = None) -> str:
    iri = term if isinstance(term, str) else term.iri
    path = f"/api/terms/{quote(vocab.curie(iri), safe=':')}"
    return f"{path}/{relation}" if relation else path


#: the only schemes an IRI from data may link to (never ``javascript:``, ``data:`` ...)
LINKABLE_SCHEMES = ("http://", "https://")


def safe_href(href: str) -> str:
    """``href`` when it is a path on this server or an http(s) IRI, else ``""`` (no link)."""
    if href.startswith("/") and not href.startswith("//"):
        return href
    return href if href.lower().startswith(LINKABLE_SCHEMES) else ""


def page_href(term: Term | str) -> str:
    """Where a person reads about the term: its page here, its own IRI when that is an
    http(s) IRI, else ``""`` (no link). Every link made from data passes here: pages, the
    tree, search, SVG diagrams and the search APIs."""
    iri = term if isinstance(term, str) else term.iri
    return "/" + iri[len(vocab.BASE_IRI) :] if vocab.is_term(iri) else safe_href(iri)


def term_json(h: Hierarchy, term: Term) -> dict:
    """One term as OLS writes it (``obo_id``, ``short_form``, ``description``, ``_links``…)."""
    curie = term.id
    has_children = h.has_children(term.iri)
    links = {"self": {"href": api_href(term)}, "html": {"href": page_href(term)}}
    for relation in RELATIONS:
        links[relation] = {"href": api_href(term, relation)}
    return {
        "id": curie,
        "iri": term.iri,
        "label": term.name,
        "type": term.kind,
        "description": [term.definition] if term.definition else [],
        "synonyms": [text for text, scope in term.synonyms if scope == "exact"],
        "obo_synonym": [{"name": text, "scope": scope} for text, scope in sorted(term.synonyms)],
        "obo_xref": [_xref(x) for x in sorted(term.xrefs)],
        "exact_match": sorted(term.matches),
        "ontology_name": ONTOLOGY_NAME,
        "ontology_prefix": "CYTO",
        "obo_id": curie if ":" in curie else None,
        "short_form": curie.replace(":", "_") if ":" in curie else curie,
        "is_defining_ontology": vocab.is_term(term.iri),
        "is_root": term.iri in h.roots,
        "has_children": has_children,
        "is_obsolete": False,
        "_links": links,
    }


def _xref(curie: str) -> dict:
    prefix, _, local = curie.partition(":")
    return {"database": prefix, "id": local, "url": vocab.CONVERTER.expand(curie)}


def page_json(
    h: Hierarchy, iris: list[str], paging: Paging, self_href: str, key: str = "terms"
) -> dict:
    """A page of terms with HAL paging links (OLS: ``_embedded``, ``page``, ``_links``)."""
    total = len(iris)
    pages = max(1, math.ceil(total / paging.size))
    start = paging.page * paging.size
    shown = [h.catalog.terms.get(i) or Term(i) for i in iris[start : start + paging.size]]

    def href(number: int) -> dict:
        return {"href": f"{self_href}?page={number}&size={paging.size}"}

    links = {"self": href(paging.page), "first": href(0), "last": href(pages - 1)}
    if paging.page > 0:
        links["prev"] = href(min(paging.page - 1, pages - 1))
    if paging.page + 1 < pages:
        links["next"] = href(paging.page + 1)
    return {
        "_embedded": {key: [term_json(h, t) for t in shown]},
        "_links": links,
        "page": {
            "size": paging.size,
            "totalElements": total,
            "totalPages": pages,
            "number": paging.page,
        },
    }
