"""``python -m cytoowl.cli``: the same as the ``cytoowl`` command."""

from cytoowl.cli import app

app()
