"""Term search over the catalog: labels, synonyms, symbols, CURIEs and external ids.

Tables built once per store in the catalog's SQLite file (the data is read-only while the
server runs): exact keys, keys in order for prefixes, a word index, and a typo-tolerant stage
that scores words with rapidfuzz. A full-text engine (tantivy) would add a Rust index and a query
language for what is, here, a few thousand short strings; the tiers below are what an
ontology browser needs and are easy to reason about.

Ranking, best first (a term is listed once, under its best match):

1. the whole query equals a label, an id or cross-reference, a synonym (exact scope first);
2. it is the start of one of them (shorter completions first);
3. every query word is a word, or the start of a word, of one text;
4. typo-tolerant: words within a small edit distance (rapidfuzz), scored by similarity.

Texts compare after normalisation: case, punctuation and spacing are ignored ("IL-6", "IL6",
"il 6" are one key) and Greek letters are spelt out (TNF-alpha written with the letter
alpha is "TNF-alpha").
Every stage is bounded (``MAX_*``), so no query, however long or odd, costs more than a few
thousand comparisons.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from cytoowl import vocab
from cytoowl.serve.browse.catalog import Catalog, Term, main_kind
from cytoowl.serve.browse.catalog import build as build_catalog_file
from cytoowl.serve.browse.hierarchy import page_href
from cytoowl.serve.store.readers import Read

MAX_QUERY = 200
MAX_LIMIT = 50
MAX_PREFIX_KEYS = 2_000
MAX_POSTINGS = 20_000
MAX_FUZZY_CHOICES = 50_000
MAX_TYPED_CHOICES = 2_000
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
EXACT, PREFIX, WORDS, FUZZY = 1000, 800, 600, 300

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
            "id": vocab.curie(self.iri),
            "iri": self.iri,
            "label": self.entry.name,
            "type": self.entry.kind,
            "href": page_href(self.iri),
            "matched": {"field": self.entry.field, "text": self.entry.text, "how": self.how},
            "score": round(self.score, 1),
        }


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
  text TEXT NOT NULL, words TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE posting (word TEXT NOT NULL, entry INTEGER NOT NULL, PRIMARY KEY (word, entry))
  WITHOUT ROWID;
CREATE TABLE lexicon (word TEXT PRIMARY KEY, postings INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE near (length INTEGER NOT NULL, letter TEXT NOT NULL, word TEXT NOT NULL,
  PRIMARY KEY (length, letter, word)) WITHOUT ROWID;
"""


def write_index(db: sqlite3.Connection, catalog: Catalog) -> None:
    """Add the search tables for every term of ``catalog`` to its file."""
    db.executescript(_SCHEMA)
    entries, postings = [], []
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
            entry_id = len(entries)
            entries.append((entry_id, iri, field, shown, " ".join(words), key))
            postings += [(word, entry_id) for word in set(words)]
    catalog.get.cache_clear()
    db.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?)", entries)
    db.executemany("INSERT INTO posting VALUES (?, ?)", postings)
    db.execute("CREATE INDEX entry_key ON entry (key)")
    db.execute("INSERT INTO lexicon SELECT word, COUNT(*) FROM posting GROUP BY word ORDER BY word")
    # Typo candidates by (length, letter): a word is filed under its first and its second
    # letter, and a query word looks under its own first two, so one wrong, missing or
    # swapped letter anywhere is found while each look-up reads a small bucket.
    words = [w for (w,) in db.execute("SELECT word FROM lexicon") if len(w) >= MIN_FUZZY - 1]
    db.executemany(
        "INSERT INTO near VALUES (?, ?, ?)",
        ((len(w), letter, w) for w in words for letter in set(w[:2])),
    )


