"""Serving the release: the store interface, query workers, SPARQL protocol, pages, app."""
