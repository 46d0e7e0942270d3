"""Hostile input, issue 27: a child process (query worker, validator, loader, one-off child)
never imports a module from the server's working directory: a ``json.py`` planted there
ran inside every child started as ``python -m``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from cytoowl.serve.workers.children import child_env, run_in_child

PLANTED = "import pathlib; pathlib.Path({marker!r}).write_text('ran')\n"


def plant(directory: Path) -> Path:
    """``json.py`` and ``pickle.py`` in ``directory`` that leave a marker when imported."""
    marker = directory / "MARKER"
    for name in ("json.py", "pickle.py", "cytoowl.py"):
        (directory / name).write_text(PLANTED.format(marker=str(marker)))
    return marker


@pytest.mark.parametrize("pythonpath", [None, "", "relative/dir"])
def test_a_child_does_not_import_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pythonpath: str | None
) -> None:
    marker = plant(tmp_path)
    monkeypatch.chdir(tmp_path)
    if pythonpath is None:
        monkeypatch.delenv("PYTHONPATH", raising=False)
    else:
        monkeypatch.setenv("PYTHONPATH", pythonpath)
    assert asyncio.run(run_in_child(os.getcwd)) == str(tmp_path)  # it ran there
    assert not marker.exists(), "a module from the working directory ran in the child"


def test_a_launched_module_sees_no_working_directory_on_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", "")
    seen = asyncio.run(run_in_child(eval, "__import__('sys').path"))
    assert seen and "" not in seen and str(tmp_path) not in seen and "." not in seen


def test_child_env_has_no_empty_path_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty PYTHONPATH entry means the working directory."""
    monkeypatch.setenv("PYTHONPATH", "")
    assert "" not in child_env()["PYTHONPATH"].split(os.pathsep)
    monkeypatch.setenv("PYTHONPATH", "/a::/b")
    assert child_env()["PYTHONPATH"].split(os.pathsep)[1:] == ["/a", "/b"]
