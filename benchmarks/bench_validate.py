"""Benchmark ``cytoowl validate`` against bare pySHACL on the same files, in one run.

Run:  .venv/bin/python benchmarks/bench_validate.py [--sizes 10000 100000] [--repeat 3]

Rows: the release, and synthetic datasets of cytokine measurements (docs/measurement-profile.md:
one sample per 10 measurements, one subject per 4 samples, measurements spread over the
release's cytokines). Each timing is a fresh process as a user runs it: ``cytoowl validate
[FILE]`` (start-up, parsing, SHACL, report), and pySHACL 0.40 on the same files (the dataset
and the release) with the same shapes (rdflib parse, ``pyshacl.validate``, advanced mode, no
inference). Wall and CPU seconds and peak memory (max RSS) are the medians of ``--repeat``
runs; ratio is pySHACL's wall time over cytoowl's. Targets (issue 10): the release under 2 s,
100,000 measurements at least 5x faster than pySHACL.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, URIRef

ROOT = Path(__file__).resolve().parents[1]
CYTOOWL = Path(sys.executable).with_name("cytoowl")
RELEASE = ROOT / "ontology" / "cytoowl.ttl"
CYTOKINE = URIRef("https://w3id.org/cytoowl/CYTO_0000001")
UNITS = ["PicoGM-PER-MilliL", "NanoGM-PER-MilliL", "PicoGM-PER-L"]
SAMPLE_TYPES = ["Serum", "Plasma", "CerebrospinalFluid", "CellCultureSupernatant"]
CONDITIONS = [
    "obo:MONDO_0002009",
    "obo:MONDO_0005090",
    "obo:MONDO_0100096",
    "obo:MONDO_0008383",
    "cmp:HealthyControl",
]
PREFIXES = """@prefix ex: <https://example.org/synthetic/> .
@prefix cmp: <https://w3id.org/cytoowl/profile/measurement#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sosa: <http://www.w3.org/ns/sosa/> .
"""


def cytokines() -> list[str]:
    """IRIs of the release's cytokines (asserted or inferred type)."""
    graph = Graph().parse(RELEASE, format="turtle")
    return sorted(str(s) for s in graph.subjects(RDF.type, CYTOKINE))


def write_dataset(path: Path, measurements: int, seed: int = 3) -> int:
    """A conforming synthetic measurement dataset; returns the number of triples written."""
    rng = random.Random(seed)
    analytes = cytokines()
    samples = max(1, measurements // 10)
    triples = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(PREFIXES)
        out.write(
            'ex:elisa a sosa:Procedure ; rdfs:label "ELISA" ; cmp:assayType cmp:ELISA .\n'
            'ex:panel a sosa:Procedure ; rdfs:label "bead panel" ; '
            "cmp:assayType cmp:MultiplexBeadImmunoassay .\n"
        )
        triples += 6
        for s in range(samples // 4 + 1):
            out.write(f"ex:subject{s} cmp:condition {rng.choice(CONDITIONS)} .\n")
            triples += 1
        for s in range(samples):
            out.write(
                f"ex:sample{s} a sosa:Sample ; cmp:sampleType cmp:{rng.choice(SAMPLE_TYPES)} ; "
                f"sosa:isSampleOf ex:subject{s // 4} .\n"
            )
            triples += 3
        for m in range(measurements):
            value = round(rng.lognormvariate(1.0, 1.2), 3)
            out.write(
                f"ex:m{m} a sosa:Observation ; cmp:analyte <{rng.choice(analytes)}> ; "
                f"sosa:hasFeatureOfInterest ex:sample{m % samples} ; "
                f"sosa:usedProcedure ex:{'elisa' if m % 3 else 'panel'} ; "
                f'dcterms:source "PMID:{1000 + m % 50}" ;\n'
                f"  sosa:hasResult [ qudt:numericValue {value} ; "
                f"qudt:unit unit:{rng.choice(UNITS)} ] .\n"
            )
            triples += 8
    return triples


PYSHACL = """
import sys
from pathlib import Path
from pyshacl import validate
from rdflib import Graph
data = Graph()
for path in sys.argv[1:]:
    data.parse(path, format="turtle")
shapes = Graph()
for path in sorted(Path("shapes").glob("*.ttl")):
    shapes.parse(path, format="turtle")
conforms, _, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                          allow_warnings=True, allow_infos=True, inplace=True)
sys.exit(0 if conforms else 1)
"""


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    code: int


def timed(command: list[str]) -> Run:
    """Wall and CPU seconds, peak RSS and exit code of one fresh process.

    CPU time (user + system of the child) is printed beside wall time because the wall time on
    a shared machine includes waiting for other processes.
    """
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode)


def median_run(command: list[str], repeat: int) -> Run:
    runs = [timed(command) for _ in range(repeat)]
    codes = {r.code for r in runs}
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.peak_mib for r in runs),
        codes.pop() if len(codes) == 1 else -1,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the synthetic datasets here and keep them")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        inputs: list[tuple[str, list[Path]]] = [("release", [])]
        for size in args.sizes:
            path = directory / f"measurements-{size}.ttl"
            triples = write_dataset(path, size)
            inputs.append((f"{size:,} measurements ({triples:,} triples)", [path]))
        for name, files in inputs:
            ours = median_run([str(CYTOOWL), "validate", *map(str, files)], args.repeat)
            bare_files = files or [RELEASE]
            if files:
                bare_files = [*files, RELEASE]
            bare = median_run([sys.executable, "-c", PYSHACL, *map(str, bare_files)], args.repeat)
            rows.append((name, "cytoowl validate (shacl 0.3.4)", ours, bare.wall / ours.wall))
            rows.append((name, "bare pySHACL 0.40", bare, 1.0))

    print("| input | engine | wall s | CPU s | peak MiB | exit | pySHACL wall / wall |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, engine, run, ratio in rows:
        print(
            f"| {name} | {engine} | {run.wall:.2f} | {run.cpu:.2f} | {run.peak_mib:.0f} "
            f"| {run.code} | {ratio:.1f}x |"
        )
    release = rows[0][2]
    if release.wall >= 2:
        print(f"WARNING: the release took {release.wall:.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
