"""cytoowl: an OWL 2 DL ontology of human cytokines and their receptors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas and rdflib load only when the interactome is asked for
    import pandas as pd

__version__ = "0.1.0"
__all__ = ["__version__", "interactome"]


def interactome(
    species: str = "human",
    min_tier: str = "several resources",
    kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The cytokine-receptor interactome of the release as a pandas DataFrame.

    One row per interaction: ligand and receptor identifiers (``CYTO:``), labels and symbols
    (complex subunits joined by ``_``), the interaction type and its short ``kind``, families,
    sources, evidence (ECO), confidence tier, and per side the genes, HGNC/MGI ids and UniProt
    accessions of a complex.

    Args:
        species: ``"human"`` or ``"mouse"`` (mouse symbols, observed or inferred rows).
        min_tier: the lowest confidence tier kept: ``"experimental"``, ``"curated"``,
            ``"several resources"`` (default, as ``interactions.tsv``) or ``"unconfirmed"``.
        kinds: interaction kinds to keep (``"agonist"``, ``"antagonist"``, ``"co-receptor"``,
            ``"decoy"``, ``"no-signalling"``, ``"latent-activation"``, ``"binding"``, or the
            property labels); None keeps every kind.

    Raises:
        ValueError: an unknown species, tier or kind (the message lists the known ones).
    """
    from cytoowl.release.exports.frame import interactome_frame

    return interactome_frame(species, min_tier, kinds)
