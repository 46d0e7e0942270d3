"""The one settings object of cytoowl: server limits and options, with defaults that work.

Values come, highest first, from command-line flags, ``CYTOOWL_*`` environment variables, then
an optional TOML file (``--config FILE`` or ``CYTOOWL_CONFIG``), then the defaults below. A bad
value raises :class:`SettingsError` with one line per setting naming it, the value and what is
allowed; the CLI turns that into exit status 2.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import (
    AliasChoices,
    AliasGenerator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from cytoowl import vocab

#: Other names of a setting, as keyword or TOML key and, with ``CYTOOWL_`` in front, in the
#: environment (``timeout``: ``CYTOOWL_TIMEOUT``). The first is the one messages name (the
#: ``serve`` flag). Every setting also answers to its field name and ``CYTOOWL_<FIELD>``.
NAMES: dict[str, tuple[str, ...]] = {
    "workers": ("workers", "query_workers"),
    "query_timeout_s": ("timeout", "query_timeout"),
    "validate_timeout_s": ("validate_timeout",),
    "max_body_bytes": ("max_body",),
    "max_answer_bytes": ("max_answer",),
    "worker_memory_mb": ("worker_memory",),
    "worker_start_timeout_s": ("worker_start_timeout",),
    "service_allowlist": ("service_allow", "service_allowlist"),
    "store_url": ("store_url", "store"),
    "store_dir": ("store_dir", "data_dir"),
}


#: The config file of the load under way (``load_settings(config_file=...)``); read by the
#: settings sources instead of writing ``CYTOOWL_CONFIG`` into the process environment, which
#: every later load and every child process would then see.
_CONFIG_FILE: ContextVar[Path | None] = ContextVar("cytoowl_config_file", default=None)


def _config_file() -> Path | None:
    """The config file of this load: the one given to :func:`load_settings`, else
    ``CYTOOWL_CONFIG``."""
    given = _CONFIG_FILE.get()
    if given is not None:
        return given
    named = os.environ.get("CYTOOWL_CONFIG")
    return Path(named) if named else None


def _names_of(field: str) -> AliasChoices:
    return AliasChoices(*dict.fromkeys((*NAMES.get(field, ()), field)))


class Settings(BaseSettings):
    """Limits and options of ``cytoowl serve``; every one has a safe default."""

    model_config = SettingsConfigDict(
        env_prefix="CYTOOWL_",
        env_prefix_target="all",  # CYTOOWL_ before the other names too: never a bare TIMEOUT
        alias_generator=AliasGenerator(validation_alias=_names_of),
        extra="forbid",
        frozen=True,
        populate_by_name=True,
    )

    host: str = Field("127.0.0.1", description="interface to bind")
    port: int = Field(8000, ge=1, le=65535, description="TCP port")
    workers: int = Field(2, ge=1, le=64, description="query worker processes")
    query_timeout_s: float = Field(30.0, gt=0, le=3600, description="seconds a query may run")
    validate_timeout_s: float = Field(
        30.0, gt=0, le=3600, description="seconds a POST /validate may run"
    )
    row_limit: int = Field(10_000, ge=1, le=10_000_000, description="rows (or triples) per answer")
    max_body_bytes: int = Field(
        1_000_000, ge=1_000, le=100_000_000, description="bytes of a request body"
    )
    max_answer_bytes: int = Field(
        50_000_000,
        ge=1_000,
        le=10_000_000_000,
        description="bytes of one query answer (507 beyond)",
    )
    worker_memory_mb: int = Field(
        2048,
        ge=0,
        le=1_000_000,
        description="address space of one query worker in MiB (0: unlimited; 507 beyond)",
    )
    worker_start_timeout_s: float = Field(
        60.0, gt=0, le=3600, description="seconds a query worker may take to become ready"
    )
    worker_nice: int = Field(
        5,
        ge=0,
        le=19,
        description="nice increment of query workers, so lookups and pages answered by the "
        "server process keep their latency while heavy queries run",
    )
    worker_restarts: int = Field(
        5,
        ge=0,
        le=1000,
        description="attempts (with backoff) to replace a dead query worker before giving up",
    )
    service_allowlist: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="SERVICE endpoints allowed (comma-separated in the environment)"
    )
    store_url: str | None = Field(
        None, description="a remote SPARQL 1.1 query endpoint instead of the embedded store"
    )
    update_url: str | None = Field(
        None, description="the remote store's SPARQL Update endpoint (default: derived)"
    )
    graph_store_url: str | None = Field(
        None, description="the remote store's Graph Store Protocol endpoint (default: derived)"
    )
    store_engine: Literal["auto", "oxigraph", "virtuoso", "generic"] = Field(
        "auto", description="what the remote store is (auto: told by its query URL)"
    )
    store_graphs: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="more graphs of a remote store in the default graph of queries, beside "
        "the release, shapes and queries (comma-separated in the environment)",
    )
    store_user: str | None = Field(
        None, description="user for writing to the remote store (environment or config file)"
    )
    store_password: SecretStr | None = Field(
        None, description="password for writing to the remote store (environment or config file)"
    )
    store_read_user: str | None = Field(
        None, description="user for querying the remote store (environment or config file)"
    )
    store_read_password: SecretStr | None = Field(
        None, description="password for querying the remote store (environment or config file)"
    )
    store_write_timeout_s: float = Field(
        600.0, gt=0, le=86_400, description="seconds one upload to the remote store may take"
    )
    store_dir: str | None = Field(
        None,
        description="where the embedded store lives (default: a temporary directory); "
        "`cytoowl load` writes there, so loaded graphs are served from it",
    )
    root: Path | None = Field(
        None,
        description="folder with ontology/, shapes/ and sparql/ to serve "
        "(default: the checkout, else the release packaged with cytoowl)",
    )

    @field_validator("service_allowlist", "store_graphs", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return value

    @field_validator("service_allowlist")
    @classmethod
    def _endpoints(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            scheme, _, rest = entry.partition("://")
            if rest and (scheme.lower() not in ("http", "https") or not rest.split("/")[0]):
                raise ValueError(f"{entry!r} is not an http(s) endpoint IRI")
            if not rest and ("/" in entry or ":" in entry or not entry):
                raise ValueError(f"{entry!r} is neither a host name nor an http(s) IRI")
        return value

    @field_validator("store_graphs")
    @classmethod
    def _graph_iris(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for graph in value:
            vocab.sparql_iri(graph)  # ValueError naming it: it goes into SPARQL text
        return value

    @field_validator("store_url", "update_url", "graph_store_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value or None

    @model_validator(mode="after")
    def _credentials_out_of_urls(self) -> Settings:
        """Userinfo in a store URL (``http://user:pass@host/query``) becomes the credentials
        (of reading for ``store_url``, of writing for the others, unless set) and leaves the
        URL, so no message, log line or answer that names the URL carries it."""
        for url_field, (user_field, password_field) in _CREDENTIALS_OF.items():
            url = getattr(self, url_field)
            if not url:
                continue
            clean, user, password = split_userinfo(url)
            if clean == url:
                continue
            object.__setattr__(self, url_field, clean)  # frozen: set once, while validating
            if getattr(self, user_field) is None and user:
                object.__setattr__(self, user_field, user)
                object.__setattr__(self, password_field, SecretStr(password or ""))
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = _config_file()
        if config is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config))
        return tuple(sources)


_CREDENTIALS_OF = {
    "store_url": ("store_read_user", "store_read_password"),
    "update_url": ("store_user", "store_password"),
    "graph_store_url": ("store_user", "store_password"),
}
_USERINFO = re.compile(r"(?<=://)[^/?#@\s]*@")


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """(the URL without userinfo, user, password), both None when it has none."""
    parts = urlsplit(url)
    if parts.username is None and "@" not in parts.netloc:
        return url, None, None
    host = parts.netloc.rpartition("@")[2]
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return clean, user, password


def redact(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    return _USERINFO.sub("***@", text)


class SettingsError(ValueError):
    """One or more settings have values that are not allowed."""


def _names(field: str) -> str:
    """The flag and environment variable a message names for ``field``."""
    name = NAMES.get(field, (field,))[0]
    return f"--{name.replace('_', '-')} / CYTOOWL_{name.upper()}"


def flag(field: str) -> str:
    """The command-line flag of a setting (its first name in ``NAMES``, else the field)."""
    return "--" + NAMES.get(field, (field,))[0].replace("_", "-")


def flag_help(field: str) -> str:
    """A flag's help, from the setting's declaration: its description and its default (a
    list setting's flag is given once per value)."""
    info = Settings.model_fields[field]
    text = (info.description or field).split(" (comma-separated")[0]
    default = info.default
    if default == ():
        shown = " (repeatable)"
    elif default is None:
        shown = ""
    else:
        shown = f" [{default:g}]" if isinstance(default, float) else f" [{default}]"
    return f"{text[0].upper()}{text[1:]}{shown}."


def load_settings(config_file: Path | None = None, **flags: Any) -> Settings:
    """Settings from flags (``None`` means not given), the environment and the config file."""
    given = {k: v for k, v in flags.items() if v is not None and v != ()}
    if config_file is not None and not config_file.is_file():
        raise SettingsError(f"config file {config_file}: not found")
    token = _CONFIG_FILE.set(config_file)
    try:
        return Settings(**given)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            field = next(
                (
                    name
                    for name, info in Settings.model_fields.items()
                    if field == name
                    or (info.validation_alias and field in info.validation_alias.choices)
                ),
                field,
            )
            where = _names(field) if field in Settings.model_fields else field
            lines.append(
                redact(
                    f"invalid setting {field} ({where}) = {error.get('input')!r}: {error['msg']}"
                )
            )
        raise SettingsError("\n".join(lines)) from None
    except Exception as exc:  # unreadable TOML
        raise SettingsError(f"config file {_config_file()}: {exc}") from None
    finally:
        _CONFIG_FILE.reset(token)
