"""The served dataset: :mod:`cytoowl.dataset` (shared with ``publish``), under its old name."""

from cytoowl.dataset import *  # noqa: F403
