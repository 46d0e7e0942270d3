"""Snapshot the PMIDs and DOIs cited in the project's two source documents.

Usage::

    python scripts/extract_source_citations.py DIR > ontology/src/reference/source_citations.tsv

where DIR holds the source documents (the text files the project was created from). The
documents themselves stay outside the repository; the snapshot keeps, per identifier, the
document it occurs in and that document's SHA-256, so a citation in the ontology can be checked
against the documents without them.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

PMID = re.compile(r"PMID[:\s]+(\d{1,9})\b")
DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")


def main(directory: Path) -> None:
    print("id\tdocument\tdocument_sha256")
    rows = set()
    for path in sorted(directory.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        for pmid in PMID.findall(text):
            rows.add((f"PMID:{pmid}", path.name, digest))
        for doi in DOI.findall(text):
            rows.add((f"doi:{doi.rstrip('.,;)')}", path.name, digest))
    for row in sorted(rows):
        print("\t".join(row))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
