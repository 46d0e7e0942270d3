"""``cytoowl publish``: the release, shapes and example queries (or other files) into named
graphs of a remote SPARQL engine, replacing the previous version in one step.

Every target graph is first uploaded to a fresh staging graph over the SPARQL 1.1 Graph Store
Protocol (PUT, then POST for further files of the same graph); only when every upload has
succeeded does one SPARQL Update request switch all targets (:func:`switch`: ``MOVE`` where a
request is one transaction, as in Oxigraph; one DELETE/INSERT operation elsewhere, as in
Virtuoso, see docs/engines.md), so a reader sees either the old version of all the graphs or
the new one. On any failure the staging graphs are dropped and the targets are untouched; the
error carries the engine's own message.
"""

from __future__ import annotations

import contextlib
import html
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
from pyoxigraph import QueryResultsFormat, RdfFormat, parse_query_results, serialize

from cytoowl import dataset, vocab
from cytoowl.engines import Endpoints, auth_for
from cytoowl.publish.rdffiles import CHUNK, rdf_file

#: (what is being sent, bytes sent so far, bytes in all) after each chunk
Progress = Callable[[str, int, int], None]
STAGING = "urn:cytoowl:staging:"


class PublishError(Exception):
    """Publishing failed; nothing was replaced. The message includes the engine's answer."""


@dataclass
class Part:
    """One upload: a file, or bytes made here (the example queries), for one target graph."""

    graph: str
    label: str
    media_type: str
    file: Path | None = None
    data: bytes = b""

    @property
    def size(self) -> int:
        return self.file.stat().st_size if self.file is not None else len(self.data)


@dataclass
class _Body:
    """A request body that can be sent again (Digest auth may replay it), read in chunks."""

    part: Part
    report: Callable[[int], None]

    def __iter__(self) -> Iterator[bytes]:
        if self.part.file is None:
            self.report(len(self.part.data))
            yield self.part.data
            return
        with self.part.file.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                self.report(len(chunk))
                yield chunk


# HTML tags, not the <iri> of a graph the message names
_TAG = re.compile(r"<!DOCTYPE[^>]*>|</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?>")


def _text(body: str) -> str:
    """An engine's error page as one line of text (Virtuoso answers in HTML)."""
    if "<html" in body.lower():
        body = re.sub(r"(?is)<(script|style|title|h1)\b.*?</\1>", " ", body)
        body = html.unescape(_TAG.sub(" ", body))
    return " ".join(body.split())


def release_parts(sources: dataset.Sources, graph: str | None = None) -> list[Part]:
    """The served dataset: release (into ``graph`` if given), shapes, example queries."""
    release = sources.ontology_file
    if not release.exists():
        raise PublishError(f"no release at {release}: run `cytoowl build` first")
    parts = [
        Part(
            graph or dataset.ONTOLOGY_GRAPH,
            release.name,
            dataset.rdf_format(release).media_type,
            release,
        )
    ]
    for shapes in sources.shape_files():
        parts.append(Part(dataset.SHAPES_GRAPH, shapes.name, "text/turtle", shapes))
    triples = [q.triple for q in dataset.example_quads(sources.examples())]
    body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    parts.append(Part(dataset.QUERIES_GRAPH, "example queries", "application/n-triples", data=body))
    return parts


def file_parts(files: list[Path], graph: str, stack: ExitStack) -> list[Part]:
    """Files for one graph (a ``.gz`` file is sent as a decompressed temporary copy that
    lives as long as ``stack``: engines differ on compressed or chunked request bodies)."""
    parts = []
    for path in files:
        described = rdf_file(path)
        described.check_budget()  # the engine's parser has no budget either
        plain = stack.enter_context(described.plain())
        parts.append(Part(graph, path.name, described.media_type, plain))
    return parts


