"""Bulk loading one large Turtle or N-Triples file on every core, cut where statements end.

Oxigraph's bulk loader parses a file on one thread, and at 1M triples it gathers all of them
into one batch before indexing, so a load runs on one core (11.6 s wall, 10.9 s CPU here).
pyoxigraph releases the GIL while it loads, so parts of the file loaded on threads, each with
its own loader, share the cores: the same file in two parts loads in 6.4 s on two cores.

Cutting is only safe where every part parses as it would inside the whole file, so a file is
cut only when all of this holds, and otherwise loaded whole:

- it opens with a header of whole-line directives (``@prefix``, ``PREFIX``, ``@base``,
  ``BASE``), blank lines and comments, and nothing after the header can be a directive
  (no ``@prefix`` / ``@base`` anywhere; no ``PREFIX`` / ``BASE`` at the start of a line or
  after ``.`` or ``>`` and followed by what a directive has next): each part then starts
  with the header and sees the same prefixes;
- it has no blank node label (``_:``) anywhere: a label names one node only within one
  parse, so a node whose triples fell into two parts would become two;
- each cut follows a line ending in ``.`` and precedes a line that starts in its first
  column (a new subject in the layout of every Turtle writer).

A cut that still falls inside a statement (a ``.`` at the end of a line of a long string)
makes that part fail to parse: then :class:`PartsFailed` is raised, and the caller loads the
file whole into a clean store. When every part parses, each cut was a statement boundary:
the first part is a complete document, so the parser of the whole file is between
statements at the first cut, with the header's prefixes, which is where the next part
starts; and so on for each cut.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import NamedNode, RdfFormat
from pyoxigraph import Store as OxStore

#: Below this size a file is loaded whole: the threads would not pay for themselves.
MIN_PART_BYTES = 8 * 2**20
_BLOCK = 16 * 2**20
#: How far past its target a cut may move to find the end of a statement.
_CUT_SEARCH_BYTES = 2**20

_HEADER_LINE = re.compile(
    rb"""[ \t]*(?:
        \#[^\n]*
      | @prefix[ \t]+[^ \t\n]*:[ \t]*<[^>\n]*>[ \t]*\.
      | @base[ \t]+<[^>\n]*>[ \t]*\.
      | (?i:prefix)[ \t]+[^ \t\n]*:[ \t]*<[^>\n]*>
      | (?i:base)[ \t]+<[^>\n]*>
    )?[ \t]*(?:\#[^\n]*)?\r?\n""",
    re.VERBOSE,
)
#: What follows a word that could open a directive after the header (in lower-cased text)
#: when it does: a comment, an IRI, or (after PREFIX) a prefix name.
_DIRECTIVE_NEXT = {
    b"prefix": re.compile(rb"[ \t\r\n]*(?:[#<:]|[^ \t\r\n<>\"]*:)"),
    b"base": re.compile(rb"[ \t\r\n]*[#<]"),
}
_NOT_A_FIRST_COLUMN = b" \t\r\n#;,.)]"


class PartsFailed(Exception):
    """A part did not parse: the store holds some of the file and must be loaded again."""


def header_end(data: bytes) -> int:
    """Where the leading lines of directives, comments and blank lines end."""
    position = 0
    while (match := _HEADER_LINE.match(data, position)) is not None and match.end() > position:
        position = match.end()
    return position


def _may_hold_a_directive(block: bytes) -> bool:
    lowered = block.lower()
    if b"@prefix" in lowered or b"@base" in lowered:
        return True
    # bytes.find, not a regex: a regex alternation took 0.9 s over 120 MB, find 0.1 s.
    for word, next_in_directive in _DIRECTIVE_NEXT.items():
        start = lowered.find(word)
        while start >= 0:
            if next_in_directive.match(lowered, start + len(word)):
                line_start = lowered.rfind(b"\n", 0, start) + 1
                before = lowered[line_start:start].rstrip(b" \t\r")
                if not before or before.endswith((b".", b">")):
                    return True
            start = lowered.find(word, start + 1)
    return False


def _body_can_be_cut(file: BinaryIO, start: int) -> bool:
    """No blank node label and no possible directive from ``start`` to the end."""
    file.seek(start)
    tail = b"\n"  # the body starts at the start of a line
    while block := file.read(_BLOCK):
        # The previous block's last line is read again, so a word or label that spans
        # two blocks is seen whole.
        cut = tail.rfind(b"\n") + 1
        text = tail[cut:] + block
        if b"_:" in text or _may_hold_a_directive(text):
            return False
        tail = text
    return True


def _cut_after(file: BinaryIO, target: int, end: int) -> int | None:
    """The first statement boundary at or after ``target`` (before ``end``)."""
    file.seek(target)
    file.readline()  # the rest of the line the target falls in
    previous_ends_statement = False
    while (position := file.tell()) < min(end, target + _CUT_SEARCH_BYTES):
        line = file.readline()
        if previous_ends_statement and line[:1] not in _NOT_A_FIRST_COLUMN:
            return position
        if line.strip():  # a blank line between statements keeps the boundary
            previous_ends_statement = line.rstrip().endswith(b".")
    return None


def plan(path: Path, parts: int) -> tuple[bytes, list[int]] | None:
    """The header and the cut offsets (start of each part, then the size), or None to
    load the file whole."""
    size = path.stat().st_size
    parts = min(parts, size // MIN_PART_BYTES)
    if parts < 2:
        return None
    with path.open("rb") as file:
        first = file.read(_BLOCK)
        header = header_end(first)
        if not _body_can_be_cut(file, header):
            return None
        cuts = [0]
        for index in range(1, parts):
            cut = _cut_after(file, max(header, size * index // parts), size)
            if cut is not None and cut > cuts[-1]:
                cuts.append(cut)
    return (first[:header], [*cuts, size]) if len(cuts) > 1 else None


class _Part:
    """A readable range of the file, after the header (which part 0 holds itself)."""

    def __init__(self, path: Path, start: int, end: int, header: bytes) -> None:
        self._file = path.open("rb")
        self._file.seek(start)
        self._left = end - start
        self._pending = header if start > 0 else b""

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            out, self._pending = self._pending, b""
            return out
        size = self._left if size < 0 else min(size, self._left)
        out = self._file.read(size)
        self._left -= len(out)
        return out

    def close(self) -> None:
        self._file.close()


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def bulk_load(
    store: OxStore, path: Path, syntax: RdfFormat, graph: NamedNode, parts: int | None = None
) -> int:
    """Bulk-load ``path`` into ``graph``, in parts on threads when that is safe (see the
    module). Returns the number of parts. Raises :class:`PartsFailed` when a part does not
    parse (``store`` then holds some of the file); a file loaded whole raises the parser's
    own error, with the file's line."""
    line_based = syntax in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES)
    cut = plan(path, parts or cores()) if line_based else None
    if cut is None:
        store.bulk_load(path=str(path), format=syntax, to_graph=graph)
        return 1
    header, offsets = cut
    errors: list[BaseException] = []

    def load(part: _Part) -> None:
        try:
            store.bulk_load(part, syntax, to_graph=graph)
        except BaseException as error:  # an engine panic is a BaseException
            errors.append(error)
        finally:
            part.close()

    threads = [
        threading.Thread(target=load, args=(_Part(path, start, end, header),))
        for start, end in itertools.pairwise(offsets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise PartsFailed(f"{path}: a part did not parse ({errors[0]})") from errors[0]
    return len(threads)
