"""A linear-time SPARQL tokenizer for the checks the server makes before the engine runs.

Written by hand because the checks must see the text the way the engine's grammar does
(comments ended by CR or LF, the four string forms, IRIs with ``\\u`` escapes, prefixed
names with ``\\``-escapes) and must never take more than linear time on hostile input;
rdflib's pyparsing grammar is neither linear nor the engine's. Every token pattern is
anchored at the current position and consumes what it scans, so each character is read a
bounded number of times. Unknown characters become one-character ``PUNCT`` tokens; an
unterminated string or long string is one ``ERROR`` token running to the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from cytoowl import budgets

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

WS, COMMENT, STRING, IRI, VAR, WORD, NUMBER, PUNCT, ERROR = (
    "WS",
    "COMMENT",
    "STRING",
    "IRI",
    "VAR",
    "WORD",
    "NUMBER",
    "PUNCT",
    "ERROR",
)

# Order matters: long strings before short ones.
_PATTERNS = [
    (WS, re.compile(r"[ \t\r\n]+")),
    (COMMENT, re.compile(r"#[^\r\n]*")),
    (STRING, re.compile(r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''", re.DOTALL)),
    (STRING, re.compile(r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""', re.DOTALL)),
    (STRING, re.compile(r"'(?:[^'\\\r\n]|\\.)*'", re.DOTALL)),
    (STRING, re.compile(r'"(?:[^"\\\r\n]|\\.)*"', re.DOTALL)),
    (IRI, re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")),
    (VAR, re.compile(r"[?$]\w+")),
    (NUMBER, re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?")),
    # Keywords, prefixed names (with PN_LOCAL's %HH and \-escapes), blank-node labels.
    (WORD, re.compile(r"(?:[^\W\d]|:)(?:[\w\-.:%]|\\[_~.\-!$&'()*+,;=/?#@%])*")),
]


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int


def unescape(text: str) -> str:
    """SPARQL 1.1 §19.2: ``\\uXXXX`` and ``\\UXXXXXXXX`` are code points, in any position."""

    def replace(found: re.Match[str]) -> str:
        code = int(found.group(1) or found.group(2), 16)
        return chr(code) if code <= 0x10FFFF else found.group(0)

    return _ESCAPE.sub(replace, text)


_MASTER = re.compile(
    "|".join(f"(?P<{kind}{i}>{pattern.pattern})" for i, (kind, pattern) in enumerate(_PATTERNS)),
    re.DOTALL,
)


def tokens(text: str, significant: bool = True) -> Iterator[Token]:
    """The tokens of ``text`` in order (without whitespace and comments if ``significant``)."""
    position, end = 0, len(text)
    match = _MASTER.match
    while position < end:
        found = match(text, position)
        if found is None:
            kind, stop = (ERROR, end) if text[position] in "'\"" else (PUNCT, position + 1)
        else:
            kind, stop = found.lastgroup.rstrip("0123456789"), found.end()  # type: ignore[union-attr]
            if kind == WORD:  # a prefixed name cannot end with '.'
                stop = position + len(found.group(0).rstrip("."))
        if not (significant and kind in (WS, COMMENT)):
            yield Token(kind, text[position:stop], position)
        position = stop


def has_dataset_clause(query: str) -> bool:
    """True when the query names its own dataset (``FROM`` or ``FROM NAMED``): the keyword
    as a word, not inside a string, IRI, comment, variable or prefixed name."""
    return any(t.kind == WORD and t.text.upper() == "FROM" for t in tokens(query))


def check_nesting(text: str, what: str = "query") -> None:
    """``OverBudget`` (:mod:`cytoowl.budgets`) if the groups, brackets and parentheses of a
    SPARQL query (or a Turtle document: the same tokens) nest deeper than the parsers'
    budget: the engine's parser recurses, and a query of 5,000 nested groups overflowed
    its stack (signal 11)."""
    budgets.check_nesting((t.text for t in tokens(text) if t.kind == PUNCT), what=what)
