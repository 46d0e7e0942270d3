"""Which store serves: the embedded one, or a remote endpoint when ``store_url`` is set."""

from __future__ import annotations

from cytoowl import dataset
from cytoowl.serve.store.base import Store
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.serve.store.remote import RemoteStore
from cytoowl.settings import Settings


def open_store(settings: Settings, sources: dataset.Sources) -> Store:
    """The embedded store, or a remote one when ``settings.store_url`` is set."""
    if settings.store_url:
        return RemoteStore(settings, settings.store_url)
    return EmbeddedStore(settings, sources)
