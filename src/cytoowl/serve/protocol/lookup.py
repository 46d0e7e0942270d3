"""Recognising bounded single-pattern lookups, which may skip the query-worker hop.

This runs on the event loop, so it reads at most ``MAX_LOOKUP_CHARS`` characters: first one
anchored regular expression for the plain spelling (no nested repetition that can backtrack
far: ~160 us at the limit), then a single left-to-right pass over the tokens
(:mod:`.lexer`) that stops at the first token that does not fit. A looser regular
expression here once took time quadratic in the query length.
"""

from __future__ import annotations

import re
from itertools import islice

from cytoowl.serve.protocol import lexer

MAX_LOOKUP_CHARS = 4096  # a lookup is one triple pattern: anything longer goes to a worker
_MAX_TOKENS = 64

_WS = r"[ \t\r\n]"
_TERM = r"(<[^<>\"{}|^`\\\x00-\x20]*>|[?$]\w+)"
#: The plain spelling of a lookup: whitespace-separated, no comments, escapes or prefixed
#: names, at most 40 variables. Everything it accepts the token pass accepts too (a test
#: checks this on generated queries); it is there because it takes ~2 us where the token
#: pass takes ~30 us, a tenth of a lookup's time in the server. Other spellings go on to
#: the token pass.
_PLAIN = re.compile(
    rf"(?i:SELECT){_WS}+(?:\*|[?$]\w+(?:{_WS}+[?$]\w+){{0,39}}){_WS}+(?:(?i:WHERE){_WS}*)?"
    rf"\{{{_WS}*{_TERM}{_WS}+{_TERM}{_WS}+{_TERM}{_WS}*(?:\.{_WS}*)?\}}"
    rf"(?:{_WS}*(?i:LIMIT){_WS}+[0-9]+)?{_WS}*"
)


def is_plain_lookup(query: str) -> bool:
    """A bounded lookup in its plain spelling (see ``_PLAIN``)."""
    found = _PLAIN.fullmatch(query)
    return found is not None and any(term.startswith("<") for term in found.groups())


def is_bounded_lookup(query: str) -> bool:
    """True for ``SELECT ... WHERE { s p o [.] } [LIMIT n]`` with at least one IRI bound.

    Such a query is one index range scan that streams its rows, so with the row cap it
    costs at most ``row_limit`` rows and cannot run away: it may skip the worker hop.
    """
    return lookup_spelling(query) is not None


#: How a bounded lookup is spelt (:func:`lookup_spelling`).
PLAIN, TOKENS = "plain", "tokens"


def lookup_spelling(query: str) -> str | None:
    """:data:`PLAIN` for a bounded lookup in the plain spelling, :data:`TOKENS` for one in
    another spelling, None for anything else (see :func:`is_bounded_lookup`).

    A plain lookup has no backslash, comment, string or prefixed name, and no word but
    SELECT, WHERE and LIMIT, so there is no SERVICE, FROM or deep nesting to look for in it,
    escaped or not: the query's other checks may be skipped for it, not for the others.
    """
    if len(query) > MAX_LOOKUP_CHARS:
        return None
    if is_plain_lookup(query):
        return PLAIN
    return TOKENS if is_lookup_by_tokens(query) else None


def is_lookup_by_tokens(query: str) -> bool:
    """:func:`is_bounded_lookup` decided on the tokens (any spelling the engine reads)."""
    items = list(islice(lexer.tokens(query), _MAX_TOKENS + 1))
    if len(items) > _MAX_TOKENS or len(items) < 6:
        return False
    words = [t.text.upper() if t.kind == lexer.WORD else t.text for t in items]
    words.append("")  # a sentinel: indexing past the end reads ""
    if words[0] != "SELECT":
        return False
    index = 1
    if words[index] == "*":
        index += 1
    else:
        while index < len(items) and items[index].kind == lexer.VAR:
            index += 1
        if index == 1:
            return False
    if words[index] == "WHERE":
        index += 1
    pattern = items[index + 1 : index + 4]
    if words[index] != "{" or len(pattern) < 3:
        return False
    if not all(t.kind in (lexer.VAR, lexer.IRI) for t in pattern):
        return False
    if not any(t.kind == lexer.IRI for t in pattern):
        return False
    rest = words[index + 4 : -1]
    if rest[:1] == ["."]:
        rest = rest[1:]
    if rest[:1] != ["}"]:
        return False
    rest = rest[1:]
    return rest == [] or (
        len(rest) == 2
        and rest[0] == "LIMIT"
        and items[-1].kind == lexer.NUMBER
        and rest[1].isdigit()
    )
