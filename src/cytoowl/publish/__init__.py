"""Putting RDF into stores: the release into a remote SPARQL engine (``publish``), other
ontologies beside it into the embedded store's directory (``load``). Comes after ``release``
in the flow and imports nothing from ``serve``."""
