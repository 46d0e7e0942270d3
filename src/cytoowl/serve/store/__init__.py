"""The store the server talks to: the ``Store`` interface, the embedded (pyoxigraph on disk)
and remote (SPARQL protocol) stores, loading the release, VoID statistics."""
