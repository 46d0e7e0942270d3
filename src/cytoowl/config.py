"""Configuration in one place: paths, identity of the ontology, server limits.

Every value has a default that works from a checkout; the server limits can be
overridden with ``CYTOOWL_*`` environment variables (see :func:`server_settings`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("CYTOOWL_ROOT", Path(__file__).resolve().parents[2]))
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
SOURCE_DIR = ONTOLOGY_DIR / "src"
SHAPES_DIR = PROJECT_ROOT / "shapes"
SPARQL_DIR = PROJECT_ROOT / "sparql"
CQ_DIR = SPARQL_DIR / "cq"
QC_DIR = SPARQL_DIR / "qc"
# The reference facts the curated tables are checked against (outside the repository).
REFERENCE_DIR = Path(os.environ.get("CYTOOWL_REFERENCE", PROJECT_ROOT.parent / "shared" / "data"))

BASE_IRI = "https://w3id.org/cytoowl/"
TERM_PREFIX = BASE_IRI + "CYTO_"
ONTOLOGY_IRI = BASE_IRI + "cytoowl.owl"
LICENSE_IRI = "https://creativecommons.org/licenses/by/4.0/"


def version_iri(date: str) -> str:
    """The dated version IRI of a release, e.g. ``.../releases/2026-11-21/cytoowl.owl``."""
    return f"{BASE_IRI}releases/{date}/cytoowl.owl"


@dataclass(frozen=True)
class ReleaseFiles:
    """Where the release files of DESIGN §4 live (all built from ``ontology/src``)."""

    directory: Path = ONTOLOGY_DIR

    @property
    def owl(self) -> Path:
        return self.directory / "cytoowl.owl"

    @property
    def ttl(self) -> Path:
        return self.directory / "cytoowl.ttl"

    @property
    def jsonld(self) -> Path:
        return self.directory / "cytoowl.jsonld"

    @property
    def base(self) -> Path:
        return self.directory / "cytoowl-base.owl"

    @property
    def sssom(self) -> Path:
        return self.directory / "mappings" / "cytoowl.sssom.tsv"

    @property
    def interactions(self) -> Path:
        return self.directory / "exports" / "interactions.tsv"

    def all(self) -> list[Path]:
        return [self.owl, self.ttl, self.jsonld, self.base, self.sssom, self.interactions]


RELEASE = ReleaseFiles()


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class ServerSettings:
    """Limits and options of ``cytoowl serve``; every one has a safe default."""

    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout_s: float = 30.0
    row_limit: int = 10_000
    max_body_bytes: int = 1_000_000
    workers: int = 2
    service_allowlist: tuple[str, ...] = field(default_factory=tuple)
    store_url: str | None = None  # a remote SPARQL 1.1 endpoint instead of the embedded store
    store_dir: str | None = None  # where the embedded store lives (default: a temporary dir)


def server_settings() -> ServerSettings:
    """Server settings from ``CYTOOWL_*`` environment variables, falling back to defaults."""
    allow = os.environ.get("CYTOOWL_SERVICE_ALLOWLIST", "")
    return ServerSettings(
        host=os.environ.get("CYTOOWL_HOST", "127.0.0.1"),
        port=_env_int("CYTOOWL_PORT", 8000),
        query_timeout_s=_env_float("CYTOOWL_QUERY_TIMEOUT", 30.0),
        row_limit=_env_int("CYTOOWL_ROW_LIMIT", 10_000),
        max_body_bytes=_env_int("CYTOOWL_MAX_BODY", 1_000_000),
        workers=_env_int("CYTOOWL_QUERY_WORKERS", 2),
        service_allowlist=tuple(a for a in allow.split(",") if a),
        store_url=os.environ.get("CYTOOWL_STORE_URL") or None,
        store_dir=os.environ.get("CYTOOWL_STORE_DIR") or None,
    )
