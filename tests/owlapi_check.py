"""Run the OWL API (Debian ``libowlapi-java``, what Protégé loads ontologies with) on a file.

Compiles ``tests/java/DLProfileCheck.java`` once into a cache directory and runs it; returns
the counts and OWL 2 DL profile violations it prints. Used by the tests and the docs' numbers.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
# The OWL API distribution jar and its runtime dependencies (see ENVIRONMENT.md).
JARS = [
    "owlapi-distribution",
    "guava",
    "caffeine",
    "commons-rdf-api",
    "commons-io",
    "commons-codec",
    "atinject-jsr330-api",
    "jsr305",
    "slf4j-api",
    "slf4j-nop",
    "hppcrt",
    "xz",
    "jaxb-api",
    "httpclient",
    "httpcore",
    "commons-logging",
    "jsonld-java",  # with rdf4j-util: the JSON-LD parser (rdf4j-rio-jsonld)
    "rdf4j-util",
    "httpclient-cache",
]
JAR_GLOBS = ["rdf4j-model*.jar", "rdf4j-rio-*.jar", "jackson-*.jar"]
CHECKER = Path(__file__).parent / "java" / "DLProfileCheck.java"


def classpath() -> str:
    """Unversioned jar names only (Debian also ships versioned copies of each)."""
    jars = [JAVA_DIR / f"{name}.jar" for name in JARS]
    for pattern in JAR_GLOBS:
        jars += [p for p in sorted(JAVA_DIR.glob(pattern)) if not p.stem[-1].isdigit()]
    missing = [str(j) for j in jars if not j.exists()]
    if missing:
        raise FileNotFoundError(f"OWL API jars missing (apt-get install libowlapi-java): {missing}")
    return ":".join(str(j) for j in jars)


def compile_checker(out_dir: Path) -> None:
    subprocess.run(
        ["javac", "-d", str(out_dir), "-cp", classpath(), str(CHECKER)],
        check=True,
        capture_output=True,
        text=True,
    )


@cache
def compiled_checker() -> Path:
    """The checker compiled once per process (into a temporary folder removed at exit)."""
    out = Path(tempfile.mkdtemp(prefix="cytoowl-owlapi-"))
    atexit.register(shutil.rmtree, out, True)
    compile_checker(out)
    return out


def check_dl_profile(owl_file: Path, strict: bool = False) -> dict[str, object]:
    """Load ``owl_file`` with the OWL API (parser by extension; ``strict``: the strict RDF
    mapping); return counts and violation lines."""
    proc = subprocess.run(
        [
            "java",
            f"-Dstrict={str(strict).lower()}",
            "-cp",
            f"{classpath()}:{compiled_checker()}",
            "DLProfileCheck",
            str(owl_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        cause = next((line for line in proc.stderr.splitlines() if "Exception" in line), "")
        raise RuntimeError(f"OWL API could not load {owl_file}: {cause}\n{proc.stderr[-1500:]}")
    result: dict[str, object] = {"violation_lines": []}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key == "VIOLATION":
            result["violation_lines"].append(value)  # type: ignore[union-attr]
        elif value.isdigit():
            result[key] = int(value)
        else:
            result[key] = value
    return result
