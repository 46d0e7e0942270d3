"""``cytoowl serve``: the SPARQL endpoint, term pages and downloads under uvicorn."""

from __future__ import annotations

from pathlib import Path

import typer

from cytoowl.cli.common import console, setting_option, settings_or_exit


def serve(
    host: str = setting_option("host"),
    port: int = setting_option("port"),
    workers: int = setting_option("workers"),
    timeout: float = setting_option("query_timeout_s"),
    row_limit: int = setting_option("row_limit"),
    max_body: int = setting_option("max_body_bytes"),
    max_answer: int = setting_option("max_answer_bytes"),
    worker_memory: int = setting_option("worker_memory_mb"),
    worker_start_timeout: float = setting_option("worker_start_timeout_s"),
    worker_nice: int = setting_option("worker_nice"),
    worker_restarts: int = setting_option("worker_restarts"),
    store_dir: str = setting_option("store_dir", "--data-dir"),
    store_url: str = setting_option("store_url", "--store"),
    store_engine: str = setting_option("store_engine"),
    store_graph: list[str] = setting_option("store_graphs", flag="--store-graph"),
    service_allow: list[str] = setting_option("service_allowlist"),
    root: Path = setting_option("root"),
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
