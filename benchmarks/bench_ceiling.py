"""Benchmark: the most any server on pyoxigraph can do, against Oxigraph server, same run.

``bench_server.py`` measures ``cytoowl serve``. This script measures the engine underneath
it with no server at all: query threads calling ``pyoxigraph.Store.query`` directly on the
store that Oxigraph server serves (same files, same page cache), with no HTTP, no
content negotiation, no limits and no worker pipes. Whatever a Python server adds on top
only costs time and memory, so these rows bound what ``cytoowl serve`` could reach on this
engine:

* ``engine, one handle``: one process, ``--clients`` threads sharing one store handle
  (pyoxigraph releases the GIL while a query runs). The best throughput and the least memory
  a pyoxigraph server could have, but a query that overruns cannot be stopped without
  killing every query beside it (pyoxigraph has no cancellation).
* ``engine, a handle per worker``: ``--workers`` processes with a handle each, one query at
  a time per process: the layout cytoowl's killable query workers have (DESIGN section 7:
  limits enforced without blocking other clients), without the server in front.

Each run measures Oxigraph server and both engine rows on the same query mix
(``bench_server.mix_query``: label prefix scans, joins, counts, CONSTRUCT), the same number of
clients, the same seconds; the peak RSS of each process tree is sampled every 0.1 s. The
table gives medians over ``--runs`` of the absolute numbers and of the per-run ratios.

    python benchmarks/bench_ceiling.py --triples 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_server as bench  # noqa: E402 - the generator, query mix and server harness

WARM_UP_S = 2.0


@dataclass
class Row:
    """One measured layout in one run."""

    qps: float
    peak_mib: float


def engine_loop(store_dir: str, threads: int, seconds: float, seed: int, data: dict) -> int:
    """Queries answered by ``threads`` threads on one read-only handle (runs in a child)."""
    from pyoxigraph import QueryResultsFormat, QuerySolutions, RdfFormat, Store

    store = Store.read_only(store_dir)
    dataset = bench.Dataset(Path(data["path"]), data["classes"], data["individuals"])
    done = [0] * threads

    def answer(rng: random.Random) -> None:
        result = store.query(bench.mix_query(dataset, rng)[0])
        if isinstance(result, QuerySolutions):
            result.serialize(format=QueryResultsFormat.JSON)
        else:
            result.serialize(format=RdfFormat.TURTLE)

    warm_up = time.monotonic() + WARM_UP_S  # as the servers get before their measurement
    rng = random.Random(seed)
    while time.monotonic() < warm_up:
        answer(rng)
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(seed * 100 + index)
        while time.monotonic() < deadline:
            answer(rng)
            done[index] += 1

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return sum(done)


def run_engine(
    store: Path, processes: int, threads: int, seconds: float, seed: int, data: bench.Dataset
) -> Row:
    """``processes`` children with ``threads`` query threads each; their q/s and peak RSS."""
    spec = {"path": str(data.path), "classes": data.classes, "individuals": data.individuals}
    children = []
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}  # as cytoowl's children: fewer arenas
    for index in range(processes):
        args = [str(store), str(threads), str(seconds), str(seed * 10 + index), json.dumps(spec)]
        cmd = [sys.executable, __file__, "--engine-child", *args]
        children.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env))
    samplers = [bench.Memory() for _ in children]
    for sampler, child in zip(samplers, children, strict=True):
        sampler.pid = child.pid
    outputs = [child.communicate()[0] for child in children]
    if any(child.returncode for child in children):
        raise RuntimeError("an engine child failed")
    peak = sum(sampler.stop() for sampler in samplers)  # each handle's own peak, summed
    return Row(sum(int(out) for out in outputs) / seconds, peak / 2**20)


def run_server(
    server: bench.Server, clients: int, seconds: float, seed: int, data: bench.Dataset
) -> Row:
    """The same mix over HTTP against a running server; its q/s and peak RSS while serving."""
    cell = bench.load(server, lambda r: bench.mix_query(data, r), clients, seconds, 10**9, seed)
    if cell.errors:
        raise RuntimeError(f"{server.name}: {cell.errors} failed requests")
    return Row(cell.qps, (server.serving.peak if server.serving else 0) / 2**20)


def one_run(data: bench.Dataset, work: Path, args: argparse.Namespace) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    with bench.running(bench.start_oxigraph, data, work) as server:
        bench.load(server, lambda r: bench.mix_query(data, r), 2, WARM_UP_S, 200, args.seed)
        rows["Oxigraph server"] = run_server(server, args.clients, args.seconds, args.seed, data)
    store = work / "oxigraph-store"  # the files Oxigraph server just served
    one = run_engine(store, 1, args.clients, args.seconds, args.seed, data)
    rows["engine, one handle"] = one
    per_worker = run_engine(store, args.workers, 1, args.seconds, args.seed, data)
    rows[f"engine, a handle per worker ({args.workers})"] = per_worker
    return rows


def report(runs: list[dict[str, Row]]) -> None:
    base = "Oxigraph server"
    print("\n| layout | mix q/s | vs Oxigraph server | peak RSS MiB | vs Oxigraph server |")
    print("|---|---|---|---|---|")
    for name in runs[0]:
        qps = statistics.median(r[name].qps for r in runs)
        mib = statistics.median(r[name].peak_mib for r in runs)
        q_ratio = statistics.median(r[name].qps / r[base].qps for r in runs)
        m_ratio = statistics.median(r[name].peak_mib / r[base].peak_mib for r in runs)
        each = ", ".join(f"{r[name].qps / r[base].qps:.2f}" for r in runs)
        print(f"| {name} | {qps:.1f} | {q_ratio:.2f}x ({each}) | {mib:.0f} | {m_ratio:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--clients", type=int, default=8, help="concurrent queries")
    parser.add_argument("--workers", type=int, default=2, help="as `cytoowl serve --workers`")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="cytoowl-ceiling-"))
    work.mkdir(parents=True, exist_ok=True)
    data = bench.generate(work / "data.nt", args.triples, args.seed)
    print(f"dataset: {data.classes} classes, {data.individuals} individuals", flush=True)
    runs = []
    for run in range(1, args.runs + 1):
        runs.append(one_run(data, work, args))
        line = ", ".join(f"{n} {r.qps:.1f} q/s {r.peak_mib:.0f} MiB" for n, r in runs[-1].items())
        print(f"run {run}: {line}", flush=True)
    report(runs)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--engine-child"]:
        store_dir, threads, seconds, seed, spec = sys.argv[2:]
        print(engine_loop(store_dir, int(threads), float(seconds), int(seed), json.loads(spec)))
    else:
        main()
