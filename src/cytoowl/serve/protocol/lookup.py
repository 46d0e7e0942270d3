"""Recognising bounded single-pattern lookups, which may skip the query-worker hop.

This runs on the event loop, so it is a single left-to-right pass over at most
``MAX_LOOKUP_CHARS`` characters of tokens (:mod:`.lexer`) that stops at the first token
that does not fit; a regular expression here once took time quadratic in the query length.
"""

from __future__ import annotations

from itertools import islice

from cytoowl.serve.protocol import lexer

MAX_LOOKUP_CHARS = 4096  # a lookup is one triple pattern: anything longer goes to a worker
_MAX_TOKENS = 64


def is_bounded_lookup(query: str) -> bool:
    """True for ``SELECT ... WHERE { s p o [.] } [LIMIT n]`` with at least one IRI bound.

    Such a query is one index range scan that streams its rows, so with the row cap it
    costs at most ``row_limit`` rows and cannot run away: it may skip the worker hop.
    """
    if len(query) > MAX_LOOKUP_CHARS:
        return False
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
