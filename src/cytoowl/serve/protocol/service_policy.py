"""The SERVICE policy: a query is refused unless every SERVICE it could execute is allow-listed.

The check fails closed where it and the engine could read a query differently:

1. the query is tokenized (:mod:`.lexer`) twice, as sent (pyoxigraph decodes ``\\u``
   escapes only inside IRIs and strings) and after SPARQL's escape processing (§19.2, which
   rdflib applies); every word starting with ``service`` in either is a SERVICE keyword
   (the engine also accepts ``SERVICE:x`` and ``SERVICESILENT<...>``);
2. each target is resolved the way the engine would: an IRI against the BASE in force
   (or the endpoint's URL), a prefixed name through the PREFIX declarations; a variable, a
   blank node or anything unresolvable is refused;
3. whenever the letters ``service`` occur anywhere, rdflib's parser must also read the query,
   find exactly as many SERVICE patterns as both tokenizations, and each of its targets must
   be allow-listed too; a query it cannot parse is refused.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from cytoowl.serve.protocol import lexer

_DEFAULT_PORTS = {"http": 80, "https": 443}


class QueryRefused(Exception):
    """The query asks for something the server does not allow (e.g. SERVICE)."""


@dataclass(frozen=True)
class Endpoint:
    """One allow-list entry: scheme, host and port match exactly, the path by prefix."""

    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, entry: str) -> Endpoint:
        """An IRI (``https://host[:port]/path``), or a bare host name meaning ``https://host/``."""
        parts = _split(entry if "://" in entry else f"https://{entry}/")
        if parts is None:
            raise ValueError(f"not an http(s) endpoint: {entry!r}")
        scheme, host, port, path = parts
        return cls(scheme, host, port, path)

    def admits(self, iri: str) -> bool:
        parts = _split(iri)
        if parts is None:
            return False
        scheme, host, port, path = parts
        if (scheme, host, port) != (self.scheme, self.host, self.port):
            return False
        if self.path in ("", "/") or path == self.path:
            return True
        prefix = self.path if self.path.endswith("/") else self.path + "/"
        return path.startswith(prefix)


def _split(iri: str) -> tuple[str, str, int, str] | None:
    """Scheme, host, port and normalised path of an http(s) IRI; None if it is not one."""
    try:
        parts: SplitResult = urlsplit(iri)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or "\\" in iri:
        return None
    if "%2e" in parts.path.lower():  # an encoded dot segment some client might decode
        return None
    path = parts.path or "/"
    normal = posixpath.normpath(path) if "/." in path else path
    if path.endswith("/") and not normal.endswith("/"):
        normal += "/"
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme], normal


def service_allowed(iri: str, allowlist: tuple[str, ...]) -> bool:
    """True if some allow-list entry admits ``iri`` (see :class:`Endpoint`)."""
    return any(Endpoint.parse(entry).admits(iri) for entry in allowlist)


def _refuse(target: str) -> QueryRefused:
    return QueryRefused(
        f"SERVICE {target} is not allowed: federated queries are off except to "
        "allow-listed endpoints (CYTOOWL_SERVICE_ALLOWLIST)"
    )


def _iri(token: str) -> str:
    return lexer.unescape(token[1:-1])


def _targets(text: str, base: str | None) -> tuple[int, list[str]]:
    """SERVICE keywords of one tokenization and their resolved targets (raises if unclear)."""
    prefixes: dict[str, str] = {}
    found: list[str] = []
    items = list(lexer.tokens(text))
    index = 0
    while index < len(items):
        token = items[index]
        word = token.text.casefold() if token.kind == lexer.WORD else ""
        index += 1
        if word in ("base", "prefix") and index < len(items):
            declared = _declaration(word, items, index, prefixes, base)
            if declared is not None:
                base, index = declared
            continue
        if not word.startswith("service"):
            continue
        rest = token.text[len("service") :]
        if rest.casefold().startswith("silent"):
            rest = rest[len("silent") :]
        if not rest:
            if index < len(items) and items[index].text.casefold() == "silent":
                index += 1
            if index >= len(items):
                raise QueryRefused("SERVICE without an endpoint")
            target, index = items[index], index + 1
        else:
            target = lexer.Token(lexer.WORD, rest, token.start)
        found.append(_resolve(target, prefixes, base))
    return len(found), found


