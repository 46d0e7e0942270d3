"""Benchmark ``cytoowl validate``: the release, and a synthetic dataset of cytokine measurements.

Run:  .venv/bin/python benchmarks/bench_validate.py [--measurements 100000] [--keep DIR]

Each timing is of the whole command as a user runs it (``cytoowl validate ...`` in a fresh
process: start-up, parsing, SHACL validation, report). The synthetic dataset follows the
measurement profile (docs/measurement-profile.md): one sample per 10 measurements, one subject
per 4 samples, measurements spread over the release's cytokines. The release must stay under
10 s (issue 3); the large dataset is reported, not bounded.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
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


def timed(args: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, exit code and last output line of ``cytoowl validate ARGS``.

    CPU time (user + system of the child) is printed beside wall time because the wall time on
    a shared machine includes waiting for other processes.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(CYTOOWL), "validate", *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return seconds, cpu, done.returncode, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measurements", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the synthetic dataset here and keep it")
    args = parser.parse_args()

    seconds, cpu, code, last = timed([])
    print(f"release ({RELEASE.name}): {seconds:.2f} s wall, {cpu:.2f} s CPU, exit {code}: {last}")
    if seconds >= 10:
        print("WARNING: release validation is over the 10 s budget of issue 3")

    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"measurements-{args.measurements}.ttl"
        triples = write_dataset(path, args.measurements)
        seconds, cpu, code, last = timed([str(path)])
        print(
            f"synthetic dataset ({args.measurements:,} measurements, {triples:,} triples): "
            f"{seconds:.2f} s wall, {cpu:.2f} s CPU, exit {code}: {last}"
        )


if __name__ == "__main__":
    main()
