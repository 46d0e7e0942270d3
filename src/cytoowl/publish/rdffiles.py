"""RDF input files for ``load`` and ``publish``: their syntax (also under ``.gz``) and a
streaming reader, so a file larger than memory is never read whole."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import RdfFormat

from cytoowl import budgets, formats

CHUNK = 1 << 20
Progress = Callable[[int], None]


class _Counting:
    """A read-only file wrapper that reports how many bytes were read."""

    def __init__(self, raw: BinaryIO, progress: Progress) -> None:
        self.raw, self.progress = raw, progress

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.progress(len(data))
        return data

    def readinto(self, buffer: bytearray) -> int:
        n = self.raw.readinto(buffer)
        self.progress(n or 0)
        return n

    def readable(self) -> bool:
        return True

    def __getattr__(self, name: str):  # seek/tell/close of the real file
        return getattr(self.raw, name)


class InputError(ValueError):
    """An input file is missing or of an unknown kind; the message names it."""


@dataclass(frozen=True)
class RdfFile:
    """One input file: its path, syntax and whether it is gzipped."""

    path: Path
    format: RdfFormat
    gzipped: bool

    @property
    def media_type(self) -> str:
        return self.format.media_type

    @property
    def size(self) -> int:
        """Bytes on disk (compressed size for ``.gz``)."""
        return self.path.stat().st_size

    @contextmanager
    def open(self, progress: Progress | None = None) -> Iterator[BinaryIO]:
        """The decompressed bytes as a stream; ``progress(n)`` gets each n bytes read from disk."""
        with self.path.open("rb") as raw:
            counted: BinaryIO = _Counting(raw, progress) if progress else raw  # type: ignore[assignment]
            if self.gzipped:
                with gzip.GzipFile(fileobj=counted, mode="rb") as unzipped:
                    yield unzipped  # type: ignore[misc]
            else:
                yield counted

    def check_budget(self) -> None:
        """InputError unless the file is within the parser budgets (:mod:`cytoowl.budgets`):
        RDF/XML without a DOCTYPE (its prolog is read), JSON-LD nested at most so deep (read
        whole: JSON-LD is parsed whole anyway)."""
        try:
            if self.format == RdfFormat.RDF_XML:
                with self.open() as stream:
                    budgets.check_rdf_xml(stream.read(budgets.MAX_PROLOG_BYTES))
            elif self.format == RdfFormat.JSON_LD:
                with self.open() as stream:
                    budgets.check_json_depth(stream.read())
        except budgets.OverBudget as exc:
            raise InputError(f"{self.path}: {exc}") from None

    @contextmanager
    def plain(self) -> Iterator[Path]:
        """A path to the uncompressed file (a temporary copy for ``.gz``, streamed)."""
        if not self.gzipped:
            yield self.path
            return
        with tempfile.NamedTemporaryFile(suffix=self.path.stem) as out, self.open() as src:
            shutil.copyfileobj(src, out, CHUNK)
            out.flush()
            yield Path(out.name)


def rdf_file(path: Path) -> RdfFile:
    """Describe an input file; InputError if it is missing or not an RDF syntax we read."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    gzipped = path.suffix.lower() == ".gz"
    named = path.with_suffix("") if gzipped else path
    syntax = formats.by_extension(named)
    if syntax is None:
        known = ", ".join(sorted(formats.DATA_EXTENSIONS))
        raise InputError(f"{path}: unknown RDF file type (known: {known}, each also as .gz)")
    return RdfFile(path, syntax, gzipped)
