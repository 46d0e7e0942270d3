"""``cytoowl load``: other ontologies into the embedded store's directory, beside the release."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from cytoowl.cli.common import console, graph_or_exit, settings_or_exit


def load(
    files: list[Path] = typer.Argument(..., help="RDF/XML, Turtle, N-Triples (each also .gz)."),
    graph: str = typer.Option(
        None, "--graph", help="Graph IRI (default: the first file's file: URI)."
    ),
    data_dir: str = typer.Option(
        None, "--data-dir", "--store-dir", help="Store directory (`cytoowl serve --store-dir`)."
    ),
    config: Path = typer.Option(None, "--config", help="TOML file with settings."),
) -> None:
    """Load files into a named graph of the persistent embedded store (replacing that graph).

    Served by `cytoowl serve --store-dir DIR`; the default graph of queries is the union of
    all graphs. Files already loaded (same path, size and time) are not loaded again.
    """
    from cytoowl.publish.load import LoadError
    from cytoowl.publish.load import load as load_files
    from cytoowl.publish.rdffiles import InputError, rdf_file

    settings = settings_or_exit(config_file=config, store_dir=data_dir)
    if not settings.store_dir:
        console.print("[red]error:[/red] give --data-dir DIR (or CYTOOWL_DATA_DIR)")
        raise typer.Exit(2)
    target = graph or files[0].resolve().as_uri()
    graph_or_exit(target)
    try:
        described = [rdf_file(path) for path in files]
        sizes = {f.path.name: f.size for f in described}
        with Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), console=console, transient=True,
        ) as bar:  # fmt: skip
            task = bar.add_task("load", total=None)
            phase = [""]

            def progress(label: str, n: int) -> None:
                if label != phase[0]:  # "check NAME" or "load NAME": one bar per pass
                    phase[0] = label
                    bar.reset(task, total=sizes[label.split(" ", 1)[1]], description=label)
                bar.advance(task, n)

            loaded = load_files(Path(settings.store_dir), described, target, progress)
    except (LoadError, InputError) as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    verb = "already loaded" if loaded.skipped else "loaded"
    size = f"{loaded.bytes / 2**20:.1f} MiB" if loaded.bytes >= 2**20 else f"{loaded.bytes} bytes"
    console.print(f"[green]{verb}[/green] {size} of RDF into <{target}>", highlight=False)
