"""Term search over the catalog: labels, synonyms, symbols, CURIEs and external ids.

An in-memory index built once at start-up (the data is read-only while the server runs):
exact keys, sorted keys for prefixes, a word index, and a typo-tolerant stage that scores
words with rapidfuzz. A full-text engine (tantivy) would add a Rust index and a query
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
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from cytoowl.serve.catalog import Catalog, Term

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
    term: int
    field: str
    text: str
    words: tuple[str, ...]

    @property
    def key(self) -> str:
        return "".join(self.words)


@dataclass
class Hit:
    term: Term
    score: float
    entry: Entry
    how: str

    def json(self) -> dict:
        from cytoowl.serve.hierarchy import page_href

        return {
            "id": self.term.id,
            "iri": self.term.iri,
            "label": self.term.name,
            "type": self.term.kind,
            "href": page_href(self.term),
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


class SearchIndex:
    """The index of one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.terms: list[Term] = list(catalog.terms.values())
        self.entries: list[Entry] = []
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for index, term in enumerate(self.terms):
            seen: set[tuple[str, str]] = set()
            for field, text, shown in _texts(term):
                words = tuple(normalise(text).split())
                if not words or (field, "".join(words)) in seen:
                    continue
                seen.add((field, "".join(words)))
                entry_id = len(self.entries)
                self.entries.append(Entry(index, field, shown, words))
                self.by_key["".join(words)].append(entry_id)
                for word in set(words):
                    self.by_word[word].append(entry_id)
        self.keys = sorted(self.by_key)
        self.words = sorted(self.by_word)
        # Typo candidates by (length, letter): a word is filed under its first and its second
        # letter, and a query word looks under its own first two, so one wrong, missing or
        # swapped letter anywhere is found while each look-up reads a small bucket.
        self.near: dict[tuple[int, str], list[str]] = defaultdict(list)
        for word in self.words:
            if len(word) >= MIN_FUZZY - 1:
                for letter in set(word[:2]):
                    self.near[(len(word), letter)].append(word)

    # --- the API ----------------------------------------------------------------------

    def suggest(self, query: str, limit: int = 10, kind: str | None = None) -> list[Hit]:
        """Completions for a search box: prefixes and typos of the text typed so far."""
        return self.rank(query, kind)[:limit]

    def search(
        self, query: str, kind: str | None = None, page: int = 0, size: int = 20
    ) -> tuple[int, list[Hit]]:
        """(number of hits, one page of them)."""
        hits = self.rank(query, kind)
        return len(hits), hits[page * size : (page + 1) * size]

    def rank(self, query: str, kind: str | None = None) -> list[Hit]:
        words = tuple(normalise(query[:MAX_QUERY]).split())
        if not words:
            return []
        best: dict[int, Hit] = {}

        def offer(entry_id: int, score: float, how: str) -> None:
            entry = self.entries[entry_id]
            term = self.terms[entry.term]
            if kind and term.kind != kind:
                return
            score -= FIELD_PENALTY.get(entry.field, 30)
            current = best.get(entry.term)
            if current is None or score > current.score:
                best[entry.term] = Hit(term, score, entry, how)

        key = "".join(words)
        for entry_id in self.by_key.get(key, ()):
            offer(entry_id, EXACT, "exact")
        self._prefixes(key, offer)
        self._words(words, offer)
        hits = sorted(best.values(), key=lambda h: (-h.score, len(h.term.name), h.term.name))
        return hits[:MAX_HITS]

    # --- stages -----------------------------------------------------------------------

    def _prefixes(self, key: str, offer) -> None:
        start = bisect_left(self.keys, key)
        for found in self.keys[start : start + MAX_PREFIX_KEYS]:
            if not found.startswith(key):
                break
            if found != key:
                for entry_id in self.by_key[found]:
                    offer(entry_id, PREFIX - min(len(found) - len(key), 100), "prefix")

    def _words(self, words: tuple[str, ...], offer) -> None:
        """Entries holding every query word (exactly, as a prefix, or within a typo)."""
        per_word = [self._word_matches(w, last=i == len(words) - 1) for i, w in enumerate(words)]
        if not all(per_word):
            return
        typo = any(max(m.values()) < 100 for m in per_word)
        # Start from the rarest word's postings, then keep the entries the others also match.
        sizes = [sum(len(self.by_word[w]) for w in m) for m in per_word]
        order = sorted(range(len(words)), key=sizes.__getitem__)
        matched: dict[int, float] = {}
        for found, score in per_word[order[0]].items():
            for entry_id in self.by_word[found][:MAX_POSTINGS]:
                if matched.get(entry_id, -1.0) < score:
                    matched[entry_id] = score
            if len(matched) >= MAX_POSTINGS:
                break
        for i in order[1:]:
            scores = per_word[i]
            kept: dict[int, float] = {}
            for entry_id, score in matched.items():
                here = [scores[w] for w in self.entries[entry_id].words if w in scores]
                if here:
                    kept[entry_id] = min(score, max(here))
            matched = kept
        query = " ".join(words)
        for entry_id, word_score in matched.items():
            entry = self.entries[entry_id]
            closeness = fuzz.ratio(query, " ".join(entry.words))  # 0..100
            if typo:
                offer(entry_id, FUZZY + (word_score + closeness) / 2, "fuzzy")
            else:
                offer(entry_id, WORDS + closeness, "words")

    def _word_matches(self, word: str, last: bool) -> dict[str, float]:
        """Index words equal to ``word`` (100), starting with it (99), or near it (< 100)."""
        out: dict[str, float] = {}
        start = bisect_left(self.words, word)
        for found in self.words[start : start + MAX_PREFIX_KEYS]:
            if not found.startswith(word):
                break
            out[found] = 100 if found == word else 99
        if len(word) >= MIN_FUZZY and not out:
            out.update(self._typos(word, last))
        return out

    def _typos(self, word: str, last: bool) -> dict[str, float]:
        """Words of nearly the same length within the similarity cut-off (rapidfuzz)."""
        out: dict[str, float] = {}
        budget = MAX_FUZZY_CHOICES
        for length in sorted(range(len(word) - 2, len(word) + 3), key=lambda n: abs(n - len(word))):
            for letter in set(word[:2]):
                choices = self.near.get((length, letter), [])[:budget]
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
        begin = bisect_left(self.words, start)
        out = []
        for word in self.words[begin : begin + MAX_TYPED_CHOICES]:
            if not word.startswith(start):
                break
            out.append(word)
        return out


def _prefix_ratio(query: str, choice: str, **kwargs) -> float:
    """Similarity of the query with the choice's start of the same length (plus one)."""
    if len(choice) <= len(query):
        return 0.0
    return fuzz.ratio(query, choice[: len(query) + 1], **kwargs)
