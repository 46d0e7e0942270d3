"""SHACL validation of the release and of users' data against ``shapes/``."""
