"""Benchmark: the embedded store versus Oxigraph server and Virtuoso, same data, same run.

For the release and a generated ontology-like dataset (``bench_server.generate``, 1M triples
by default) it measures, per engine:

* load time and the loader's peak memory: ``cytoowl load`` (embedded, pyoxigraph bulk load
  into the directory ``cytoowl serve --store-dir`` serves), ``oxigraph load`` (Oxigraph
  server's bulk loader), Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``); and
  ``cytoowl publish`` (Graph Store Protocol over HTTP) into both servers;
* time until ``cytoowl serve`` answers on the already-loaded directory (a restart);
* query-mix throughput with 4 clients (the competency questions on the release; label
  search, joins, counts and CONSTRUCT on the generated data) and the server's peak memory.

Medians over ``--repeats`` loads; one table with ratios to Oxigraph server. The machine is
shared: the load average is printed before and after. Needs the engines of the test set-up
(``oxigraph`` in the venv, Debian ``virtuoso-opensource``) and ``psutil``.

    python benchmarks/bench_engines.py --triples 1000000 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests"), str(ROOT / "src")]

import bench_server  # noqa: E402 - the generator and the query mix of the server benchmark

import engine_servers  # noqa: E402 - the engines as the integration tests start them
from cytoowl import paths  # noqa: E402
from cytoowl.queryfiles import read_query_dir  # noqa: E402

BIN = Path(sys.executable).parent
GRAPH = "http://example.org/bench"
JSON = bench_server.JSON


class PeakRss:
    """Peak resident memory of a process and its children, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                rss = sum(p.memory_info().rss for p in [root, *root.children(True)])
                self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """(seconds, peak RSS bytes) of a command, which must succeed."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = PeakRss(process.pid)
    _, err = process.communicate()
    seconds, rss = time.monotonic() - started, peak.stop()
    if process.returncode:
        raise RuntimeError(f"{command[:3]} failed: {err.decode()[-2000:]}")
    return seconds, rss


def cytoowl_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def cytoowl(*args: str) -> list[str]:
    return [sys.executable, "-m", "cytoowl.cli", *args]


@dataclass
class Row:
    engine: str
    dataset: str
    load_how: str
    load_s: list[float] = field(default_factory=list)
    load_rss: list[int] = field(default_factory=list)
    publish_s: float | None = None
    ready_s: float | None = None
    qps: float = 0.0
    errors: int = 0
    serve_rss: int = 0


def throughput(port: int, path: str, make: Callable, seconds: float, seed: int) -> tuple:
    server = bench_server.Server("x", port, path, None)  # type: ignore[arg-type]
    bench_server.load(server, make, 2, 1, 50, seed)  # warm-up
    cell = bench_server.load(server, make, 4, seconds, 50_000, seed)
    return cell.qps, cell.errors


def mixes(data: bench_server.Dataset | None) -> Callable[[random.Random], tuple[str, str]]:
    if data is None:
        cqs = [q.text for q in read_query_dir(paths.LAYOUT.cq_dir)]
        return lambda rng: (rng.choice(cqs), JSON)
    return lambda rng: bench_server.mix_query(data, rng)


def bench_embedded(file: Path, name: str, work: Path, args, make) -> Row:
    row = Row("embedded (pyoxigraph)", name, "cytoowl load")
    for i in range(args.repeats):
        target = work / f"emb-{name}-{i}"
        s, rss = timed(cytoowl("load", "--data-dir", str(target), "--graph", GRAPH, str(file)),
                       cytoowl_env())  # fmt: skip
        row.load_s.append(s)
        row.load_rss.append(rss)
    port = engine_servers.free_port()
    # A one-triple "release" beside the data, so the data is served once (not twice, as the
    # release's own graph would add for the release dataset).
    root = work / "tiny-root"
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    (root / "ontology" / "cytoowl.ttl").write_text("<urn:x> <urn:y> <urn:z> .\n")
    env = {
        **cytoowl_env(),
        "CYTOOWL_STORE_DIR": str(work / f"emb-{name}-0"),
        "CYTOOWL_ROOT": str(root),
    }
    started = time.monotonic()
    process = subprocess.Popen(cytoowl("serve", "--port", str(port), "--workers", "2"), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    peak = PeakRss(process.pid)
    try:
        bench_server.wait_ready(port, "/sparql", process, limit=900)
        row.ready_s = time.monotonic() - started
        row.qps, row.errors = throughput(port, "/sparql", make, args.seconds, args.seed)
    finally:
        for child in psutil.Process(process.pid).children(True):
            child.kill()
        process.terminate()
        process.wait(30)
        row.serve_rss = peak.stop()
    return row


def bench_oxigraph(file: Path, name: str, work: Path, args, make) -> Row:
    row = Row("Oxigraph server", name, "oxigraph load")
    for i in range(args.repeats):
        location = work / f"oxi-{name}-{i}"
        # into a named graph like the other engines (Oxigraph indexes named-graph quads in
        # six orders, default-graph triples in three: loading into the default graph would
        # be a different, smaller job)
        s, rss = timed([engine_servers.OXIGRAPH, "load", "--location", str(location),
                        "--file", str(file), "--graph", GRAPH])  # fmt: skip
        row.load_s.append(s)
        row.load_rss.append(rss)
    engine = engine_servers.oxigraph(work / f"oxi-{name}-serve")
    engine.command[engine.command.index("--location") + 1] = str(work / f"oxi-{name}-0")
    engine.command.append("--union-default-graph")  # the default graph of queries, as cytoowl
    with engine_servers.running(engine):
        peak = PeakRss(engine.pid or 0)
        port = int(engine.query_url.split(":")[2].split("/")[0])
        row.qps, row.errors = throughput(port, "/query", make, args.seconds, args.seed)
        row.publish_s = publish_time(engine, file, args, name)
        row.serve_rss = peak.stop()
    return row


def bench_virtuoso(file: Path, name: str, work: Path, args, make) -> Row:
    row = Row("Virtuoso", name, "ld_dir + rdf_loader_run")
    engine = engine_servers.virtuoso(work / f"virt-{name}", buffers=args.virtuoso_buffers)
    staged = engine.directory / ("data" + "".join(file.suffixes))
    os.link(file, staged) if not staged.exists() else None
    with engine_servers.running(engine):
        peak = PeakRss(engine.pid or 0)
        for i in range(args.repeats):
            graph = f"{GRAPH}/{i}"
            before = peak.peak
            started = time.monotonic()
            # LOAD_LIST remembers loaded files: clear it, or a repeat loads nothing
            isql(engine, f"DELETE FROM DB.DBA.LOAD_LIST; ld_dir('{engine.directory}', "
                 f"'{staged.name}', '{graph}'); rdf_loader_run(); checkpoint;")  # fmt: skip
            row.load_s.append(time.monotonic() - started)
            row.load_rss.append(max(peak.peak, before))
            loaded = count(engine, graph)
            if loaded < 0.99 * lines(file):
                raise RuntimeError(f"Virtuoso loaded {loaded} triples of {file}")
            if i:
                isql(engine, f"SPARQL CLEAR GRAPH <{graph}>;")
        port = int(engine.query_url.split(":")[2].split("/")[0])
        row.qps, row.errors = throughput(port, "/sparql", make, args.seconds, args.seed)
        row.publish_s = publish_time(engine, file, args, name)
        row.serve_rss = peak.stop()
    return row


def lines(file: Path) -> int:
    """Triples of a Turtle/N-Triples file, roughly (its lines), for a sanity check."""
    if file.suffix == ".nt":
        return sum(1 for _ in file.open("rb"))
    return 0


def count(engine: engine_servers.Engine, graph: str) -> int:
    import httpx

    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = httpx.post(engine.query_url, data={"query": query}, headers={"Accept": JSON})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def isql(engine: engine_servers.Engine, statements: str) -> None:
    port = engine.sql_port  # type: ignore[attr-defined]
    subprocess.run(["isql-vt", f"127.0.0.1:{port}", "dba", "dba", f"exec={statements}"],
                   check=True, stdout=subprocess.DEVNULL, timeout=3600)  # fmt: skip


def publish_time(engine: engine_servers.Engine, file: Path, args, name: str) -> float | None:
    """``cytoowl publish`` of the file (the generated data only with --publish-generated:
    the atomic switch is one transaction the size of the graph, minutes for 1M triples)."""
    if name != "release" and not args.publish_generated:
        return None
    env = {**cytoowl_env(), **engine.env}
    command = cytoowl("publish", "--store", engine.query_url, "--graph", GRAPH + "/published",
                      str(file))  # fmt: skip
    try:
        return timed(command, env)[0]
    except RuntimeError as exc:
        print(f"  publish into {engine.name} failed: {exc}", flush=True)
        return None


def fmt_ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return "-"
    return f"{value / base:.2f}x"


def table(rows: list[Row]) -> str:
    head = (
        "| dataset | engine | load (how) | load s | vs Oxigraph | loader peak MiB | publish s "
        "(HTTP) | serve ready s | mix q/s (4 clients) | vs Oxigraph | server peak MiB |"
    )
    out = [head, "|" + "---|" * 11]
    for dataset in dict.fromkeys(r.dataset for r in rows):
        group = [r for r in rows if r.dataset == dataset]
        base = next((r for r in group if r.engine == "Oxigraph server"), None)
        base_load = statistics.median(base.load_s) if base else None
        for r in group:
            load = statistics.median(r.load_s)
            out.append(
                f"| {dataset} | {r.engine} | {r.load_how} | {load:.2f} | "
                f"{fmt_ratio(load, base_load)} | {statistics.median(r.load_rss) / 2**20:.0f} | "
                f"{f'{r.publish_s:.2f}' if r.publish_s is not None else '-'} | "
                f"{f'{r.ready_s:.2f}' if r.ready_s is not None else '-'} | "
                f"{r.qps:.1f}{f' ({r.errors} errors)' if r.errors else ''} | "
                f"{fmt_ratio(r.qps, base.qps if base else None)} | {r.serve_rss / 2**20:.0f} |"
            )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=3, help="loads per engine (median)")
    parser.add_argument("--seconds", type=float, default=10.0, help="query mix per engine")
    parser.add_argument("--virtuoso-buffers", type=int, default=100_000, help="8 KiB pages")
    parser.add_argument("--engines", default="embedded,oxigraph,virtuoso")
    parser.add_argument("--publish-generated", action="store_true", help="also time publish")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="cytoowl-bench-engines-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()}; {psutil.cpu_count()} cores", flush=True)
    generated = bench_server.generate(work / "generated.nt", args.triples, args.seed)
    triples = sum(1 for _ in generated.path.open())
    datasets = [
        ("release", paths.LAYOUT.release.ttl, None),
        (f"generated {triples:,} triples", generated.path, generated),
    ]
    benches = {"embedded": bench_embedded, "oxigraph": bench_oxigraph, "virtuoso": bench_virtuoso}
    rows = []
    for name, file, data in datasets:
        for engine in args.engines.split(","):
            print(f"{name}: {engine}", flush=True)
            rows.append(benches[engine](file, name, work, args, mixes(data)))
    print(f"load average after: {os.getloadavg()}", flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
