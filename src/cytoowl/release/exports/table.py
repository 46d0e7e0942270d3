"""What every tool export shares: the rows it starts from, the kinds it keeps, its files as text.

Every exporter starts from :func:`cytoowl.release.interactome.interaction_rows` (the rows of the
TSV exports), so all formats say the same thing; they only lay it out differently.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cytoowl.release.interactome import Gene, Row

#: Short names of cytoowl's interaction kinds (``--kinds``) and the property label of each.
KINDS = {
    "agonist": "is agonist of",
    "antagonist": "is antagonist of",
    "co-receptor": "binds co-receptor",
    "decoy": "binds decoy receptor",
    "no-signalling": "binds without signalling",
    "latent-activation": "latent form activated by",
    "binding": "binds receptor",
}
#: What the analysis tools score as signalling by default: binding that activates the receptor.
SIGNALLING = ("agonist",)
#: Kinds that bind without signalling or block it (CellPhoneDB's 'Inhibitory' modulatory effect).
INHIBITORY = ("antagonist", "decoy", "no-signalling")


class ExportError(ValueError):
    """An export cannot be made as asked; the message names the option and the value."""


def kind_labels(kinds: Iterable[str] | None) -> list[str]:
    """The interaction-type labels of ``kinds`` (short names or labels; None: every kind)."""
    if kinds is None:
        return list(KINDS.values())
    labels = []
    for kind in kinds:
        label = KINDS.get(kind, kind)
        if label not in KINDS.values():
            raise ExportError(f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
        labels.append(label)
    return labels


def kind_of(row: Row) -> str:
    """The short kind name of a row."""
    return next(k for k, label in KINDS.items() if label == row["interaction_type"])


def select(rows: Sequence[Row], kinds: Iterable[str] | None) -> list[Row]:
    """The rows whose interaction type is one of ``kinds``."""
    wanted = set(kind_labels(kinds))
    return [r for r in rows if r["interaction_type"] in wanted]


def distinct_pairs(rows: Sequence[Row]) -> list[Row]:
    """The first row of each (ligand genes, receptor genes) pair: a homodimer and its chain
    (CSF1R and the CSF1R homodimer) are one pair to a tool that reads gene expression."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in rows:
        key = (r["ligand_symbol"], r["receptor_symbol"])
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def symbols(genes: Sequence[Gene]) -> list[str]:
    return [g.symbol for g in genes]


def is_complex(genes: Sequence[Gene]) -> bool:
    return len(genes) > 1


def unique_genes(rows: Sequence[Row]) -> list[Gene]:
    """Every gene product of ``rows`` once, in symbol order."""
    found = {
        g.symbol: g for r in rows for side in ("ligand", "receptor") for g in r[f"{side}_genes"]
    }
    return [found[s] for s in sorted(found)]


@dataclass(frozen=True)
class Table:
    """One file of an export: its name, columns and rows (written as CSV or TSV by suffix)."""

    name: str
    columns: Sequence[str]
    rows: Sequence[dict[str, object]]

    def text(self) -> str:
        out = io.StringIO()
        delimiter = "\t" if self.name.endswith(".tsv") else ","
        writer = csv.DictWriter(out, self.columns, delimiter=delimiter, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()
