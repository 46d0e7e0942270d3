"""Real SPARQL engines for the integration tests and the benchmark: Oxigraph server and
Virtuoso, each started on free loopback ports in a throwaway directory and killed at the end.

Start-up is bounded (``START_LIMIT_S``); a failed start raises with the tail of the engine's
log. Nothing here reads or writes outside the given directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

START_LIMIT_S = 90.0
_BESIDE = Path(sys.executable).parent / "oxigraph"  # the venv's, from the test extra
OXIGRAPH = str(_BESIDE) if _BESIDE.is_file() else shutil.which("oxigraph") or str(_BESIDE)
VIRTUOSO = "virtuoso-t"
VIRTUOSO_VAD = "/usr/share/virtuoso-opensource-7/vad"
#: The dba password of a fresh Virtuoso database (it is a throwaway one).
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Engine:
    """A running engine: its query endpoint, credentials and process (for kill/restart)."""

    name: str
    query_url: str
    directory: Path
    command: list[str]
    user: str | None = None
    password: str | None = None
    process: subprocess.Popen | None = None
    log: Path = field(default=Path(os.devnull))

    @property
    def env(self) -> dict[str, str]:
        """The environment ``cytoowl publish`` reads credentials from."""
        if self.user is None:
            return {}
        return {"CYTOOWL_STORE_USER": self.user, "CYTOOWL_STORE_PASSWORD": self.password or ""}

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.directory,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_LIMIT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start: {self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                answer = httpx.post(
                    self.query_url,
                    data={"query": "ASK {}"},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=2,
                )
                if answer.status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} not ready within {START_LIMIT_S:g} s: {self.tail()}")

    def stop(self) -> None:
        """Kill the engine (its whole process group) and wait for it."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-3000:]
        return ""

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


def oxigraph(directory: Path) -> Engine:
    """Oxigraph server on ``directory/data`` (``oxigraph serve``)."""
    port = free_port()
    directory.mkdir(parents=True, exist_ok=True)
    command = [
        OXIGRAPH, "serve", "--location", str(directory / "data"),
        "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    return Engine(
        "oxigraph", f"http://127.0.0.1:{port}/query", directory, command, log=directory / "log"
    )


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}, {vad}
VADInstallDir = {vad}/
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
ThreadsPerQuery = 2
; a publish switch is one DELETE/INSERT statement: let its log image reach 2 GB
TransactionAfterImageLimit = 2000000000

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/vsp
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
"""


def virtuoso(directory: Path, buffers: int = 20_000, max_rows: int = 10_000) -> Engine:
    """Virtuoso on a fresh database in ``directory`` with its own ini and non-default ports.

    ``max_rows`` is the engine's own result cap (10,000 as shipped).
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    sql, http = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            d=directory,
            vad=VIRTUOSO_VAD,
            sql=sql,
            http=http,
            buffers=buffers,
            dirty=buffers * 3 // 4,
            max_rows=max_rows,
        )
    )
    command = [VIRTUOSO, "+foreground", "+configfile", str(ini)]
    engine = Engine(
        "virtuoso",
        f"http://127.0.0.1:{http}/sparql",
        directory,
        command,
        VIRTUOSO_USER,
        VIRTUOSO_PASSWORD,
        log=directory / "stdout.log",
    )
    engine.sql_port = sql  # type: ignore[attr-defined] - for isql in the benchmark
    return engine


@contextlib.contextmanager
def running(engine: Engine) -> Iterator[Engine]:
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()
