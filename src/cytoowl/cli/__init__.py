"""The ``cytoowl`` command line: one small module per command, each dispatching to library code."""

from __future__ import annotations

import typer

from cytoowl.cli import build, diff, export, load, publish, qc, serve, validate

app = typer.Typer(help="Build, check and serve the cytoowl ontology.", no_args_is_help=True)
app.command()(build.build)
app.command()(qc.qc)
app.command()(validate.validate)
app.command()(serve.serve)
app.command()(diff.diff)
app.command()(publish.publish)
app.command()(load.load)
app.command()(export.export)

if __name__ == "__main__":  # pragma: no cover
    app()
