"""One settings object: flags over environment over config file over defaults; bad values exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cytoowl.cli import app
from cytoowl.settings import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in [n for n in os.environ if n.startswith("CYTOOWL_")]:
        monkeypatch.delenv(name)


def test_defaults_work() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 2)
    assert settings.service_allowlist == () and settings.store_url is None


def test_flag_beats_environment_beats_config_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "cytoowl.toml"
    config.write_text('row_limit = 7\nworkers = 3\nhost = "0.0.0.0"\ntimeout = 4\n')
    monkeypatch.setenv("CYTOOWL_WORKERS", "5")
    settings = load_settings(config_file=config, host="127.0.0.2")
    assert settings.row_limit == 7 and settings.query_timeout_s == 4  # from the file
    assert settings.workers == 5  # the environment wins over the file
    assert settings.host == "127.0.0.2"  # the flag wins over both


def test_a_config_file_does_not_leak_into_later_loads_or_children(tmp_path: Path) -> None:
    """The file given to one load is that load's: the environment (which every later load
    and every child process reads) is left as it was."""
    import os

    config = tmp_path / "cytoowl.toml"
    config.write_text("timeout = 4\n")
    before = dict(os.environ)
    assert load_settings(config_file=config).query_timeout_s == 4
    assert dict(os.environ) == before
    assert load_settings().query_timeout_s == Settings().query_timeout_s == 30


def test_a_bad_config_file_is_named_in_the_error(tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("timeout = = 4\n")
    with pytest.raises(SettingsError, match=r"broken\.toml"):
        load_settings(config_file=config)


def test_allow_list_from_the_environment_is_comma_separated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CYTOOWL_SERVICE_ALLOW", "https://sparql.uniprot.org/sparql, example.org")
    assert load_settings().service_allowlist == ("https://sparql.uniprot.org/sparql", "example.org")


@pytest.mark.parametrize(
    ("env", "value", "field"),
    [
        ("CYTOOWL_QUERY_WORKERS", "3", "workers"),
        ("CYTOOWL_QUERY_TIMEOUT", "4.5", "query_timeout_s"),
        ("CYTOOWL_STORE", "http://127.0.0.1:7878/query", "store_url"),
        ("CYTOOWL_DATA_DIR", "/srv/cytoowl", "store_dir"),
        ("CYTOOWL_WORKER_NICE", "7", "worker_nice"),
    ],
)
def test_every_other_name_is_read_with_the_prefix(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, field: str
) -> None:
    monkeypatch.setenv(env, value)
    assert str(getattr(load_settings(), field)) == value


@pytest.mark.parametrize(
    "env", ["TIMEOUT", "WORKERS", "STORE", "STORE_URL", "DATA_DIR", "MAX_BODY", "WORKER_NICE"]
)
def test_an_environment_variable_without_the_prefix_is_not_a_setting(
    monkeypatch: pytest.MonkeyPatch, env: str
) -> None:
    defaults = load_settings()
    monkeypatch.setenv(env, "http://127.0.0.1:9/" if "STORE" in env else "7")
    assert load_settings() == defaults


@pytest.mark.parametrize(
    ("env", "value", "named"),
    [
        ("CYTOOWL_TIMEOUT", "abc", "query_timeout_s"),
        ("CYTOOWL_QUERY_TIMEOUT", "-1", "query_timeout_s"),
        ("CYTOOWL_WORKERS", "0", "workers"),
        ("CYTOOWL_PORT", "70000", "port"),
        ("CYTOOWL_ROW_LIMIT", "many", "row_limit"),
        ("CYTOOWL_STORE_URL", "ftp://x", "store_url"),
    ],
)
def test_bad_environment_value_is_one_line_naming_setting_and_value(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, named: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert len(message.splitlines()) == 1
    assert named in message and repr(value) in message


@pytest.mark.parametrize(
    "args",
    [
        ["--timeout", "0"],
        ["--workers", "100"],
        ["--max-body", "1"],
        ["--store-url", "not-a-url"],
    ],
)
def test_serve_with_a_bad_flag_exits_2_with_one_line(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: invalid setting"), result.output


def test_bad_environment_value_for_serve_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYTOOWL_QUERY_TIMEOUT", "abc")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "'abc'" in result.output
    assert "Traceback" not in result.output


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--config", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and "none.toml" in result.output


def test_every_server_limit_has_a_flag() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    for flag in ("--workers", "--timeout", "--row-limit", "--max-body", "--store-dir",
                 "--store-url", "--service-allow", "--config"):  # fmt: skip
        assert flag in result.output, flag


def test_flag_help_comes_from_the_declaration() -> None:
    """Each setting's flag shows its declared description and default (never a copy that
    drifts), in the help as printed (rich would drop a bracketed word such as [auto])."""
    import inspect

    from cytoowl.cli.serve import serve
    from cytoowl.settings import flag, flag_help

    options = {
        decl: parameter.default
        for parameter in inspect.signature(serve).parameters.values()
        for decl in parameter.default.param_decls
    }
    shown = [f for f in Settings.model_fields if flag(f) in options]
    assert len(shown) >= 15
    for field in shown:
        assert options[flag(field)].help.replace("\\", "") == flag_help(field), field
    assert flag_help("workers") == f"Query worker processes [{Settings().workers}]."
    assert flag_help("query_timeout_s") == "Seconds a query may run [30]."
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "250"})
    line = next(x for x in result.output.splitlines() if "--store-engine" in x)
    assert "[auto]" in line
    assert options["--store-graph"].help == flag_help("store_graphs")


def test_no_help_text_loses_a_bracketed_default_to_rich_markup() -> None:
    """rich reads ``[word]`` in a help text as a markup tag and prints nothing for it
    ('Graph IRI .'): such a bracket is escaped (as the settings' flags do) or not used."""
    import re

    import typer

    command = typer.main.get_command(app)
    found = []
    for name, sub in command.commands.items():
        for param in sub.params:
            text = getattr(param, "help", None) or ""
            if re.search(r"(?<!\\)\[[a-z#/@][^\[]*?\]", text):  # what rich takes for a tag
                found.append(f"{name} {param.name}: {text}")
    assert not found, found
