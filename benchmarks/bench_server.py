"""Benchmark: cytoowl serve versus Oxigraph server and rdflib-endpoint on the same data.

The ``search`` workload is what a search box sends: cytoowl's ``/api/suggest`` (exact ids,
prefixes typed so far, typos), against the SPARQL a client of a plain endpoint has to send
instead (a CONTAINS filter over labels and synonyms, Oxigraph only; rdflib needs minutes).

Generates a seeded ontology-like dataset (classes with a hierarchy, labelled individuals
with synonyms, xrefs and relations), serves it from the three servers on loopback ports,
replays the same query mix at several concurrencies (bounded in time and count), and
prints queries/s, p50/p99 latency and peak memory (RSS of the server and its children)
with ratios. Memory is counted the same way for every server, in two phases: start-up
(from the first command, a separate loader such as ``oxigraph load`` included, until all
start-up work is done) and serving (after that). cytoowl answers queries before its search
index is built (``ready``), and the index's build counts as start-up; the workloads start
once ``/ready`` says the index is there.
Needs the ``bench`` extras (``pip install -e '.[bench]'``).

    python benchmarks/bench_server.py --triples 1000000
"""

from __future__ import annotations

import argparse
import functools
import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
TERM = "https://w3id.org/cytoowl/CYTO_"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
DEF = "http://purl.obolibrary.org/obo/IAO_0000115"
BINDS = TERM + "0000900"
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "kappa",
    "lambda",
    "sigma",
    "omega",
    "interleukin",
    "factor",
    "receptor",
    "chain",
]


# --- data -------------------------------------------------------------------------------


@dataclass
class Dataset:
    path: Path
    classes: int
    individuals: int
    #: The lookup subjects of a given file (``--data``); generated data looks up individuals.
    subjects: list[str] = field(default_factory=list)

    def cls(self, i: int) -> str:
        return f"{TERM}{1000 + i:07d}"

    def ind(self, i: int) -> str:
        return f"{TERM}{1000 + self.classes + i:07d}"


