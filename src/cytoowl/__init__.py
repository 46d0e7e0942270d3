"""cytoowl: an OWL 2 DL ontology of human cytokines and their receptors."""

__version__ = "0.1.0"
