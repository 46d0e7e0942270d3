"""Where the tests' files are, and missing tools: a visible skip on a developer's machine, a
failure under ``CI=true``.

:data:`CHECKOUT` is the checkout these tests belong to, found from this file's own location,
so the tests read the same sources and release whether cytoowl is installed editable or from a
wheel (whose ``paths.LAYOUT`` is its packaged copy, without ``ontology/src``).

CI must never go green by skipping, so every test that needs an outside tool (Java, Chromium,
a database server) asks for it through :func:`require`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cytoowl.paths import Layout

#: The checkout's folders (sources, release, shapes, queries, examples, docs).
CHECKOUT = Layout(Path(__file__).resolve().parents[1])
#: The checkout's package source, put first on a child's import path.
SRC = str(CHECKOUT.root / "src")


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess:
    """``cytoowl ARGS`` in a child process of this checkout's code; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "cytoowl.cli", *args],
        env={**os.environ, "PYTHONPATH": SRC, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        preexec_fn=preexec_fn,
    )


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason`` locally; fail with it when ``CI=true``."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing tool fails the run)", pytrace=False)
    pytest.skip(reason)


def require(*executables: str, install: str) -> None:
    """Each executable must be on PATH; ``install`` says how to get the missing ones."""
    missing = [name for name in executables if shutil.which(name) is None]
    if missing:
        skip_or_fail(f"{', '.join(missing)} not found: {install}")
