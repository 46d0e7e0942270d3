"""Hostile input, issue 27: secrets stay secret. Credentials for a remote store come from
settings (environment or config file), never only from a URL; userinfo given in a URL is
taken out of it at once, so no message, log line or client answer carries it; credentials
bound for plain http are warned about."""

from __future__ import annotations

import asyncio
import base64
import logging
from pathlib import Path

import httpx
import pytest

from cytoowl import engines
from cytoowl.serve.errors import ServeError
from cytoowl.serve.protocol import choose_formats
from cytoowl.serve.store.base import QueryRequest
from cytoowl.serve.store.remote import RemoteStore
from cytoowl.settings import SettingsError, load_settings

SECRET = "s3cret-pw"
JSON = "application/sparql-results+json"


def test_userinfo_leaves_the_store_url_for_the_read_credentials() -> None:
    settings = load_settings(store_url=f"http://reader:{SECRET}@h:7878/query")
    assert settings.store_url == "http://h:7878/query"
    assert settings.store_read_user == "reader"
    assert settings.store_read_password is not None
    assert settings.store_read_password.get_secret_value() == SECRET
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


def test_userinfo_of_write_urls_becomes_the_write_credentials() -> None:
    settings = load_settings(
        store_url="https://h/query", update_url=f"https://writer:{SECRET}@h/update"
    )
    assert settings.update_url == "https://h/update"
    assert settings.store_user == "writer"
    assert settings.store_password is not None
    assert settings.store_password.get_secret_value() == SECRET


def test_read_credentials_come_from_the_environment_and_the_config_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CYTOOWL_STORE_READ_USER", "env-reader")
    monkeypatch.setenv("CYTOOWL_STORE_READ_PASSWORD", SECRET)
    settings = load_settings()
    assert settings.store_read_user == "env-reader"
    monkeypatch.delenv("CYTOOWL_STORE_READ_USER")
    monkeypatch.delenv("CYTOOWL_STORE_READ_PASSWORD")
    config = tmp_path / "cytoowl.toml"
    config.write_text(f'store_read_user = "file-reader"\nstore_read_password = "{SECRET}"\n')
    from_file = load_settings(config_file=config)
    assert from_file.store_read_user == "file-reader"
    assert from_file.store_read_password.get_secret_value() == SECRET  # type: ignore[union-attr]


def test_a_settings_error_does_not_echo_a_password() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(store_url=f"ftp://reader:{SECRET}@h/query")
    assert SECRET not in str(refused.value)
    assert "ftp://" in str(refused.value)


def _store(url: str, handler) -> RemoteStore:
    settings = load_settings(store_url=url)
    store = RemoteStore(settings, settings.store_url or "")
    asyncio.run(store.start())
    store._client = httpx.AsyncClient(
        transport=httpx.MockTransport(handler),
        auth=store._client.auth,  # type: ignore[union-attr]
    )
    return store


def test_a_down_remote_store_answers_without_the_password() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

    store = _store(f"http://reader:{SECRET}@h:7878/query", down)
    with pytest.raises(ServeError) as failed:
        asyncio.run(store.query(QueryRequest("ASK {}", choose_formats(JSON))))
    assert failed.value.status == 503
    assert SECRET not in failed.value.message and "reader" not in failed.value.message


def test_read_credentials_are_sent_to_the_remote_store() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b'{"head": {}, "boolean": true}',
                              headers={"Content-Type": JSON})  # fmt: skip

    store = _store(f"https://reader:{SECRET}@h/query", answer)
    asyncio.run(store.query(QueryRequest("ASK {}", choose_formats(JSON))))
    expected = base64.b64encode(f"reader:{SECRET}".encode()).decode()
    assert seen[0].headers["authorization"] == f"Basic {expected}"
    assert "reader" not in str(seen[0].url)


def test_credentials_over_plain_http_are_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    assert engines.plain_http_warning("http://h/query", True) is not None
    assert engines.plain_http_warning("https://h/query", True) is None
    assert engines.plain_http_warning("http://h/query", False) is None
    settings = load_settings(store_url=f"http://reader:{SECRET}@h/query")
    store = RemoteStore(settings, settings.store_url or "")
    with caplog.at_level(logging.WARNING, logger="cytoowl"):
        asyncio.run(store.start())
    assert any("plain http" in r.getMessage() for r in caplog.records)
    assert all(SECRET not in r.getMessage() for r in caplog.records)
