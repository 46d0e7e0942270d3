"""Benchmark: ``/api/suggest`` under concurrent clients, this checkout against a base commit.

Serves the same data from two ``cytoowl serve`` processes in one run, one with this
checkout's code and one with the code of ``--base`` (a git ref, its ``src/`` put first on
``PYTHONPATH``), and replays the same search-box traffic against each: every prefix of what
people type into the box, keystroke by keystroke, and typos. Prints queries/s, median and
p99 latency per server and level of concurrency, with the ratio to the base.

Datasets (``--data``): ``release`` (the committed release, with the human and mouse layers)
and ``generated`` (``bench_server.py``'s seeded ontology-like data of ``--triples`` triples,
with its search workload). Request loops are bounded in time and count, on loopback only.

    python benchmarks/bench_search.py --base 8bff2c8 --data release,generated
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_server import (
    Cell,
    Server,
    base_source,
    free_port,
    generate,
    load,
    search_terms,
    wait_ready,
    wait_search,
)

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "ontology" / "cytoowl.ttl"
#: What people type into the box on the release: names, symbols, ids and typos. Every
#: prefix of each is sent, as a search box does while typing.
TYPED = [
    "IL-6",
    "interleukin 6",
    "interleukin 6 receptor",
    "tumor necrosis factor",
    "TNF-alpha",
    "CXCL8",
    "C-C motif chemokine ligand 2",
    "interferon gamma",
    "transforming growth factor beta 1",
    "Il6 mouse",
    "HGNC:6018",
    "P05231",
    "receptor complex",
    "interleukn 6",
    "chemokine ligand",
    "gp130",
    "lymphocyte",
]


def keystrokes(texts: list[str]) -> list[str]:
    """Each text as a search box sends it: one request per character typed."""
    return [text[:n] for text in texts for n in range(1, len(text) + 1) if text[:n].strip()]


def release_root(work: Path) -> Path:
    root = work / "release-root"
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    target = root / "ontology" / "cytoowl.ttl"
    if not target.exists():
        shutil.copyfile(RELEASE, target)
    return root


def generated_root(work: Path, triples: int, seed: int) -> tuple[Path, Callable]:
    root = work / f"generated-{triples}"
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    data = generate(root / "ontology" / "cytoowl.ttl", triples, seed)  # N-Triples is Turtle
    return root, lambda rng: search_terms(data, rng)


@contextmanager
def serving(name: str, root: Path, work: Path, source: Path | None) -> Iterator[Server]:
    """``cytoowl serve`` on ``root``'s release, with the code of ``source`` when given."""
    port = free_port()
    env = {
        **os.environ,
        "CYTOOWL_ROOT": str(root),
        "CYTOOWL_STORE_DIR": str(work / f"store-{name}-{root.name}"),
    }
    if source is not None:
        env["PYTHONPATH"] = str(source)
    cmd = [sys.executable, "-m", "cytoowl.cli", "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*cmd, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = Server(name, port, "/sparql", process)
    try:
        started = time.monotonic()
        wait_ready(port, "/sparql", process, limit=1800)
        wait_search(port, limit=1800)
        print(f"  {name}: search ready in {time.monotonic() - started:.1f} s", flush=True)
        yield server
    finally:
        server.stop()


def suggest(make: Callable[[random.Random], str]) -> Callable[[random.Random], tuple[str, str]]:
    def call(rng: random.Random) -> tuple[str, str]:
        q = urllib.parse.urlencode({"q": make(rng), "limit": 10})
        return (f"/api/suggest?{q}", "application/json")

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="8bff2c8", help="git ref of the code to compare with")
    parser.add_argument("--data", default="release,generated", help="release and/or generated")
    parser.add_argument("--triples", type=int, default=1_000_000, help="of the generated data")
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement cell")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per cell")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    work = Path(tempfile.mkdtemp(prefix="cytoowl-bench-search-"))
    results: dict[tuple[str, str, int], Cell] = {}
    try:
        base = base_source(args.base, work)
        datasets: list[tuple[str, Path, Callable]] = []
        for name in args.data.split(","):
            if name == "release":
                typed = keystrokes(TYPED)
                datasets.append((name, release_root(work), lambda rng, t=typed: rng.choice(t)))
            elif name == "generated":
                datasets.append((name, *generated_root(work, args.triples, args.seed)))
        for data, root, make in datasets:
            print(f"{data}:", flush=True)
            for name, source in ((f"base {args.base}", base), ("this checkout", None)):
                with serving(name, root, work, source) as server:
                    load(server, suggest(make), 2, 2, 200, args.seed)  # warm-up
                    for clients in levels:
                        cell = load(
                            server, suggest(make), clients, args.seconds, args.max_requests, 7
                        )
                        results[(data, name, clients)] = cell
                        print(
                            f"    c={clients}: {cell.qps:8.1f} q/s  p50 {cell.pct(0.5):7.2f} ms  "
                            f"p99 {cell.pct(0.99):8.2f} ms  errors {cell.errors}",
                            flush=True,
                        )
        report(results, args.base)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict[tuple[str, str, int], Cell], base: str) -> None:
    print("\n| data | clients | code | q/s | p50 ms | p99 ms | p99 vs base |")
    print("|---|---|---|---|---|---|---|")
    for (data, name, clients), cell in results.items():
        before = results.get((data, f"base {base}", clients))
        ratio = f"{cell.pct(0.99) / before.pct(0.99):.3f}x" if before and before.latencies else "-"
        print(
            f"| {data} | {clients} | {name} | {cell.qps:.1f} | {cell.pct(0.5):.2f} "
            f"| {cell.pct(0.99):.2f} | {ratio} |"
        )


if __name__ == "__main__":
    main()
