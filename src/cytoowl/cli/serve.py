"""``cytoowl serve``: the SPARQL endpoint, term pages and downloads under uvicorn."""

from __future__ import annotations

from pathlib import Path

import typer

from cytoowl.cli.common import console, settings_or_exit


def serve(
    host: str = typer.Option(None, "--host", help="Interface to bind [127.0.0.1]."),
    port: int = typer.Option(None, "--port", help="TCP port [8000]."),
    workers: int = typer.Option(None, "--workers", help="Query worker processes [2]."),
    timeout: float = typer.Option(None, "--timeout", help="Seconds a query may run [30]."),
    row_limit: int = typer.Option(None, "--row-limit", help="Rows per answer [10000]."),
    max_body: int = typer.Option(None, "--max-body", help="Bytes of a request body [1000000]."),
    max_answer: int = typer.Option(
        None, "--max-answer", help="Bytes of one query answer [50000000]."
    ),
    worker_memory: int = typer.Option(
        None, "--worker-memory", help="MiB of address space per query worker, 0: no cap [2048]."
    ),
    worker_start_timeout: float = typer.Option(
        None, "--worker-start-timeout", help="Seconds a query worker may take to start [60]."
    ),
    worker_nice: int = typer.Option(
        None, "--worker-nice", help="Nice increment of query workers, 0-19 [5]."
    ),
    worker_restarts: int = typer.Option(
        None, "--worker-restarts", help="Attempts to replace a dead query worker [5]."
    ),
    store_dir: str = typer.Option(
        None, "--store-dir", "--data-dir", help="Embedded store directory (kept between runs)."
    ),
    store_url: str = typer.Option(
        None, "--store", "--store-url", help="Remote SPARQL query endpoint to serve."
    ),
    store_engine: str = typer.Option(
        None, "--store-engine", help="oxigraph, virtuoso or generic [auto: by the URL]."
    ),
    store_graph: list[str] = typer.Option(
        None, "--store-graph", help="More remote graphs in the default graph (repeatable)."
    ),
    service_allow: list[str] = typer.Option(
        None, "--service-allow", help="SERVICE endpoint to allow (repeatable)."
    ),
    root: Path = typer.Option(None, "--root", help="Folder with ontology/, shapes/, sparql/."),
    config: Path = typer.Option(None, "--config", help="TOML file with settings."),
) -> None:
    """Serve the release: SPARQL 1.1 endpoint, term pages and downloads (uvicorn).

    Every option can also be set as CYTOOWL_<NAME> in the environment (e.g.
    CYTOOWL_TIMEOUT=10) or in a TOML config file; flags win over both.
    """
    from cytoowl.serve import app

    settings = settings_or_exit(
        config_file=config,
        host=host,
        port=port,
        workers=workers,
        query_timeout_s=timeout,
        row_limit=row_limit,
        max_body_bytes=max_body,
        max_answer_bytes=max_answer,
        worker_memory_mb=worker_memory,
        worker_start_timeout_s=worker_start_timeout,
        worker_nice=worker_nice,
        worker_restarts=worker_restarts,
        store_dir=store_dir,
        store_url=store_url,
        store_engine=store_engine,
        store_graphs=tuple(store_graph) if store_graph else None,
        service_allowlist=tuple(service_allow) if service_allow else None,
        root=root,
    )
    try:
        app.run(settings)
    except app.StartupError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