class Writer:
    """The write side of a remote store: Graph Store Protocol uploads and SPARQL Update."""

    def __init__(
        self,
        endpoints: Endpoints,
        user: str | None,
        password: str | None,
        timeout: float,
    ) -> None:
        self.endpoints = endpoints
        self.update_url, self.graph_store_url = endpoints.require_writable()
        auth = auth_for(endpoints.engine, user, password)
        self.client = httpx.Client(auth=auth, timeout=httpx.Timeout(timeout, connect=10))

    def close(self) -> None:
        self.client.close()

    def _check(self, response: httpx.Response, what: str) -> None:
        if response.status_code in (200, 201, 204):
            return
        hint = ""
        if response.status_code in (401, 403):
            hint = " (set CYTOOWL_STORE_USER and CYTOOWL_STORE_PASSWORD)"
        message = _text(response.text)[:2000] or response.reason_phrase
        raise PublishError(
            f"{self.endpoints.engine.name} store refused {what}: "
            f"HTTP {response.status_code}{hint}: {message}"
        )

    def _send(self, method: str, url: str, what: str, **kwargs: object) -> None:
        try:
            response = self.client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise PublishError(f"{what}: the store did not answer in time ({url})") from None
        except httpx.HTTPError as exc:
            raise PublishError(f"{what}: cannot reach the store at {url}: {exc}") from None
        self._check(response, what)

    def update(self, text: str) -> None:
        self._send("POST", self.update_url, f"the update {text[:200]!r}", data={"update": text})

    def upload(self, part: Part, graph: str, replace: bool, report: Callable[[int], None]) -> None:
        """PUT (replace) or POST (add) one part into ``graph``."""
        self._send(
            "PUT" if replace else "POST",
            self.graph_store_url,
            f"{part.label} (into {part.graph})",
            params=[
                (self.endpoints.engine.graph_param, graph),
                *self.endpoints.engine.staging_params,
            ],
            content=_Body(part, report),
            headers={"Content-Type": part.media_type, "Content-Length": str(part.size)},
        )

    def counts(self, graphs: list[str]) -> dict[str, int]:
        """Triples per graph, read back through the query endpoint."""
        values = vocab.sparql_iris(graphs)
        query = (
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
            "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        try:
            response = self.client.post(
                self.endpoints.query,
                data={"query": query},
                headers={"Accept": "application/sparql-results+json"},
            )
        except httpx.HTTPError as exc:
            raise PublishError(f"cannot read back the counts: {exc}") from None
        self._check(response, "the count query")
        rows = parse_query_results(response.content, QueryResultsFormat.JSON)
        found = {row["g"].value: int(row["n"].value) for row in rows}  # type: ignore[index]
        return {g: found.get(g, 0) for g in graphs}


def publish(writer: Writer, parts: list[Part], progress: Progress | None = None) -> dict[str, int]:
    """Upload ``parts`` to staging graphs, then switch all targets in one update.

    Returns the triples now in each target graph. Raises PublishError with nothing replaced.
    """
    token = secrets.token_hex(8)
    targets = list(dict.fromkeys(p.graph for p in parts))
    try:  # before any request: a graph name is an IRI, never SPARQL text
        vocab.sparql_iris(targets)
    except ValueError as exc:
        raise PublishError(f"target graph {exc}") from None
    staging = {g: f"{STAGING}{token}:{i}" for i, g in enumerate(targets)}
    total = sum(p.size for p in parts)
    sent = 0

    def report(label: str) -> Callable[[int], None]:
        def add(n: int) -> None:
            nonlocal sent
            sent += n
            if progress is not None:
                progress(label, sent, total)

        return add

    try:
        # Also the first authenticated request: Digest auth learns its challenge here, before
        # any large body is sent.
        writer.update(_drop(staging.values()))
        started: set[str] = set()
        for part in parts:
            writer.upload(part, staging[part.graph], part.graph not in started, report(part.label))
            started.add(part.graph)
        writer.update(switch(staging, writer.endpoints.engine.atomic_requests))
    except PublishError:
        _drop_quietly(writer, list(staging.values()))
        raise
    return writer.counts(targets)


def switch(staging: dict[str, str], atomic_requests: bool) -> str:
    """The update that replaces each target by its staging graph, all at once.

    Where a request is one transaction (Oxigraph) that is a ``MOVE`` per graph; elsewhere
    (Virtuoso) one DELETE/INSERT operation, which the engine runs as one statement.
    """
    iri = vocab.sparql_iri
    if atomic_requests:
        return " ;\n".join(f"MOVE {iri(s)} TO {iri(g)}" for g, s in staging.items())
    targets = vocab.sparql_iris(staging)
    pairs = " ".join(f"({iri(s)} {iri(g)})" for g, s in staging.items())
    return (
        "DELETE { GRAPH ?old { ?s ?p ?o } } INSERT { GRAPH ?target { ?s2 ?p2 ?o2 } }\n"
        f"WHERE {{ {{ VALUES ?old {{ {targets} }} GRAPH ?old {{ ?s ?p ?o }} }}\n"
        f"  UNION {{ VALUES (?staged ?target) {{ {pairs} }}\n"
        "    GRAPH ?staged { ?s2 ?p2 ?o2 } } } ;\n" + _drop(staging.values())
    )


def _drop(graphs: Iterable[str]) -> str:
    return " ;\n".join(f"DROP SILENT GRAPH {vocab.sparql_iri(g)}" for g in graphs)


def _drop_quietly(writer: Writer, graphs: list[str]) -> None:
    with contextlib.suppress(PublishError):  # the store is gone: nothing is reachable anyway
        writer.update(_drop(graphs))
