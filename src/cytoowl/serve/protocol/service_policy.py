"""The SERVICE policy: federated queries are refused unless every target is allow-listed."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryRefused(Exception):
    """The query asks for something the server does not allow (e.g. SERVICE)."""


def _unescape(query: str) -> str:
    # SPARQL applies \u escapes to the whole query text before parsing (SPARQL 1.1 §19.2),
    # so a keyword could hide behind them.
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def service_allowed(iri: str, allowlist: tuple[str, ...]) -> bool:
    """An allow-list entry is a host name or an IRI prefix (when it contains ``://``)."""
    host = urlsplit(iri).hostname or ""
    return any(iri.startswith(e) if "://" in e else host == e.lower() for e in allowlist)


def check_service(query: str, allowlist: tuple[str, ...]) -> None:
    """Raise QueryRefused if the query calls SERVICE on an endpoint not allow-listed.

    Cheap when the word SERVICE does not occur; otherwise rdflib's parser finds every
    SERVICE target (resolving prefixes); a variable target or an unparseable query that
    mentions SERVICE is refused, since it cannot be checked.
    """
    text = _unescape(query)
    if "service" not in text.lower():
        return
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # rdflib's grammar is narrower than oxigraph's: be safe
        if re.search(r"\bSERVICE\b", text, re.IGNORECASE):
            raise QueryRefused(
                "the query mentions SERVICE but could not be checked against the allow-list"
            ) from None
        return
    targets: list[Any] = []
    stack: list[Any] = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                targets.append(node.get("term"))
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    for target in targets:
        if not isinstance(target, URIRef):
            raise QueryRefused("SERVICE with a variable endpoint is not allowed")
        if not service_allowed(str(target), allowlist):
            raise QueryRefused(
                f"SERVICE <{target}> is not allowed: federated queries are off except to "
                "allow-listed endpoints (CYTOOWL_SERVICE_ALLOWLIST)"
            )
