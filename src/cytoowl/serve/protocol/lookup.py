"""Recognising bounded single-pattern lookups, which may skip the query-worker hop."""

from __future__ import annotations

import re

_TERM = r"(?:[?$]\w+|<[^<>\s\"{}|^`\\]*>)"
_LOOKUP = re.compile(
    rf"\s*SELECT\s+(?:\*|(?:[?$]\w+\s*)+)\s*(?:WHERE\s*)?\{{\s*({_TERM})\s+({_TERM})\s+({_TERM})"
    r"\s*\.?\s*\}\s*(?:LIMIT\s+\d+\s*)?",
    re.IGNORECASE,
)


def is_bounded_lookup(query: str) -> bool:
    """True for ``SELECT ... WHERE { s p o } [LIMIT n]`` with at least one IRI bound.

    Such a query is one index range scan that streams its rows, so with the row cap it
    costs at most ``row_limit`` rows and cannot run away: it may skip the worker hop.
    """
    found = _LOOKUP.fullmatch(query)
    return bool(found) and any(term.startswith("<") for term in found.groups())
