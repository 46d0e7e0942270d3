"""What any parser in cytoowl is given: input checked first against a small, stated budget.

The engines' parsers (pyoxigraph's Rust parsers) have none of their own: an RDF/XML file of
1 KB with nested internal entities ("billion laughs") grew to 24 GB, and JSON, JSON-LD or a
SPARQL query nested some thousands deep overflowed the parser's stack (exit 139). So before
any parser sees a document:

* RDF/XML must not declare a DOCTYPE (where entities are declared): refused, not expanded.
  RDF/XML has no need of one; the check reads the prolog only (comments, processing
  instructions, whitespace), up to ``MAX_PROLOG_BYTES``.
* JSON and JSON-LD nest at most ``MAX_DEPTH`` arrays and objects; SPARQL at most
  ``MAX_DEPTH`` groups, brackets and parentheses.

Each check is one linear pass; a refusal is :class:`OverBudget`, one line naming what was too
big. Hand-written because no library offers a depth or DTD check cheaper than the parse
it must guard (the standard ``json`` module recurses too).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

MAX_DEPTH = 64  # the release's JSON-LD nests 8 deep; SPARQL queries of sparql/ 6 at most
MAX_PROLOG_BYTES = 1 << 20


class OverBudget(ValueError):
    """Input past a parser budget; the message says which (one line)."""


_PROLOG_ITEM = re.compile(rb"[ \t\r\n]+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def check_rdf_xml(head: bytes) -> None:
    """:class:`OverBudget` if the XML document starting with ``head`` declares a DOCTYPE
    (entities) before its root element, or has no root element within the budget."""
    for bom, encoding in _BOMS:  # UTF-16 would hide the declaration from a bytes scan
        if head.startswith(bom):
            head = head[len(bom) : MAX_PROLOG_BYTES].decode(encoding, "replace").encode()
            break
    head = head.removeprefix(codecs.BOM_UTF8)[:MAX_PROLOG_BYTES]
    position = 0
    while found := _PROLOG_ITEM.match(head, position):
        position = found.end()
    if head.startswith(b"<!", position):
        raise OverBudget(
            "RDF/XML with a DOCTYPE is refused (entity declarations could expand without "
            "bound); remove the DOCTYPE and write the IRIs in full"
        )
    if position >= MAX_PROLOG_BYTES:
        raise OverBudget(f"no RDF/XML root element within the first {MAX_PROLOG_BYTES} bytes")


def check_json_depth(body: bytes | str, limit: int = MAX_DEPTH) -> None:
    """:class:`OverBudget` if arrays and objects in ``body`` nest deeper than ``limit``
    (brackets inside strings do not count)."""
    text = body.encode() if isinstance(body, str) else body
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        kind = token.group()[:1]
        if kind in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise OverBudget(f"JSON nested deeper than {limit} levels")
        elif kind in (b"]", b"}"):
            depth -= 1


_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def check_nesting(kinds: Iterable[str], limit: int = MAX_DEPTH, what: str = "query") -> None:
    """:class:`OverBudget` if the brackets ``{[(`` among ``kinds`` (the punctuation tokens
    of a query, in order) nest deeper than ``limit``."""
    depth = 0
    for kind in kinds:
        if kind in _OPENING:
            depth += 1
            if depth > limit:
                raise OverBudget(f"{what} nested deeper than {limit} groups or brackets")
        elif kind in _CLOSING:
            depth -= 1


_OPENING, _CLOSING = frozenset("{[("), frozenset("}])")