def generate(path: Path, triples: int, seed: int) -> Dataset:
    """About ``triples`` triples: classes ~1/100, individuals ~10 triples each."""
    rng = random.Random(seed)
    classes = max(10, triples // 100)
    individuals = max(10, (triples - classes * 5) // 10)
    data = Dataset(path, classes, individuals)
    with path.open("w", encoding="utf-8") as out:
        for c in range(classes):
            iri = data.cls(c)
            out.write(f"<{iri}> <{RDF_TYPE}> <{OWL}Class> .\n")
            out.write(f'<{iri}> <{RDFS}label> "{rng.choice(WORDS)} class {c}" .\n')
            out.write(f'<{iri}> <{DEF}> "A generated class number {c}." .\n')
            if c:
                out.write(f"<{iri}> <{RDFS}subClassOf> <{data.cls(rng.randrange(c))}> .\n")
        for i in range(individuals):
            iri = data.ind(i)
            out.write(f"<{iri}> <{RDF_TYPE}> <{OWL}NamedIndividual> .\n")
            out.write(f"<{iri}> <{RDF_TYPE}> <{data.cls(i % classes)}> .\n")
            out.write(f'<{iri}> <{RDFS}label> "{rng.choice(WORDS)} protein {i}" .\n')
            out.write(f'<{iri}> <{OIO}hasExactSynonym> "P{i}" .\n')
            out.write(f'<{iri}> <{OIO}hasExactSynonym> "{rng.choice(WORDS).upper()}{i}" .\n')
            out.write(f'<{iri}> <{OIO}hasDbXref> "HGNC:{i}" .\n')
            out.write(f'<{iri}> <{OIO}hasDbXref> "UniProtKB:Q{i:05d}" .\n')
            out.write(f'<{iri}> <{DEF}> "The generated gene product {i}." .\n')
            for _ in range(2):
                out.write(f"<{iri}> <{BINDS}> <{data.ind(rng.randrange(individuals))}> .\n")
    return data


# --- queries ----------------------------------------------------------------------------

Query = tuple[str, str]  # (text, Accept)


def mix_query(data: Dataset, rng: random.Random) -> Query:
    """The ontology-like mix: label search, joins, counts, CONSTRUCT."""
    kind = rng.randrange(4)
    c = rng.randrange(data.classes)
    if kind == 0:
        word, number = rng.choice(WORDS), rng.randrange(10, 99)
        return (
            f"SELECT ?s ?label WHERE {{ ?s <{RDFS}label> ?label "
            f'FILTER(STRSTARTS(?label, "{word} protein {number}")) }} LIMIT 20',
            JSON,
        )
    if kind == 1:
        return (
            f"SELECT ?i ?label ?o ?olabel WHERE {{ ?i a <{data.cls(c)}> ; <{RDFS}label> ?label ; "
            f"<{BINDS}> ?o . ?o <{RDFS}label> ?olabel }} LIMIT 100",
            JSON,
        )
    if kind == 2:
        return (
            f"SELECT ?sub (COUNT(?i) AS ?n) WHERE {{ ?sub <{RDFS}subClassOf> <{data.cls(c)}> . "
            f"?i a ?sub }} GROUP BY ?sub",
            JSON,
        )
    return (f"CONSTRUCT {{ ?i ?p ?o }} WHERE {{ ?i a <{data.cls(c)}> ; ?p ?o }}", TURTLE)


def lookup_query(data: Dataset, rng: random.Random) -> Query:
    if data.subjects:
        subject = rng.choice(data.subjects)
    else:
        subject = data.ind(rng.randrange(data.individuals))
    return (f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}", JSON)


def given(path: Path, work: Path) -> Dataset:
    """A Turtle or N-Triples file (e.g. the release) as served by every server; its lookups
    ask for its own terms (cytoowl IRIs that are subjects), in a fixed order."""
    import pyoxigraph  # the bench extra's servers need it anyway

    kind = pyoxigraph.RdfFormat.from_extension(path.suffix.lstrip("."))
    store = pyoxigraph.Store()
    store.bulk_load(path=str(path), format=kind)
    subjects = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, None, None)
            if isinstance(q.subject, pyoxigraph.NamedNode) and q.subject.value.startswith(TERM)
        }
    )
    copy = work / f"data{path.suffix}"
    if not copy.exists():
        shutil.copyfile(path, copy)
    return Dataset(copy, 0, 0, subjects)


def search_terms(data: Dataset, rng: random.Random) -> str:
    """What people type: a symbol, an xref, a label typed so far, a label with a typo."""
    i = rng.randrange(data.individuals)
    kind = rng.randrange(4)
    if kind == 0:
        return f"P{i}"
    if kind == 1:
        return f"HGNC:{i}"
    if kind == 2:
        return f"{rng.choice(WORDS)} prot"
    word = rng.choice(WORDS)
    return f"{word[:2]}{word[3:]} protein {i}"  # one letter dropped


def suggest_call(data: Dataset, rng: random.Random) -> Query:
    """cytoowl's search API (a request path, not a SPARQL query)."""
    q = urllib.parse.urlencode({"q": search_terms(data, rng), "limit": 10})
    return (f"/api/suggest?{q}", "application/json")


def search_query(data: Dataset, rng: random.Random) -> Query:
    """The same look-up as SPARQL, for endpoints without a search API."""
    text = search_terms(data, rng).lower().replace('"', "")
    return (
        f"SELECT DISTINCT ?s ?l WHERE {{ ?s <{RDFS}label>|<{OIO}hasExactSynonym>|"
        f'<{OIO}hasDbXref> ?l FILTER(CONTAINS(LCASE(STR(?l)), "{text}")) }} LIMIT 10',
        JSON,
    )


HEAVY: Query = (
    "SELECT ?t (COUNT(*) AS ?n) WHERE { ?i a ?t . ?i ?p ?o } GROUP BY ?t ORDER BY DESC(?n) LIMIT 5",
    JSON,
)


