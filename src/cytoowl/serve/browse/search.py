"""Term search over the catalog: labels, synonyms, symbols, CURIEs and external ids.

Tables built once per store in the catalog's SQLite file (the data is read-only while the
server runs): the texts a term is found by (``entry``, with an index on the whole normalised
text for exact and prefix look-ups), SQLite's full-text index FTS5 over their words
(``entry_words``, part of the standard library's SQLite) for the word tier, and a lexicon with
length buckets for typos, scored by rapidfuzz. Entries are numbered best first (own terms, then
field, then length), and FTS5 returns matches in that order, so a word found in thousands of
texts costs a bounded read of the first few, in C, not thousands of rows in Python.

Ranking, best first (a term is listed once, under its best match); the tiers never overlap:

1. ``exact``: the whole query equals a text (label, then exact synonym and id, then xref, ...);
2. ``prefix``: it is the start of one (shorter completions first);
3. ``words``: every query word is a word, or the start of a word, of one text;
4. ``fuzzy``: words within a small edit distance (rapidfuzz), scored by similarity.

Within a tier cytoowl's own terms come before the external records it declares (the gene
record of ``HGNC:6018`` after interleukin 6, which carries that id as a cross-reference).
Texts compare after normalisation: case, punctuation and spacing are ignored ("IL-6", "IL6",
"il 6" are one key) and Greek letters are spelt out (TNF-alpha written with the letter
alpha is "TNF-alpha").
Every stage is bounded (``MAX_*`` and the number of hits asked for), so no query, however long
or odd, costs more than a few thousand comparisons. The methods block (SQLite): the routes run
them in worker threads (:meth:`cytoowl.serve.browse.catalog.Catalog.db` is per thread).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from cytoowl import vocab
from cytoowl.serve.browse.catalog import Catalog, Term
from cytoowl.serve.browse.catalog import build as build_catalog_file
from cytoowl.serve.browse.hierarchy import page_href
from cytoowl.serve.store.readers import Read

MAX_QUERY = 200
MAX_LIMIT = 50
MAX_QUERY_WORDS = 16
MAX_PREFIX_KEYS = 2_000
MAX_FUZZY_CHOICES = 50_000
MAX_TYPED_CHOICES = 2_000
MAX_TYPO_WORDS = 20
#: Words a query word may start before FTS5's prefix query is used instead of listing them.
MAX_EXPANSIONS = 8
MAX_HITS = 1_000
FUZZY_CUTOFF = 80
MIN_FUZZY = 4
TYPES = ("class", "individual", "property")

#: How much a match on each field counts less than a match on the label.
FIELD_PENALTY = {
    "label": 0,
    "exact synonym": 10,
    "id": 10,
    "xref": 15,
    "exact match": 20,
    "related synonym": 25,
    "broad synonym": 30,
    "narrow synonym": 30,
}
#: How much less a term counts that is not cytoowl's own (a declared gene record, CL, GO ...).
EXTERNAL_PENALTY = 40
#: Tier scores, 200 apart: field and external penalties (<= 70) plus the spread within a
#: tier (< 100) never reach the tier below.
EXACT, PREFIX, WORDS, FUZZY = 1000, 800, 600, 400
SPREAD = 99
#: The similarity of a word that the query word starts ("necr" of "necrosis").
PREFIXED = 99.0
#: Entries read per hit asked for (a term has several texts: label, synonyms, ids).
ENTRIES_PER_HIT = 4

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, Greek spelt out, accents and punctuation dropped, single spaces."""
    text = "".join(_spelt(c) for c in text.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", text).strip()


def _spelt(char: str) -> str:
    """A Greek letter by its Unicode name ("alpha"), any other character as it is."""
    if char.isascii():
        return char
    name = unicodedata.name(char, "")
    return name[len(_GREEK) :].lower() if name.startswith(_GREEK) else char


_GREEK = "GREEK SMALL LETTER "


@dataclass(frozen=True)
class Entry:
    """One text a term is found by: ``words`` normalised, ``text`` as shown."""

    term: str  # the term's IRI
    field: str
    text: str
    words: tuple[str, ...]
    kind: str  # the term's kind and name, so ranking needs no term look-up
    name: str
    penalty: int  # field and external penalties
    curie: str  # the term's CURIE (compressing an IRI costs more than the search)

    @property
    def key(self) -> str:
        return "".join(self.words)


@dataclass
class Hit:
    entry: Entry
    score: float
    how: str
    term: Term | None = None  # filled for the hits that are answered

    @property
    def iri(self) -> str:
        return self.entry.term

    def json(self) -> dict:
        return {
            "id": self.entry.curie,
            "iri": self.iri,
            "label": self.entry.name,
            "type": self.entry.kind,
            "href": page_href(self.iri),
            "matched": {"field": self.entry.field, "text": self.entry.text, "how": self.how},
            "score": round(self.score, 1),
        }


def penalty(iri: str, field: str) -> int:
    """How much less than the same match on an own term's label a match here counts."""
    external = 0 if vocab.is_term(iri) else EXTERNAL_PENALTY
    return FIELD_PENALTY.get(field, 30) + external


def _texts(term: Term) -> list[tuple[str, str, str]]:
    """(field, text indexed, text shown) triples a term can be found by."""
    out = [("label", term.label, term.label)] if term.label else []
    out += [(f"{scope} synonym", text, text) for text, scope in term.synonyms]
    curie = term.id
    out += [("id", curie, curie), ("id", term.iri, term.iri)]
    if ":" in curie:
        out.append(("id", curie.replace(":", "_"), curie))
    for xref in term.xrefs:
        out.append(("xref", xref, xref))
        if ":" in xref:  # "P05231" alone finds UniProtKB:P05231
            out.append(("xref", xref.split(":", 1)[1], xref))
    out += [("exact match", iri, iri) for iri in term.matches]
    return out


# --- the index tables (written once, beside the catalog) -------------------------------------

_SCHEMA = """
CREATE TABLE entry (id INTEGER PRIMARY KEY, term TEXT NOT NULL, field TEXT NOT NULL,
  text TEXT NOT NULL, words TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
  name TEXT NOT NULL, penalty INTEGER NOT NULL, curie TEXT NOT NULL);
CREATE VIRTUAL TABLE entry_words USING fts5(words, content='', columnsize=0, detail='none',
  tokenize='ascii', prefix='1 2 3');
CREATE TABLE lexicon (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE near (length INTEGER NOT NULL, pair TEXT NOT NULL, word TEXT NOT NULL,
  PRIMARY KEY (length, pair, word)) WITHOUT ROWID;
"""


def write_index(db: sqlite3.Connection, catalog: Catalog) -> None:
    """Add the search tables for every term of ``catalog`` to its file."""
    db.executescript(_SCHEMA)
    entries = []
    for iri in catalog.terms:
        term = catalog.get(iri)
        assert term is not None
        seen: set[tuple[str, str]] = set()
        for field, text, shown in _texts(term):
            words = tuple(normalise(text).split())
            key = "".join(words)
            if not words or (field, key) in seen:
                continue
            seen.add((field, key))
            texts = (field, shown, " ".join(words), key)
            entries.append((iri, *texts, term.kind, term.name, penalty(iri, field), term.id))
    catalog.get.cache_clear()
    # Best first: FTS5 answers in id order, so the first matches read are the likeliest hits.
    entries.sort(key=lambda e: (e[7], len(e[4]), e[4], e[0], e[1]))
    db.executemany(
        "INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((i, *e) for i, e in enumerate(entries)),
    )
    db.execute("CREATE INDEX entry_key ON entry (key)")
    db.execute("CREATE INDEX entry_length ON entry (length(key), key, kind, penalty)")
    db.execute("INSERT INTO entry_words (rowid, words) SELECT id, words FROM entry")
    db.executemany(
        "INSERT OR IGNORE INTO lexicon VALUES (?)", ((w,) for e in entries for w in e[3].split())
    )
    # Typo candidates by (length, pair): a word is filed under the ordered pairs of its first
    # three letters, and a query word looks under its own; one wrong, missing, extra or
    # swapped letter anywhere leaves a pair both share, while each look-up reads a small bucket
    # (single letters made buckets of tens of thousands among 100,000 generated symbols).
    words = [w for (w,) in db.execute("SELECT word FROM lexicon") if len(w) >= MIN_FUZZY - 1]
    db.executemany(
        "INSERT INTO near VALUES (?, ?, ?)",
        ((len(w), pair, w) for w in words for pair in _pairs(w)),
    )


_COLUMNS = "e.term, e.field, e.text, e.words, e.kind, e.name, e.penalty, e.curie"
#: Past the last character a normalised key or word can hold ([0-9a-z ]): the upper bound
#: of a prefix range.
_AFTER = "~"


class SearchIndex:
    """The search tables of one catalog file."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @property
    def db(self) -> sqlite3.Connection:
        return self.catalog.db  # this thread's connection

    # --- the API ----------------------------------------------------------------------

    def suggest(self, query: str, limit: int = 10, kind: str | None = None) -> list[Hit]:
        """Completions for a search box: prefixes and typos of the text typed so far (their
        JSON needs no :class:`Term`, so none is read)."""
        return self.rank(query, kind, limit)

    def search(
        self, query: str, kind: str | None = None, page: int = 0, size: int = 20
    ) -> tuple[int, list[Hit]]:
        """(number of hits, at most ``MAX_HITS``; one page of them)."""
        hits = self.rank(query, kind, MAX_HITS)
        return len(hits), self._with_terms(hits[page * size : (page + 1) * size])

    def _with_terms(self, hits: list[Hit]) -> list[Hit]:
        for hit in hits:
            hit.term = self.catalog.get(hit.iri) or Term(hit.iri)
        return hits

    def rank(self, query: str, kind: str | None = None, wanted: int = MAX_HITS) -> list[Hit]:
        """The best ``wanted`` hits, best first; a tier is read only while hits are missing
        (the tiers' scores do not overlap, so a lower tier cannot change the ones found)."""
        words = tuple(normalise(query[:MAX_QUERY]).split())[:MAX_QUERY_WORDS]
        if not words:
            return []
        wanted = max(1, min(wanted, MAX_HITS))
        best: dict[str, Hit] = {}
        key = "".join(words)
        stages = (
            lambda: self._exact(key, kind, wanted),
            lambda: self._prefixes(key, kind, wanted),
            lambda: self._words(words, kind, wanted),
        )
        for stage in stages:
            for hit in stage():
                current = best.get(hit.iri)
                if current is None or hit.score > current.score:
                    best[hit.iri] = hit
            if len(best) >= wanted:
                break
        hits = sorted(best.values(), key=lambda h: (-h.score, len(h.entry.name), h.entry.name))
        return hits[:wanted]

    # --- stages -----------------------------------------------------------------------

    def _select(self, sql: str, params: tuple) -> list[Entry]:
        return [_entry(row) for row in self.db.execute(sql, params)]

    def _exact(self, key: str, kind: str | None, wanted: int) -> list[Hit]:
        rows = self._select(
            f"SELECT {_COLUMNS} FROM entry e WHERE e.key = ?1 AND (?2 IS NULL OR e.kind = ?2) "
            "ORDER BY e.id LIMIT ?3",
            (key, kind, wanted * ENTRIES_PER_HIT),
        )
        return [Hit(e, EXACT - e.penalty, "exact") for e in rows]

    def _prefixes(self, key: str, kind: str | None, wanted: int) -> list[Hit]:
        """Texts that start with the query, shorter first, then by field."""
        needed = wanted * ENTRIES_PER_HIT
        ids = self._few_prefixed(key, kind, needed)
        if ids is None:
            ids = self._many_prefixed(key, kind, needed)
        return [
            Hit(e, PREFIX - min(len(e.key) - len(key), SPREAD) - e.penalty, "prefix")
            for e in self._by_id(ids)
        ]

    def _few_prefixed(self, key: str, kind: str | None, needed: int) -> list[int] | None:
        """A key range of at most ``MAX_PREFIX_KEYS`` keys, ranked in SQLite; None when it
        holds more."""
        (count,) = self.db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM entry WHERE key > ?1 AND key < ?2 LIMIT ?3)",
            (key, key + _AFTER, MAX_PREFIX_KEYS + 1),
        ).fetchone()
        if count > MAX_PREFIX_KEYS:
            return None
        rows = self.db.execute(
            "SELECT id FROM entry WHERE key > ?1 AND key < ?2 AND (?3 IS NULL OR kind = ?3) "
            "ORDER BY min(length(key) - ?4, ?5) + penalty, id LIMIT ?6",
            (key, key + _AFTER, kind, len(key), SPREAD, needed),
        )
        return [i for (i,) in rows]

    def _many_prefixed(self, key: str, kind: str | None, needed: int) -> list[int]:
        """A large key range ("i", or "p" among 100,000 symbols P1..P100000) one index seek
        per length, from one character more up, until no longer text can rank among the best
        found (its extra length alone costs more than the last of them); each length reads
        at most ``MAX_PREFIX_KEYS`` keys."""
        best: list[tuple[int, int]] = []  # (rank in the tier, entry id), best first
        for extra in range(1, SPREAD + 1):
            if len(best) >= needed and extra >= best[-1][0]:
                break
            rows = self.db.execute(
                "SELECT id, penalty FROM (SELECT id, penalty FROM entry "
                "WHERE length(key) = ?1 AND key > ?2 AND key < ?3 AND (?4 IS NULL OR kind = ?4) "
                "LIMIT ?5) ORDER BY penalty, id LIMIT ?6",
                (len(key) + extra, key, key + _AFTER, kind, MAX_PREFIX_KEYS, needed),
            )
            best = sorted(best + [(extra + penalty, i) for i, penalty in rows])[:needed]
        return [i for _, i in best]

    def _by_id(self, ids: list[int]) -> list[Entry]:
        if not ids:
            return []
        # At most MAX_HITS * ENTRIES_PER_HIT ids: below SQLite's bound on parameters (32,766).
        marks = ",".join("?" * len(ids))
        return self._select(f"SELECT {_COLUMNS} FROM entry e WHERE e.id IN ({marks})", tuple(ids))

    def _words(self, words: tuple[str, ...], kind: str | None, wanted: int) -> list[Hit]:
        """Texts holding every query word (exactly, as a prefix, or within a typo)."""
        per_word = [self._word_matches(w, last=i == len(words) - 1) for i, w in enumerate(words)]
        if any(found == {} for found in per_word):  # a word nothing is near
            return []
        typo = any(found and max(found.values()) < PREFIXED for found in per_word)
        match = " AND ".join(_fts_term(w, m) for w, m in zip(words, per_word, strict=True))
        rows = self._select(
            f"SELECT {_COLUMNS} FROM entry_words w JOIN entry e ON e.id = w.rowid "
            "WHERE entry_words MATCH ?1 AND (?2 IS NULL OR e.kind = ?2) ORDER BY w.rowid "
            "LIMIT ?3",
            (match, kind, wanted * ENTRIES_PER_HIT),
        )
        query = " ".join(words)
        hits = []
        for entry in rows:
            closeness = fuzz.ratio(query, " ".join(entry.words))  # 0..100
            if typo:
                word_score = min(
                    100.0 if found is None else max(found.get(w, 0) for w in entry.words)
                    for found in per_word
                )
                score = FUZZY - (100 - (word_score + closeness) / 2) - entry.penalty
                hits.append(Hit(entry, score, "fuzzy"))
            else:
                hits.append(Hit(entry, WORDS - (100 - closeness) - entry.penalty, "words"))
        return hits

    def _word_matches(self, word: str, last: bool) -> dict[str, float] | None:
        """The index words a query word stands for, with their similarity: itself (100) when
        it is a word and not the last one (typed in full), else the words it starts (99);
        None when those are too many to list (FTS5's prefix query, its prefix indexes serve
        the short ones); else the words near it (< 99, rapidfuzz), empty when there are none.

        Listed words keep FTS5 on the words' own lists, read lazily in id order: a prefix
        query merges every list it covers first (all of "hgnc", 100,000 entries at 1M
        triples, for "hgnc 33719")."""
        found = self._starting("lexicon", "word", word, MAX_EXPANSIONS + 1)
        if word in found and not last:
            return {word: 100.0}
        if len(found) > MAX_EXPANSIONS:
            return None
        if found:
            return {w: 100.0 if w == word else PREFIXED for w in found}
        return self._typos(word, last) if len(word) >= MIN_FUZZY else {}

    def _starting(self, table: str, column: str, start: str, limit: int) -> list[str]:
        """Distinct values of an indexed text column that start with ``start`` (bounded)."""
        rows = self.db.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} >= ? AND {column} < ? "
            f"ORDER BY {column} LIMIT ?",
            (start, start + _AFTER, limit),
        )
        return [r[0] for r in rows]

    def _typos(self, word: str, last: bool) -> dict[str, float]:
        """Words of nearly the same length within the similarity cut-off (rapidfuzz)."""
        out: dict[str, float] = {}
        choices: set[str] = set()
        for length in sorted(range(len(word) - 2, len(word) + 3), key=lambda n: abs(n - len(word))):
            for pair in _pairs(word):
                rows = self.db.execute(
                    "SELECT word FROM near WHERE length = ? AND pair = ? LIMIT ?",
                    (length, pair, max(MAX_FUZZY_CHOICES - len(choices), 0)),
                )
                choices.update(r[0] for r in rows)
        ranked = process.extract(
            word,
            sorted(choices),
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF,
            limit=MAX_TYPO_WORDS,
        )
        for text, score, _ in ranked:
            out[text] = min(score, 98.0)
        if last:  # the word typed so far may start a longer one, with a typo ("interlukin")
            longer = [w for w in self.words_from(word[:2]) if len(w) > len(word)]
            starts = [w[: len(word) + 1] for w in longer]  # the same length, plus one
            for _, score, i in process.extract(
                word, starts, scorer=fuzz.ratio, score_cutoff=85, limit=MAX_TYPO_WORDS
            ):
                out[longer[i]] = max(out.get(longer[i], 0), min(score, 97.0))
        return dict(sorted(out.items(), key=lambda kv: -kv[1])[:MAX_TYPO_WORDS])

    def words_from(self, start: str) -> list[str]:
        """Index words sharing the first characters (bounded), for typed-so-far typos."""
        return self._starting("lexicon", "word", start, MAX_TYPED_CHOICES)


def _pairs(word: str) -> set[str]:
    """The ordered letter pairs of a word's first three letters ("int": in, it, nt)."""
    head = word[:3]
    return {head[i] + head[j] for i in range(len(head)) for j in range(i + 1, len(head))}


def _fts_term(word: str, near: dict[str, float] | None) -> str:
    """One query word in FTS5's syntax: the word or any longer one, or the words listed.
    Normalised words are [0-9a-z] only, so quoting them is all the escaping needed."""
    if near is None:
        return f'"{word}"*'
    return "(" + " OR ".join(f'"{w}"' for w in near) + ")"


#: The catalog's name among the files derived from a store; the version changes with its
#: tables (:func:`build_catalog`).
CATALOG_FILE = "catalog-v3.sqlite"


def build_catalog(path: Path, read: Read) -> None:
    """The catalog file with its search tables (run where the store is read: see loader)."""
    build_catalog_file(path, read, write_index)


def empty_catalog() -> Catalog:
    """A catalog without terms, its search tables included."""
    return Catalog.empty(write_index)


def _entry(row: tuple) -> Entry:
    iri, field, text, words, kind, name, penalty, curie = row
    return Entry(iri, field, text, tuple(words.split()), kind, name, penalty, curie)
