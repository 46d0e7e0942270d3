"""``cytoowl publish``: the release (or other RDF files) into a remote SPARQL engine."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from cytoowl.cli.common import console, graph_or_exit, setting_option, settings_or_exit


def publish(
    files: list[Path] = typer.Argument(
        None, help="RDF files for --graph (default: the release, shapes and example queries)."
    ),
    store: str = typer.Option(None, "--store", "--store-url", help="The store's query endpoint."),
    graph: str = typer.Option(
        None, "--graph", help="Target graph IRI (the release's, or the files'; required for files)."
    ),
    update_url: str = typer.Option(None, "--update-url", help="SPARQL Update endpoint."),
    graph_store_url: str = typer.Option(
        None, "--graph-store-url", help="Graph Store Protocol endpoint."
    ),
    engine: str = setting_option("store_engine"),
    root: Path = setting_option("root"),
    config: Path = typer.Option(None, "--config", help="TOML file with settings."),
) -> None:
    """Push into named graphs of a remote store, replacing the previous version in one step.

    Credentials come from CYTOOWL_STORE_USER and CYTOOWL_STORE_PASSWORD (or the config file),
    never from flags; userinfo in a URL is taken out of it (never printed).
    """
    from cytoowl import dataset
    from cytoowl.engines import EndpointError, endpoints, plain_http_warning
    from cytoowl.publish import remote
    from cytoowl.publish.rdffiles import InputError

    settings = settings_or_exit(
        config_file=config,
        store_url=store,
        update_url=update_url,
        graph_store_url=graph_store_url,
        store_engine=engine,
        root=root,
    )
    if files and not graph:
        _fail("give --graph IRI for the files (the graph they replace)")
    graph_or_exit(graph)
    try:
        ends = endpoints(settings)
        # the write credentials, else those of reading (e.g. taken from a --store URL)
        user, secret = settings.store_user, settings.store_password
        if user is None:
            user, secret = settings.store_read_user, settings.store_read_password
        password = secret.get_secret_value() if secret else None
        warning = plain_http_warning(ends.update or ends.query, user is not None)
        if warning:
            console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
        writer = remote.Writer(ends, user, password, settings.store_write_timeout_s)
    except EndpointError as exc:
        _fail(str(exc))
    with ExitStack() as stack, _progress() as bar:
        stack.callback(writer.close)
        try:
            if files:
                parts = remote.file_parts(files, graph, stack)
            else:
                sources = dataset.Sources.at(settings.root) if settings.root else dataset.Sources()
                parts = remote.release_parts(sources, graph)
            task = bar.add_task("upload", total=sum(p.size for p in parts))
            counts = remote.publish(
                writer,
                parts,
                lambda label, done, _: bar.update(task, completed=done, description=label),
            )
        except (remote.PublishError, InputError) as exc:
            bar.stop()
            _fail(str(exc))
    for target, triples in counts.items():
        console.print(
            f"[green]published[/green] {triples} triples into <{target}>", highlight=False
        )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        console=console, transient=True,
    )  # fmt: skip


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)
