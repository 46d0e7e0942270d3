"""The terms of the served data, their texts and edges, in an SQLite file built once per store.

Search, the hierarchy API, the class tree and the diagrams all read this catalog instead of
querying the store per request: the data never changes while a server runs. It lives on
disk, not in the server's memory: at 1M triples the same terms as Python objects took about
1 GB and half a minute to build at every start, which no server beside GO, CL or UniProt can
afford. SQLite (standard library, read-only connection, a bounded page cache) answers each
look-up from an index in microseconds.

:func:`build` fills the file from the answers of the ``CATALOG_QUERIES`` below, read through
any reader (:mod:`cytoowl.serve.store.readers`: an embedded store is read in one pass in a
child process, a remote endpoint in pages). :class:`Catalog` reads it with the interface the
old dictionaries had (``catalog.parents.get(iri, set())``, ``catalog.terms[iri]``,
``iri in catalog.bound_by``). What it holds is bounded (the readers' ``MAX_ROWS`` rows in
all); past that it keeps what it read.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from pyoxigraph import Literal, NamedNode

from cytoowl import vocab
from cytoowl.serve.store.readers import Read

log = logging.getLogger("cytoowl.catalog")

RDF_TYPE = vocab.RDF + "type"
SUBCLASS = vocab.RDFS + "subClassOf"
SUBPROPERTY = vocab.RDFS + "subPropertyOf"
LABEL = vocab.RDFS + "label"
HAS_PART = vocab.HAS_PART
#: The release's ``binds receptor``; a store without it is searched by that label (the key
#: the build resolves relation names by), so fixtures and other datasets work too.
BINDS_RECEPTOR = vocab.BINDS_RECEPTOR
BINDS_RECEPTOR_LABEL = "binds receptor"
#: The release's class of receptor complexes (a term with parts that a ligand binds is one too).
RECEPTOR_COMPLEX = vocab.RECEPTOR_COMPLEX

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
TERM_CACHE = 20_000  # Term objects kept in memory (a page sorts a few hundred by name)


def main_kind(kinds: Iterable[str]) -> str:
    """The kind that names a term with these kinds (see ``KIND_ORDER``)."""
    present = set(kinds)
    return next((k for k in KIND_ORDER if k in present), "individual")


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
        return main_kind(self.kinds)

    @property
    def id(self) -> str:
        return vocab.curie(self.iri)

    @property
    def name(self) -> str:
        return self.label or self.id


# --- what is read -------------------------------------------------------------------------

_PREFIXES = "\n".join(
    f"PREFIX {p}: <{vocab.PREFIX_MAP[p]}>" for p in ("rdf", "rdfs", "owl", "oboInOwl", "skos")
)


def _iris(*iris: str) -> str:
    return vocab.sparql_iris(iris)  # parsed: a property IRI read from data cannot add SPARQL


_TEXTS = [LABEL, vocab.DEFINITION, XREF, EXACT_MATCH, *SYNONYM_SCOPES]
_EDGES = [SUBCLASS, SUBPROPERTY, RDF_TYPE, HAS_PART]
_EDGE_QUERY = """SELECT ?s ?p ?o WHERE {{
  VALUES ?p {{ {props} }} ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) }}"""


def full_text(query: str) -> str:
    """The query as sent to a store (with the prefixes it uses)."""
    return f"{_PREFIXES}\n{query}"


#: name -> (query as sent, ORDER BY of its pages).
#: ``C owl:equivalentClass [owl:intersectionOf (A …)]`` makes A a superclass of C (the
#: release materialises inferred types of individuals, not the subclass axioms of defined
#: classes).
CATALOG_QUERIES = {
    "kinds": (
        full_text(
            f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {_iris(*KINDS)} }} ?s rdf:type ?o "
            "FILTER(isIRI(?s)) }"
        ),
        "?s ?o",
    ),
    "texts": (
        full_text(
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_iris(*_TEXTS)} }} ?s ?p ?o "
            "FILTER(isIRI(?s)) }"
        ),
        "?s ?p ?o",
    ),
    "edges": (full_text(_EDGE_QUERY.format(props=_iris(*_EDGES))), "?s ?p ?o"),
    "defined": (
        full_text("""SELECT ?s ?o WHERE {
  ?s owl:equivalentClass/owl:intersectionOf/rdf:rest*/rdf:first ?o
  FILTER(isIRI(?s) && isIRI(?o)) }"""),
        "?s ?o",
    ),
}


def binds_query(properties: list[str]) -> tuple[str, str]:
    """The ``binds receptor`` assertions of these properties (found after the edges)."""
    return full_text(_EDGE_QUERY.format(props=_iris(*properties))), "?s ?p ?o"


#: Adds more tables (the search index) to a catalog being written.
Index = Callable[[sqlite3.Connection, "Catalog"], None]


# --- building the file --------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE term (iri TEXT PRIMARY KEY, kinds TEXT NOT NULL, label TEXT, definition TEXT)
  WITHOUT ROWID;
CREATE TABLE text (iri TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, scope TEXT);
CREATE TABLE edge (rel TEXT NOT NULL, s TEXT NOT NULL, o TEXT NOT NULL, p TEXT);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX text_iri ON text (iri);
CREATE INDEX edge_s ON edge (rel, s);
CREATE INDEX edge_o ON edge (rel, o);
"""
#: Edge relations in the ``edge`` table.
PARENT, TYPE, PART, BINDS = "parent", "type", "part", "binds"