# --- servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Memory:
    """Peak RSS of a process tree (the process and all its children), sampled every 0.1 s."""

    def __init__(self) -> None:
        self.peak = 0
        self.pid: int | None = None
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            if self.pid is not None:
                try:
                    root = psutil.Process(self.pid)
                    rss = sum(p.memory_info().rss for p in [root, *root.children(True)])
                    self.peak = max(self.peak, rss)
                except psutil.Error:
                    pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        return self.peak


def run_watched(cmd: list[str], memory: Memory) -> None:
    """Run a command to its end with its memory counted (e.g. a loader)."""
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    memory.pid = process.pid
    if process.wait() != 0:
        raise RuntimeError(f"{cmd[0]} exited with {process.returncode}")


@dataclass
class Server:
    name: str
    port: int
    path: str
    process: subprocess.Popen
    #: start-up: from the first command (a separate loader too) until ready; serving: after.
    startup: Memory = field(default_factory=Memory)
    serving: Memory | None = None
    ready_s: float = 0.0
    search_s: float | None = None

    def ready(self) -> None:
        """Start-up is over: from now on memory counts as serving."""
        self.startup.stop()
        self.serving = Memory()
        self.serving.pid = self.process.pid

    def stop(self) -> None:
        if self.serving:
            self.serving.stop()
        for child in psutil.Process(self.process.pid).children(True):
            child.kill()  # our own children only (workers of this server)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_ready(port: int, path: str, process: subprocess.Popen, limit: float) -> None:
    deadline = time.monotonic() + limit
    query = urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", f"{path}?{query}", headers={"Accept": JSON})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server not ready in time")


def wait_search(port: int, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/ready")
        if b'"search":"ready"' in conn.getresponse().read().replace(b" ", b""):
            return
        time.sleep(0.5)
    raise RuntimeError("search not ready in time")


def base_source(ref: str, work: Path) -> Path:
    """``src/`` of the git ref ``ref``, unpacked into ``work`` (the checkout is not touched)."""
    target = work / f"base-{ref}"
    if not target.exists():
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True
        ).stdout
        target.mkdir(parents=True)
        archive_path = work / "base.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(target, filter="data")
    return target / "src"