_ENTRY = (
    "SELECT e.id, e.term, e.field, e.text, e.words, t.kinds, t.label "
    "FROM entry e JOIN term t ON t.iri = e.term WHERE "
)
_BATCH = 500  # ids per IN (...) (SQLite's bound on host parameters is far above)
#: Past the last character a normalised key or word can hold ([0-9a-z ]): the upper bound
#: of a prefix range.
_AFTER = "~"


class SearchIndex:
    """The search tables of one catalog file."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.db = catalog.db

    # --- the API ----------------------------------------------------------------------

    def suggest(self, query: str, limit: int = 10, kind: str | None = None) -> list[Hit]:
        """Completions for a search box: prefixes and typos of the text typed so far."""
        return self._with_terms(self.rank(query, kind)[:limit])

    def search(
        self, query: str, kind: str | None = None, page: int = 0, size: int = 20
    ) -> tuple[int, list[Hit]]:
        """(number of hits, one page of them)."""
        hits = self.rank(query, kind)
        return len(hits), self._with_terms(hits[page * size : (page + 1) * size])

    def _with_terms(self, hits: list[Hit]) -> list[Hit]:
        for hit in hits:
            hit.term = self.catalog.get(hit.iri) or Term(hit.iri)
        return hits

    def rank(self, query: str, kind: str | None = None) -> list[Hit]:
        words = tuple(normalise(query[:MAX_QUERY]).split())
        if not words:
            return []
        best: dict[str, Hit] = {}

        def offer(entry: Entry, score: float, how: str) -> None:
            if kind and entry.kind != kind:
                return
            score -= FIELD_PENALTY.get(entry.field, 30)
            current = best.get(entry.term)
            if current is None or score > current.score:
                best[entry.term] = Hit(entry, score, how)

        key = "".join(words)
        for entry in self._entries_where("e.key = ?", (key,)):
            offer(entry, EXACT, "exact")
        self._prefixes(key, offer)
        self._words(words, offer)
        hits = sorted(best.values(), key=lambda h: (-h.score, len(h.entry.name), h.entry.name))
        return hits[:MAX_HITS]

    # --- reading the tables -------------------------------------------------------------

    def _entries_where(self, condition: str, params: tuple) -> list[Entry]:
        return [_entry(row) for row in self.db.execute(_ENTRY + condition, params)]

    def _entries(self, ids: list[int]) -> dict[int, Entry]:
        out: dict[int, Entry] = {}
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(_ENTRY + f"e.id IN ({marks})", chunk):
                out[row[0]] = _entry(row)
        return out

    def _postings(self, word: str) -> list[int]:
        rows = self.db.execute(
            "SELECT entry FROM posting WHERE word = ? LIMIT ?", (word, MAX_POSTINGS)
        )
        return [r[0] for r in rows]

    def _starting(self, table: str, column: str, start: str, limit: int) -> list[str]:
        """Distinct values of an indexed text column that start with ``start`` (bounded)."""
        rows = self.db.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} >= ? AND {column} < ? "
            f"ORDER BY {column} LIMIT ?",
            (start, start + _AFTER, limit),
        )
        return [r[0] for r in rows]

    # --- stages -----------------------------------------------------------------------

    def _prefixes(self, key: str, offer) -> None:
        keys = [k for k in self._starting("entry", "key", key, MAX_PREFIX_KEYS + 1) if k != key]
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start : start + _BATCH]
            marks = ",".join("?" * len(chunk))
            for entry in self._entries_where(f"e.key IN ({marks})", tuple(chunk)):
                offer(entry, PREFIX - min(len(entry.key) - len(key), 100), "prefix")

    def _words(self, words: tuple[str, ...], offer) -> None:
        """Entries holding every query word (exactly, as a prefix, or within a typo)."""
        per_word = [self._word_matches(w, last=i == len(words) - 1) for i, w in enumerate(words)]
        if not all(per_word):
            return
        typo = any(max(m.values()) < 100 for m in per_word)
        # Start from the rarest word's postings, then keep the entries the others also match.
        sizes = [sum(self._posting_count(w) for w in m) for m in per_word]
        order = sorted(range(len(words)), key=sizes.__getitem__)
        matched: dict[int, float] = {}
        for found, score in per_word[order[0]].items():
            for entry_id in self._postings(found):
                if matched.get(entry_id, -1.0) < score:
                    matched[entry_id] = score
            if len(matched) >= MAX_POSTINGS:
                break
        entries = self._entries(list(matched))
        for i in order[1:]:
            scores = per_word[i]
            kept: dict[int, float] = {}
            for entry_id, score in matched.items():
                here = [scores[w] for w in entries[entry_id].words if w in scores]
                if here:
                    kept[entry_id] = min(score, max(here))
            matched = kept
        query = " ".join(words)
        for entry_id, word_score in matched.items():
            entry = entries[entry_id]
            closeness = fuzz.ratio(query, " ".join(entry.words))  # 0..100
            if typo:
                offer(entry, FUZZY + (word_score + closeness) / 2, "fuzzy")
            else:
                offer(entry, WORDS + closeness, "words")

    def _posting_count(self, word: str) -> int:
        row = self.db.execute("SELECT postings FROM lexicon WHERE word = ?", (word,)).fetchone()
        return row[0] if row else 0

    def _word_matches(self, word: str, last: bool) -> dict[str, float]:
        """Index words equal to ``word`` (100), starting with it (99), or near it (< 100)."""
        out: dict[str, float] = {
            found: 100 if found == word else 99
            for found in self._starting("lexicon", "word", word, MAX_PREFIX_KEYS)
        }
        if len(word) >= MIN_FUZZY and not out:
            out.update(self._typos(word, last))
        return out

    def _typos(self, word: str, last: bool) -> dict[str, float]:
        """Words of nearly the same length within the similarity cut-off (rapidfuzz)."""
        out: dict[str, float] = {}
        budget = MAX_FUZZY_CHOICES
        for length in sorted(range(len(word) - 2, len(word) + 3), key=lambda n: abs(n - len(word))):
            for letter in set(word[:2]):
                rows = self.db.execute(
                    "SELECT word FROM near WHERE length = ? AND letter = ? LIMIT ?",
                    (length, letter, max(budget, 0)),
                )
                choices = [r[0] for r in rows]
                budget -= len(choices)
                for text, score, _ in process.extract(
                    word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=20
                ):
                    out[text] = max(out.get(text, 0), min(score, 98.0))
        if last:  # the word typed so far may start a longer one, with a typo ("interlukin")
            for text, score, _ in process.extract(
                word, self.words_from(word[:2]), scorer=_prefix_ratio, score_cutoff=85, limit=20
            ):
                out[text] = max(out.get(text, 0), min(score, 97.0))
        return out

    def words_from(self, start: str) -> list[str]:
        """Index words sharing the first characters (bounded), for typed-so-far typos."""
        return self._starting("lexicon", "word", start, MAX_TYPED_CHOICES)


#: The catalog's name among the files derived from a store; the version changes with its
#: tables (:func:`build_catalog`).
CATALOG_FILE = "catalog-v1.sqlite"


def build_catalog(path: Path, read: Read) -> None:
    """The catalog file with its search tables (run where the store is read: see loader)."""
    build_catalog_file(path, read, write_index)


def empty_catalog() -> Catalog:
    """A catalog without terms, its search tables included."""
    return Catalog.empty(write_index)


def _entry(row: tuple) -> Entry:
    _, iri, field, text, words, kinds, label = row
    kind = main_kind(kinds.split(","))
    return Entry(iri, field, text, tuple(words.split()), kind, label or vocab.curie(iri))


def _prefix_ratio(query: str, choice: str, **kwargs) -> float:
    """Similarity of the query with the choice's start of the same length (plus one)."""
    if len(choice) <= len(query):
        return 0.0
    return fuzz.ratio(query, choice[: len(query) + 1], **kwargs)
