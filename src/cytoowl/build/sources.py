"""Read the curated sources in ``ontology/src/``: the TBox (Turtle) and the TSV tables.

Every problem is reported as ``file:line: what is wrong`` through :class:`SourceError`;
nothing here writes files. Table layouts are described in ``docs/curation.md``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

# Identifier syntax of the cross-references (also used by QC and the SHACL shapes).
ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "hgnc": re.compile(r"^HGNC:[0-9]+$"),
    "uniprot": re.compile(
        r"^UniProtKB:([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})$"
    ),
    "ncbigene": re.compile(r"^NCBIGene:[0-9]+$"),
    "id": re.compile(r"^CYTO:[0-9]{7}$"),
}
# Sources of an assertion: a registered citation (sources.tsv) or a database record.
DATABASE_SOURCE = re.compile(
    r"^(HGNC:[0-9]+|hgnc\.genegroup:[0-9]+|InterPro:IPR[0-9]{6}"
    r"|UniProtKB:[A-Z0-9]{6,10}|PR:[0-9]{9}|iuphar\.(receptor|ligand):[0-9]+|MGI:[0-9]+)$"
)


#: The gene-product tables of ``ontology/src/``, one row per human gene product.
GENE_TABLES = ("cytokines", "receptors", "antagonists")


class SourceError(Exception):
    """A defect in a curated source, located as ``file:line``."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Row:
    """One data row of a TSV table, with its location for error messages."""

    path: Path
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def list(self, column: str) -> list[str]:
        """A ``;``-separated cell as a list (empty cell: empty list)."""
        return [v.strip() for v in self.values.get(column, "").split(";") if v.strip()]

    def error(self, message: str) -> SourceError:
        return SourceError(self.path, self.line, message)


def read_table(path: Path, required: list[str]) -> list[Row]:
    """Read a TSV table whose header has at least ``required``; every row must be complete."""
    if not path.exists():
        raise SourceError(path, 0, "file not found")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            raise SourceError(path, 1, "empty table: a header row is required")
        missing = [c for c in required if c not in header]
        if missing:
            raise SourceError(path, 1, f"header lacks column(s) {', '.join(missing)}")
        rows = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise SourceError(
                    path,
                    line,
                    f"expected {len(header)} columns ({', '.join(header)}), found {len(cells)}",
                )
            values = dict(zip(header, (c.strip() for c in cells), strict=True))
            for column in required:
                if column in REQUIRED_NONEMPTY and not values[column]:
                    raise SourceError(path, line, f"column '{column}' is empty")
            rows.append(Row(path, line, values))
    return rows


REQUIRED_NONEMPTY = {
    "id",
    "symbol",
    "label",
    "key",
    "subject",
    "relation",
    "object",
    "source",
    "class",
    "parts",
    "kind",
}


def check_pattern(row: Row, column: str, kind: str) -> str:
    """Return the cell if it matches the identifier syntax ``kind``, else raise."""
    value = row[column]
    if not ID_PATTERNS[kind].match(value):
        raise row.error(
            f"{column} '{value}' is not valid {kind} syntax ({ID_PATTERNS[kind].pattern})"
        )
    return value


def parse_turtle(path: Path) -> Graph:
    """Parse one TBox Turtle file, turning syntax errors into a located SourceError."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except BadSyntax as exc:
        raise SourceError(path, exc.lines + 1, f"Turtle syntax error: {exc.message}") from exc
    return graph


def tbox_files(source_dir: Path) -> Iterator[Path]:
    """The TBox modules, in a fixed order."""
    yield from sorted((source_dir / "tbox").glob("*.ttl"))
