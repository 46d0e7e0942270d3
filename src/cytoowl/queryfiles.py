"""The one reader of ``.rq`` files: the query text and its leading ``# key: value`` header.

Competency questions (``sparql/cq/``) use ``# title:`` and ``# description:``; QC checks
(``sparql/qc/``) use ``# level:`` and ``# title:``. A comment line indented past the ``#``
(``#   more text``) continues the value above it; other comments are kept as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_KEYED = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")


@dataclass(frozen=True)
class QueryFile:
    """A ``.rq`` file: its path, full text, header values (lower-case keys), plain comments."""

    path: Path
    text: str
    header: dict[str, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.path.stem


def parse_header(text: str) -> tuple[dict[str, str], list[str]]:
    """Header values and plain comments of the leading comment block of a query."""
    header: dict[str, str] = {}
    plain: list[str] = []
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:]
        stripped = body.strip()
        if not stripped:
            last = None
            continue
        keyed = _KEYED.match(stripped)
        if keyed and not body.startswith("  "):
            last = keyed.group(1).lower()
            header[last] = keyed.group(2).strip()
        elif last is not None and body.startswith("  "):
            header[last] = f"{header[last]} {stripped}".strip()
        else:
            last = None
            plain.append(stripped)
    return header, plain


def read_query_file(path: Path) -> QueryFile:
    """Read one ``.rq`` file (UTF-8)."""
    text = path.read_text(encoding="utf-8")
    header, plain = parse_header(text)
    return QueryFile(path, text, header, plain)


def read_query_dir(directory: Path) -> list[QueryFile]:
    """Every ``.rq`` file of a folder, in file-name order (none if the folder is missing)."""
    if not directory.is_dir():
        return []
    return [read_query_file(p) for p in sorted(directory.glob("*.rq"))]
