"""The wheel stands alone: installed outside the checkout it serves and validates the release."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from server_fixtures import free_port
from tools import CHECKOUT

pytestmark = pytest.mark.slow
ROOT = CHECKOUT.root


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (found,) = out.glob("cytoowl-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The wheel unpacked as an install target; the environment that imports it from there."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYTOOWL_")}
    return {**env, "PYTHONPATH": str(target)}


def test_wheel_carries_the_release_shapes_queries_and_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    data = "cytoowl/_data/"
    for release_file in CHECKOUT.release.all():
        assert data + release_file.relative_to(ROOT).as_posix() in names, release_file
    for folder in ("shapes", "sparql/cq", "sparql/qc", "examples"):
        expected = {data + p.relative_to(ROOT).as_posix() for p in (ROOT / folder).glob("*.*")}
        assert expected and expected <= names, folder
    assert {"cytoowl/prefixes.json", "cytoowl/serve/static/query.js"} <= names
    assert not any(n.startswith(data + "ontology/src/") for n in names)


def _cytoowl(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cytoowl", *args], env=env, cwd=cwd, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


def test_installed_package_reads_its_own_data(installed: dict[str, str], tmp_path: Path) -> None:
    probe = "import cytoowl.paths as p; print(p.checkout_root(), p.LAYOUT.release.owl)"
    out = subprocess.run(
        [sys.executable, "-c", probe], env=installed, cwd=tmp_path, capture_output=True,
        text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert out[0] == "None"
    assert out[1].startswith(installed["PYTHONPATH"]) and Path(out[1]).is_file()


#: Modules that read the checkout's sources, reference tables, queries and release: run
#: against the installed wheel they must find them from the tests' own location (tools.CHECKOUT),
#: not through the package (whose data has no ``ontology/src``).
WHEEL_SUBSET = [
    "tests/test_reference_data.py",
    "tests/test_cq.py",
    "tests/test_species.py",
    "tests/test_interactions.py",
    "tests/test_vocab.py",
]


def test_checkout_tests_run_against_the_installed_wheel(installed: dict[str, str]) -> None:
    probe = "import cytoowl; print(cytoowl.__file__)"
    imported = subprocess.run(
        [sys.executable, "-c", probe], env=installed, cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    assert imported.startswith(installed["PYTHONPATH"]), imported
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
         *WHEEL_SUBSET],
        env=installed, cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "error" not in run.stdout.splitlines()[-1]


def test_installed_validate_works_from_any_directory(
    installed: dict[str, str], tmp_path: Path
) -> None:
    ok = _cytoowl(installed, tmp_path, "validate")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    example = ROOT / "examples" / "cytokine-measurements.ttl"
    (tmp_path / "mine.ttl").write_bytes(example.read_bytes())
    mine = _cytoowl(installed, tmp_path, "validate", "mine.ttl")
    assert mine.returncode == 0, mine.stdout + mine.stderr


def test_installed_serve_answers_from_the_packaged_release(
    installed: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cytoowl", "serve", "--port", str(port), "--workers", "1"],
        env=installed, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stderr.read().decode()
            subprocess.run(["sleep", "0.2"])
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/2002/07/owl#Class> }"
        answer = httpx.get(
            base + "/sparql", params={"query": query},
            headers={"Accept": "application/sparql-results+json"}, timeout=30,
        )  # fmt: skip
        assert answer.status_code == 200
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 40
        assert httpx.get(base + "/downloads/cytoowl.owl", timeout=30).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_without_a_release_is_a_startup_error(tmp_path: Path) -> None:
    env = {**os.environ, "CYTOOWL_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "cytoowl", "serve", "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert str(tmp_path / "ontology") in result.stderr and "cytoowl build" in result.stderr


def test_every_module_the_package_imports_is_a_declared_dependency(wheel: Path) -> None:
    """A runtime import of a test-only package (httpx once) breaks a fresh install; a package
    of the ``analysis`` extra (CellPhoneDB) may only be imported inside the function using it."""
    import ast
    import re
    from importlib.metadata import packages_distributions

    metadata = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()

    def requirements(marker: str | None) -> set[str]:
        return {
            re.split(r"[ <>=;\[]", line.removeprefix("Requires-Dist: "))[0]
            .lower()
            .replace("_", "-")
            for line in text.splitlines()
            if line.startswith("Requires-Dist:")
            and ("extra ==" not in line if marker is None else f'extra == "{marker}"' in line)
        }

    required, analysis = requirements(None), requirements("analysis")
    assert {"liana", "cellphonedb"} <= analysis
    owners = packages_distributions()
    stdlib = set(sys.stdlib_module_names)

    def imported(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        return [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else []

    for source in (ROOT / "src" / "cytoowl").rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        in_functions = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            for name in imported(node):
                top = (name or "").split(".")[0]
                if top in stdlib or top in {"cytoowl", ""}:
                    continue
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
                allowed = required | analysis if id(node) in in_functions else required
                assert dists & allowed, f"{source.name} imports {top}, not a dependency"