def start_cytoowl(data: Dataset, work: Path, ref: str | None = None) -> Server:
    """``cytoowl serve`` with this checkout's code, or with the code of the git ref ``ref``
    (its ``src/`` first on the path; server name ``cytoowl@ref``)."""
    root = work / "cytoowl-root"
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    target = root / "ontology" / "cytoowl.ttl"  # N-Triples is Turtle
    if not target.exists():
        os.link(data.path, target)
    port = free_port()
    name = f"cytoowl@{ref}" if ref else "cytoowl"
    env = {
        **os.environ,
        "CYTOOWL_ROOT": str(root),
        "CYTOOWL_STORE_DIR": str(work / f"store-{name}"),
    }
    if ref:
        env["PYTHONPATH"] = str(base_source(ref, work))
    cmd = [sys.executable, "-m", "cytoowl.cli", "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*cmd, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = Server(name, port, "/sparql", process)
    server.startup.pid = process.pid
    return server


def start_oxigraph(data: Dataset, work: Path) -> Server:
    location = work / "oxigraph-store"
    startup = Memory()
    if not location.exists():
        load = [str(BIN / "oxigraph"), "load", "--location", str(location)]
        run_watched([*load, "--file", str(data.path)], startup)
    port = free_port()
    cmd = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location)]
    process = subprocess.Popen(
        [*cmd, "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    startup.pid = process.pid
    return Server("oxigraph", port, "/query", process, startup)


def start_rdflib(data: Dataset, work: Path) -> Server:
    port = free_port()
    cmd = [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*cmd, str(data.path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = Server("rdflib-endpoint", port, "/", process)  # its endpoint is the root
    server.startup.pid = process.pid
    return server


@contextmanager
def running(start: Callable[[Dataset, Path], Server], data: Dataset, work: Path) -> Iterator:
    started = time.monotonic()
    server = start(data, work)
    try:
        wait_ready(server.port, server.path, server.process, limit=1800)
        server.ready_s = time.monotonic() - started
        print(f"  {server.name} ready in {server.ready_s:.1f} s", flush=True)
        if server.name.startswith("cytoowl"):  # its search index is built after it answers
            wait_search(server.port, limit=1800)
            server.search_s = time.monotonic() - started
            print(f"  {server.name} search ready in {server.search_s:.1f} s", flush=True)
        server.ready()  # start-up work is over (the search index's build included)
        yield server
    finally:
        server.stop()


# --- load -------------------------------------------------------------------------------


@dataclass
class Cell:
    done: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def qps(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        values = sorted(self.latencies)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0


def request(conn: http.client.HTTPConnection, path: str, query: Query) -> bool:
    """GET a SPARQL query at ``path``, or an API path as given (one that starts with /)."""
    text, accept = query
    target = text if text.startswith("/") else f"{path}?{urllib.parse.urlencode({'query': text})}"
    conn.request("GET", target, headers={"Accept": accept})
    response = conn.getresponse()
    response.read()
    return response.status == 200


def load(
    server: Server,
    make: Callable[[random.Random], Query],
    clients: int,
    seconds: float,
    max_requests: int,
    seed: int,
) -> Cell:
    """``clients`` threads with keep-alive connections, until time or count runs out."""
    cell = Cell()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(seed * 100 + index)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        while time.monotonic() < deadline:
            with lock:
                if cell.done + cell.errors >= max_requests:
                    return
            started = time.monotonic()
            try:
                ok = request(conn, server.path, make(rng))
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            with lock:
                if ok:
                    cell.done += 1
                    cell.latencies.append(time.monotonic() - started)
                else:
                    cell.errors += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cell.seconds = time.monotonic() - started
    return cell


@contextmanager
def heavy_background(server: Server) -> Iterator[Cell]:
    """One client looping a heavy aggregate over every triple."""
    stop = threading.Event()
    cell = Cell()

    def loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        while not stop.is_set():
            started = time.monotonic()
            try:
                ok = request(conn, server.path, HEAVY)
            except OSError:
                ok = False
            cell.done += ok
            cell.latencies.append(time.monotonic() - started)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    time.sleep(0.5)
    try:
        yield cell
    finally:
        stop.set()
        thread.join(timeout=300)


# --- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="serve this Turtle/N-Triples file (e.g. ontology/cytoowl.ttl) instead of "
        "generated data; only the lookup workloads (lookup, heavy) apply",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement cell")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per cell")
    parser.add_argument(
        "--servers",
        default="cytoowl,oxigraph,rdflib-endpoint",
        help="also cytoowl@REF: cytoowl with the code of a git ref (e.g. cytoowl@HEAD~1)",
    )
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--workloads", default="mix,lookup,search,heavy", help="which of mix,lookup,search,heavy"
    )
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="cytoowl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    levels = [int(c) for c in args.concurrency.split(",")]
    starters = {
        "cytoowl": start_cytoowl,
        "oxigraph": start_oxigraph,
        "rdflib-endpoint": start_rdflib,
    }
    names = [n for n in args.servers.split(",") if n.split("@")[0] in starters]

    started = time.monotonic()
    if args.data is not None:
        data = given(args.data, work)
        print(f"dataset: {args.data} ({len(data.subjects)} cytoowl subjects to look up)")
    else:
        data = generate(work / "data.nt", args.triples, args.seed)
        lines = sum(1 for _ in data.path.open())
        print(
            f"dataset: {lines} triples ({data.classes} classes, {data.individuals} "
            f"individuals) in {time.monotonic() - started:.1f} s",
            flush=True,
        )

    results: dict[tuple[str, str, int], Cell] = {}
    peaks: dict[str, int] = {}
    for name in names:
        print(f"{name}:", flush=True)
        kind, _, ref = name.partition("@")
        start = functools.partial(start_cytoowl, ref=ref) if ref else starters[kind]
        with running(start, data, work) as server:
            search = suggest_call if name.startswith("cytoowl") else search_query
            workloads = [
                ("mix", lambda r: mix_query(data, r)),
                ("lookup", lambda r: lookup_query(data, r)),
            ]
            if name != "rdflib-endpoint":  # rdflib takes seconds per CONTAINS scan
                workloads.append(("search", lambda r, s=search: s(data, r)))
            chosen = args.workloads.split(",")
            if args.data is not None:  # mix and search ask for generated terms
                chosen = [w for w in chosen if w in ("lookup", "heavy")]
            for workload, make in [w for w in workloads if w[0] in chosen]:
                load(server, make, 2, 2, 200, args.seed)  # warm-up
                for clients in levels:
                    cell = load(server, make, clients, args.seconds, args.max_requests, args.seed)
                    results[(name, workload, clients)] = cell
                    print(
                        f"  {workload:7} c={clients}: {cell.qps:8.1f} q/s  "
                        f"p50 {cell.pct(0.5):7.1f} ms  p99 {cell.pct(0.99):8.1f} ms  "
                        f"errors {cell.errors}",
                        flush=True,
                    )
            if name != "rdflib-endpoint" and "heavy" in chosen:  # rdflib: minutes
                with heavy_background(server) as heavy:
                    cell = load(
                        server,
                        lambda r: lookup_query(data, r),
                        8,
                        args.seconds,
                        args.max_requests,
                        args.seed,
                    )
                results[(name, "lookup+heavy", 8)] = cell
                print(
                    f"  lookup while heavy query runs c=8: {cell.qps:8.1f} q/s  "
                    f"p99 {cell.pct(0.99):.1f} ms  (heavy queries done: {heavy.done})",
                    flush=True,
                )
        peaks[name] = server
    report(results, peaks, names, levels)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict, peaks: dict, names: list[str], levels: list[int]) -> None:
    print("\n| workload | clients | server | q/s | p50 ms | p99 ms | vs oxigraph | vs rdflib |")
    print("|---|---|---|---|---|---|---|---|")
    for workload in ("mix", "lookup", "search", "lookup+heavy"):
        for clients in levels if workload != "lookup+heavy" else [8]:
            ox = results.get(("oxigraph", workload, clients))
            rd = results.get(("rdflib-endpoint", workload, clients))
            for name in names:
                cell = results.get((name, workload, clients))
                if cell is None:
                    continue
                vs_ox = f"{cell.qps / ox.qps:.2f}x" if ox and ox.qps else "-"
                vs_rd = f"{cell.qps / rd.qps:.1f}x" if rd and rd.qps else "-"
                print(
                    f"| {workload} | {clients} | {name} | {cell.qps:.1f} | {cell.pct(0.5):.1f} "
                    f"| {cell.pct(0.99):.1f} | {vs_ox} | {vs_rd} |"
                )
    print(
        "\n| server | ready s | vs oxigraph | peak RSS serving MiB | vs oxigraph "
        "| peak RSS start-up MiB | vs oxigraph |"
    )
    print("|---|---|---|---|---|---|---|")
    ox = peaks.get("oxigraph")
    for name in names:
        s = peaks[name]
        serving = s.serving.peak if s.serving else 0
        cells = [
            (s.ready_s, ox.ready_s if ox else 0, "s"),
            (serving / 2**20, (ox.serving.peak if ox and ox.serving else 0) / 2**20, ""),
            (s.startup.peak / 2**20, (ox.startup.peak if ox else 0) / 2**20, ""),
        ]
        row = " | ".join(f"{v:.1f} | {v / o:.2f}x" if o else f"{v:.1f} | -" for v, o, _ in cells)
        search = f" (search ready {s.search_s:.1f} s)" if s.search_s else ""
        print(f"| {name}{search} | {row} |")


if __name__ == "__main__":
    main()
