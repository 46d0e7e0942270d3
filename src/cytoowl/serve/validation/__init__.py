"""``POST /validate``: SHACL validation of posted RDF in warm child processes."""
