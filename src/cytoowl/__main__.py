"""``python -m cytoowl``: the same as the ``cytoowl`` command."""

from cytoowl.cli import app

app()
