"""The ``/sparql`` endpoint: SPARQL 1.1 Protocol routes and the Service Description."""
