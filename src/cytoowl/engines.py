"""The SPARQL engines cytoowl knows, and the endpoints of a remote store derived from its URL.

``--store URL`` is the query endpoint. For the engines below the SPARQL Update and Graph Store
Protocol endpoints follow from it; for any other engine give ``--update-url`` and
``--graph-store-url``. Publishing (writes) and serving (reads) both use this table.

* Oxigraph server: ``/query``, ``/update``, ``/store?graph=G``; no auth (or Basic); no cap.
* Virtuoso: ``/sparql``, ``/sparql-auth``, ``/sparql-graph-crud-auth?graph-uri=G``; Digest
  auth for writes; answers capped at 10,000 rows as shipped (``ResultSetMaxRows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from cytoowl.settings import Settings


@dataclass(frozen=True)
class Engine:
    """What differs between engines: endpoint paths, parameter names, auth, quirks."""

    name: str
    query_path: str | None = None
    update_path: str | None = None
    graph_store_path: str | None = None
    #: the Graph Store Protocol parameter naming the graph (``graph`` in the standard)
    graph_param: str = "graph"
    #: ``digest`` (Virtuoso) or ``basic``
    auth: str = "basic"
    #: rows the engine returns at most, whatever LIMIT says (None: no cap)
    result_cap: int | None = None
    #: Graph Store parameters for uploads into a staging graph (readers never see it, so the
    #: engine may skip its transaction there: Oxigraph's bulk loader)
    staging_params: tuple[tuple[str, str], ...] = ()
    #: True when one SPARQL Update request is one transaction (all operations or none);
    #: otherwise a switch must be a single operation
    atomic_requests: bool = False
    #: Accept header for SELECT/ASK answers: the results format the engine writes correctly
    results_accept: str = "application/sparql-results+json, application/sparql-results+xml;q=0.9"


OXIGRAPH = Engine(
    "oxigraph",
    "/query",
    "/update",
    "/store",
    staging_params=(("no_transaction", ""),),
    atomic_requests=True,  # measured: a failing second operation undoes the first
    # TSV is Oxigraph's fastest writer and its TSV is standard
    results_accept="text/tab-separated-values, application/sparql-results+json;q=0.9",
)
# Virtuoso's TSV quotes IRIs as strings, so its answers are read as JSON. A runtime error in a
# later operation of an update request does not undo the earlier ones (measured, 7.2.5).
VIRTUOSO = Engine(
    "virtuoso",
    "/sparql",
    "/sparql-auth",
    "/sparql-graph-crud-auth",
    graph_param="graph-uri",
    auth="digest",
    result_cap=10_000,
)
GENERIC = Engine("generic")
ENGINES = {e.name: e for e in (OXIGRAPH, VIRTUOSO, GENERIC)}


class EndpointError(ValueError):
    """The endpoints of a remote store cannot be derived; the message says which flag to give."""


@dataclass(frozen=True)
class Endpoints:
    """The three endpoints of one remote store and the engine behind them."""

    engine: Engine
    query: str
    update: str | None
    graph_store: str | None

    def require_writable(self) -> tuple[str, str]:
        """(update URL, graph store URL), or EndpointError naming what is missing."""
        missing = [
            flag
            for flag, url in (
                ("--update-url", self.update),
                ("--graph-store-url", self.graph_store),
            )
            if url is None
        ]
        if missing:
            raise EndpointError(
                f"cannot derive the write endpoints of {self.query} (engine "
                f"{self.engine.name}): give {' and '.join(missing)}, or --store-engine "
                f"oxigraph|virtuoso"
            )
        assert self.update is not None and self.graph_store is not None
        return self.update, self.graph_store


def detect(query_url: str) -> Engine:
    """The engine a query URL belongs to, by its path (generic when unknown)."""
    path = urlsplit(query_url).path.rstrip("/")
    for engine in (OXIGRAPH, VIRTUOSO):
        if engine.query_path and path.endswith(engine.query_path):
            return engine
    return GENERIC


def engine_for(query_url: str, setting: str = "auto") -> Engine:
    """The engine named by the ``store_engine`` setting, or told by the URL for ``auto``."""
    return detect(query_url) if setting == "auto" else ENGINES[setting]


def _sibling(query_url: str, engine: Engine, path: str | None) -> str | None:
    if path is None or engine.query_path is None:
        return None
    parts = urlsplit(query_url)
    base = parts.path.rstrip("/")
    if not base.endswith(engine.query_path):
        return None
    new_path = base[: -len(engine.query_path)] + path
    return urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))


def endpoints(settings: Settings) -> Endpoints:
    """The remote store's endpoints from the settings (explicit URLs win over derived ones)."""
    if not settings.store_url:
        raise EndpointError("no remote store: give --store URL (its SPARQL query endpoint)")
    url = settings.store_url
    engine = engine_for(url, settings.store_engine)
    return Endpoints(
        engine,
        url,
        settings.update_url or _sibling(url, engine, engine.update_path),
        settings.graph_store_url or _sibling(url, engine, engine.graph_store_path),
    )


def plain_http_warning(url: str, credentials: bool) -> str | None:
    """A warning when credentials would travel unencrypted to ``url`` (http, not https)."""
    if credentials and urlsplit(url).scheme.lower() == "http":
        host = urlsplit(url).hostname or url
        return (
            f"credentials for the store at {host} would travel over plain http: "
            "use an https:// URL (or a tunnel) outside a trusted network"
        )
    return None


def auth_for(engine: Engine, user: str | None, password: str | None) -> httpx.Auth | None:
    """The HTTP authentication of ``engine`` (Digest for Virtuoso, else Basic), or None."""
    if user is None:
        return None
    kind = httpx.DigestAuth if engine.auth == "digest" else httpx.BasicAuth
    return kind(user, password or "")