def _declaration(
    word: str, items: list[lexer.Token], index: int, prefixes: dict[str, str], base: str | None
) -> tuple[str | None, int] | None:
    """Apply ``BASE <iri>`` or ``PREFIX ns: <iri>``; the new base and the next index."""
    if word == "base" and items[index].kind == lexer.IRI:
        return _join(base, _iri(items[index].text)), index + 1
    if (
        word == "prefix"
        and index + 1 < len(items)
        and items[index].text.endswith(":")
        and items[index + 1].kind == lexer.IRI
    ):
        prefixes[items[index].text[:-1]] = _join(base, _iri(items[index + 1].text))
        return base, index + 2
    return None


def _join(base: str | None, iri: str) -> str:
    if urlsplit(iri).scheme:
        return iri
    if base is None:
        raise QueryRefused(f"relative IRI <{iri}> without a base")
    return urljoin(base, iri)


def _resolve(target: lexer.Token, prefixes: dict[str, str], base: str | None) -> str:
    if target.kind == lexer.IRI:
        return _join(base, _iri(target.text))
    if target.kind == lexer.WORD and ":" in target.text and not target.text.startswith("_:"):
        namespace, _, local = target.text.partition(":")
        if namespace in prefixes and "\\" not in local and "%" not in local:
            return prefixes[namespace] + local
        raise QueryRefused(f"SERVICE {target.text}: its prefix cannot be resolved here")
    if target.kind == lexer.VAR:
        raise QueryRefused("SERVICE with a variable endpoint is not allowed")
    raise QueryRefused(f"SERVICE {target.text[:40]!r}: the endpoint cannot be checked")


def _rdflib_targets(text: str, base: str | None) -> list[Any]:
    """Every SERVICE target rdflib's parser finds (prefixed names resolved)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = translateQuery(parseQuery(text), base=base).algebra
    except Exception:  # rdflib's grammar is narrower than oxigraph's: fail closed
        raise QueryRefused(
            "the query mentions SERVICE but could not be checked against the allow-list"
        ) from None
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
    return targets


def check_service(query: str, allowlist: tuple[str, ...], base: str | None = None) -> None:
    """Raise QueryRefused unless every SERVICE the query could call is allow-listed.

    ``base`` is the base IRI the engine resolves relative IRIs against (the endpoint URL).
    """
    escaped = lexer.unescape(query)
    if "service" not in query.casefold() and "service" not in escaped.casefold():
        return  # the engine cannot see the keyword without its letters
    count, targets = _targets(query, base)
    escaped_count, escaped_targets = _targets(escaped, base)
    if not allowlist and (count or escaped_count):
        # Nothing is allowed, so a keyword seen is enough to refuse (no parse needed); a
        # query whose letters the tokenizers did not take for a keyword still goes on to
        # the parser, which must find none either.
        raise _refuse(f"<{(targets or escaped_targets)[0]}>")
    from rdflib.term import URIRef

    parsed = _rdflib_targets(query, base)
    if not count == escaped_count == len(parsed):
        raise QueryRefused(
            "the query's SERVICE clauses could not be checked unambiguously: "
            f"{count} SERVICE keyword(s) as sent, {escaped_count} after escape processing, "
            f"{len(parsed)} found by the parser"
        )
    for target in parsed:
        if not isinstance(target, URIRef):
            raise QueryRefused("SERVICE with a variable endpoint is not allowed")
    for target in [*targets, *escaped_targets, *map(str, parsed)]:
        if not service_allowed(target, allowlist):
            raise _refuse(f"<{target}>")