def build(path: Path, read: Read, index: Index) -> None:
    """Write the catalog of what ``read`` answers to ``path`` (atomically: a temporary file
    renamed at the end), with the tables ``index`` adds (the search index)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        _write(db, read, index)
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)


def _write(db: sqlite3.Connection, read: Read, index: Index) -> None:
    db.executescript(_SCHEMA)
    _fill(db, read)
    db.executescript(_INDEXES)
    properties = _binding_properties(Catalog(db))
    db.execute("INSERT INTO meta VALUES ('binding_properties', ?)", (json.dumps(properties),))
    if properties:
        query, order = binds_query(properties)
        db.executemany(
            "INSERT INTO edge VALUES ('binds', ?, ?, ?)",
            ((r["s"].value, r["o"].value, r["p"].value) for r in read(query, order)),
        )
    truncated = getattr(read, "truncated", False)  # the readers say when they stopped early
    db.execute("INSERT INTO meta VALUES ('truncated', ?)", (json.dumps(truncated),))
    _order_parts(db)
    index(db, Catalog(db))


def _fill(db: sqlite3.Connection, read: Read) -> None:
    kinds: dict[str, set[str]] = {}
    for row in read(*CATALOG_QUERIES["kinds"]):
        kinds.setdefault(row["s"].value, set()).add(KINDS[row["o"].value])
    db.executemany(
        "INSERT INTO term (iri, kinds) VALUES (?, ?)",
        ((iri, ",".join(sorted(k))) for iri, k in kinds.items()),
    )
    labels: dict[str, str] = {}
    definitions: dict[str, str] = {}
    texts = []
    for row in read(*CATALOG_QUERIES["texts"]):
        iri, prop, value = row["s"].value, row["p"].value, row["o"]
        if iri not in kinds:
            continue
        if isinstance(value, NamedNode):
            if prop == EXACT_MATCH:
                texts.append((iri, "match", value.value, None))
        elif isinstance(value, Literal):
            if prop == LABEL:  # the first in order when there are several, as any reader
                labels[iri] = min(labels.get(iri, value.value), value.value)
            elif prop == vocab.DEFINITION:
                definitions[iri] = min(definitions.get(iri, value.value), value.value)
            elif prop == XREF:
                texts.append((iri, "xref", value.value, None))
            elif prop in SYNONYM_SCOPES:
                texts.append((iri, "synonym", value.value, SYNONYM_SCOPES[prop]))
    db.executemany("UPDATE term SET label = ? WHERE iri = ?", ((v, k) for k, v in labels.items()))
    db.executemany(
        "UPDATE term SET definition = ? WHERE iri = ?", ((v, k) for k, v in definitions.items())
    )
    texts.sort(key=lambda t: (t[0], t[1], t[2], t[3] or ""))  # the same whatever the reader
    db.executemany("INSERT INTO text VALUES (?, ?, ?, ?)", texts)
    edges = []
    for row in read(*CATALOG_QUERIES["edges"]):
        edge = _edge(row["s"].value, row["p"].value, row["o"].value)
        if edge:
            edges.append(edge)
    for row in read(*CATALOG_QUERIES["defined"]):
        edge = _edge(row["s"].value, SUBCLASS, row["o"].value)
        if edge:
            edges.append(edge)
    db.executemany("INSERT INTO edge VALUES (?, ?, ?, NULL)", dict.fromkeys(edges))


def _edge(s: str, p: str, o: str) -> tuple[str, str, str] | None:
    if p in (SUBCLASS, SUBPROPERTY):
        return (PARENT, s, o) if s != o else None
    if p == RDF_TYPE:
        return None if o in KINDS or o.startswith(vocab.OWL) else (TYPE, s, o)
    if p == HAS_PART:
        return (PART, s, o)
    return None


def _order_parts(db: sqlite3.Connection) -> None:
    """Parts are listed by name: keep that order in ``p`` (a sort key) once, at build time."""
    catalog = Catalog(db)
    rows = db.execute("SELECT rowid, o FROM edge WHERE rel = 'part'").fetchall()
    db.executemany(
        "UPDATE edge SET p = ? WHERE rowid = ?",
        ((catalog.name(o).lower(), rowid) for rowid, o in rows),
    )


def _binding_properties(catalog: Catalog) -> list[str]:
    """``binds receptor`` and every property below it (interactions other issues add)."""
    root = BINDS_RECEPTOR if "property" in _kinds(catalog, BINDS_RECEPTOR) else None
    if root is None:
        found_root = catalog.db.execute(
            "SELECT iri FROM term WHERE label = ? AND kinds LIKE '%property%' ORDER BY iri",
            (BINDS_RECEPTOR_LABEL,),
        ).fetchone()
        root = found_root[0] if found_root else None
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
    term = catalog.get(iri)
    return term.kinds if term else set()


# --- reading the file ---------------------------------------------------------------------

V = TypeVar("V")


class _Relation(Mapping[str, V], Generic[V]):
    """One relation of the ``edge`` table as a read-only mapping, empty where nothing is
    known (as the defaultdicts it replaces)."""

    def __init__(
        self, catalog: Catalog, rel: str, key: str, value: str, make: Callable[[list], V]
    ) -> None:
        self.catalog, self.rel, self.make = catalog, rel, make
        self._get = f"SELECT {value} FROM edge WHERE rel = ? AND {key} = ?"
        self._has = f"SELECT 1 FROM edge WHERE rel = ? AND {key} = ? LIMIT 1"
        self._keys = f"SELECT DISTINCT {key} FROM edge WHERE rel = ?"

    def __getitem__(self, key: str) -> V:
        return self.make(self.catalog.db.execute(self._get, (self.rel, key)).fetchall())

    def __contains__(self, key: object) -> bool:
        return self.catalog.db.execute(self._has, (self.rel, key)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        return (k for (k,) in self.catalog.db.execute(self._keys, (self.rel,)))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Terms(Mapping[str, Term]):
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def __getitem__(self, iri: str) -> Term:
        term = self.catalog.get(iri)
        if term is None:
            raise KeyError(iri)
        return term

    def __contains__(self, iri: object) -> bool:
        return self.catalog.get(iri) is not None if isinstance(iri, str) else False

    def __iter__(self) -> Iterator[str]:
        return (iri for (iri,) in self.catalog.db.execute("SELECT iri FROM term ORDER BY iri"))

    def __len__(self) -> int:
        return self.catalog.db.execute("SELECT COUNT(*) FROM term").fetchone()[0]


def _set(rows: list) -> set[str]:
    return {r[0] for r in rows}


def _pairs(rows: list) -> list[tuple[str, str]]:
    return [(p, x) for x, p in rows]


class Catalog:
    """Terms and the edges between them (named nodes only), read from the catalog file.

    A catalog opened from its file gives each thread its own read-only connection
    (:attr:`db`), so search can run in worker threads beside the event loop; one built in
    memory has a single connection. :meth:`close` closes them all (the search threads
    outlive a server: they belong to the module).
    """

    def __init__(
        self, db: sqlite3.Connection, connect: Callable[[], sqlite3.Connection] | None = None
    ) -> None:
        self._db, self._connect = db, connect
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._opened = [db]  # every thread's connection, for close()
        self._lock = threading.Lock()
        self.terms = _Terms(self)
        self.parents = _Relation(self, PARENT, "s", "o", _set)
        self.children = _Relation(self, PARENT, "o", "s", _set)
        self.types = _Relation(self, TYPE, "s", "o", _set)
        self.members = _Relation(self, TYPE, "o", "s", _set)
        self.parts = _Relation(
            self, PART, "s", "o, p", lambda rows: [o for o, _ in sorted(rows, key=_part_order)]
        )
        #: ligand -> [(property, receptor)] for ``binds receptor`` and its sub-properties.
        self.binds = _Relation(self, BINDS, "s", "o, p", _pairs)
        self.bound_by = _Relation(self, BINDS, "o", "s, p", _pairs)
        self.get = lru_cache(maxsize=TERM_CACHE)(self._read_term)

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (the one given, in the thread that made the catalog)."""
        if self._connect is None or threading.get_ident() == self._owner:
            return self._db
        db = getattr(self._local, "db", None)
        if db is None:
            with self._lock:
                if not self._opened:
                    raise sqlite3.ProgrammingError("the catalog is closed")
                try:
                    db = self._connect()
                    self._opened.append(db)
                except sqlite3.OperationalError:
                    # The file is gone (its store directory vanished and is being loaded
                    # again): share the first connection, which still reads it; SQLite
                    # serialises a connection's use across threads (threadsafety 3).
                    db = self._db
                self._local.db = db
        return db

    def close(self) -> None:
        """Close every thread's connection; the catalog answers nothing afterwards."""
        with self._lock:
            for db in self._opened:
                db.close()
            self._opened.clear()
        self.get.cache_clear()

    @classmethod
    def open(cls, path: Path) -> Catalog:
        """Read-only connections (the file never changes once built)."""
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"

        def connect() -> sqlite3.Connection:
            # Closed by close() from another thread, and the first one is shared when the
            # file is gone (see db): hence not checked.
            return sqlite3.connect(uri, uri=True, check_same_thread=False)

        return cls(connect(), connect)

    @classmethod
    def empty(cls, index: Index) -> Catalog:
        """No terms (a store that could not be read), with every table ``build`` writes, so
        search finds nothing and pages still work."""
        # One connection for every thread: nothing writes to it after this.
        db = sqlite3.connect(":memory:", check_same_thread=False)
        _write(db, lambda query, order: (), index)
        return cls(db)

    def _meta(self, key: str, default: Any) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    @cached_property
    def binding_properties(self) -> list[str]:
        return self._meta("binding_properties", [])

    @cached_property
    def truncated(self) -> bool:
        return self._meta("truncated", False)

    def _read_term(self, iri: str) -> Term | None:
        row = self.db.execute(
            "SELECT kinds, label, definition FROM term WHERE iri = ?", (iri,)
        ).fetchone()
        if row is None:
            return None
        term = Term(iri, set(row[0].split(",")), row[1], row[2])
        for kind, value, scope in self.db.execute(
            "SELECT kind, value, scope FROM text WHERE iri = ? ORDER BY rowid", (iri,)
        ):
            if kind == "synonym":
                term.synonyms.append((value, scope))
            elif kind == "xref":
                term.xrefs.append(value)
            else:
                term.matches.append(value)
        return term

    def name(self, iri: str) -> str:
        term = self.get(iri)
        return term.name if term else vocab.curie(iri)

    def iris_of_kind(self, kind: str) -> list[str]:
        """The terms whose main kind is ``kind`` (see ``KIND_ORDER``)."""
        rows = self.db.execute("SELECT iri, kinds FROM term ORDER BY iri")
        return [iri for iri, kinds in rows if main_kind(kinds.split(",")) == kind]

    def complexes_with_parts(self) -> list[str]:
        return [s for (s,) in self.db.execute("SELECT DISTINCT s FROM edge WHERE rel = 'part'")]


def _part_order(row: tuple[str, str | None]) -> tuple[str, str]:
    return (row[1] or "", row[0])
