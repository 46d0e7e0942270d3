"""What is served and published: the release, the SHACL shapes and the competency questions.

Each lives in its own named graph (the default graph of queries is their union); the
competency questions become ``sh:SPARQLExecutable`` resources, the convention SPARQL
example collections use, so they can be queried like any other data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat

from cytoowl import formats, paths, vocab
from cytoowl.queryfiles import read_query_file

ONTOLOGY_GRAPH = vocab.ONTOLOGY_IRI
SHAPES_GRAPH = vocab.BASE_IRI + "shapes"
QUERIES_GRAPH = vocab.BASE_IRI + "queries"
#: In a store directory: cytoowl made it (``serve`` and ``load`` use no other directory).
STORE_MARKER = ".cytoowl-store"
STORE_MARKER_TEXT = "created by cytoowl; its release graphs are replaced when outdated\n"
#: What `cytoowl load` put into a store directory (graph -> files); part of the store's
#: fingerprint, so the counts and derived files are made again after a load.
LOAD_RECORD = ".cytoowl-loaded.json"
#: The graphs of the served dataset, in the order they are loaded or published.
GRAPHS = (ONTOLOGY_GRAPH, SHAPES_GRAPH, QUERIES_GRAPH)

RDF_TYPE = vocab.RDF + "type"
RDFS_LABEL = vocab.RDFS + "label"
RDFS_COMMENT = vocab.RDFS + "comment"
SH = vocab.SH

_FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    """One competency question: a ``.rq`` file whose leading comments give title and text."""

    slug: str
    title: str
    description: str
    query: str

    @property
    def form(self) -> str:
        """``select``, ``ask``, ``construct`` or ``describe`` (first keyword outside comments)."""
        body = "\n".join(
            line for line in self.query.splitlines() if not line.lstrip().startswith("#")
        )
        found = _FORM_RE.search(body)
        return found.group(1).lower() if found else "select"

    @property
    def iri(self) -> str:
        return f"{QUERIES_GRAPH}/{self.slug}"


def read_example(path: Path) -> Example:
    """Read a competency question from its leading comments.

    Either ``# title: ...`` / ``# description: ...`` lines, or plain comments: the first
    is the title, the rest describe the question.
    """
    query = read_query_file(path)
    plain = list(query.comments)
    title = query.header.get("title") or (plain.pop(0) if plain else path.stem.replace("_", " "))
    description = query.header.get("description") or " ".join(plain)
    return Example(query.slug, title, description, query.text)


@dataclass(frozen=True)
class Sources:
    """The files behind the dataset; defaults are the project's release, shapes and CQs."""

    release: paths.ReleaseFiles = field(default_factory=lambda: paths.LAYOUT.release)
    shapes_dir: Path = paths.LAYOUT.shapes_dir
    cq_dir: Path = paths.LAYOUT.cq_dir

    @classmethod
    def at(cls, root: Path) -> Sources:
        """The dataset of a project-shaped folder (``ontology/``, ``shapes/``, ``sparql/cq/``)."""
        layout = paths.Layout(root)
        return cls(layout.release, layout.shapes_dir, layout.cq_dir)

    @property
    def ontology_file(self) -> Path:
        """The release file to load: Turtle if built, else the primary RDF/XML."""
        return self.release.ttl if self.release.ttl.exists() else self.release.owl

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes_dir.glob("*.ttl")) if self.shapes_dir.is_dir() else []

    def examples(self) -> list[Example]:
        if not self.cq_dir.is_dir():
            return []
        return [read_example(p) for p in sorted(self.cq_dir.glob("*.rq"))]

    def downloads(self) -> list[Path]:
        """Every release file that exists, then the shapes."""
        return [p for p in self.release.all() if p.exists()] + self.shape_files()

    def fingerprint(self) -> str:
        """Changes whenever any served file changes (used to reuse an on-disk store)."""
        digest = hashlib.sha256()
        for path in [self.ontology_file, *self.shape_files(), *self.release.all()]:
            if path.exists():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        for example in self.examples():
            digest.update(example.query.encode())
        return digest.hexdigest()


def rdf_format(path: Path) -> RdfFormat:
    """The parser for a file (RDF/XML for ``.owl``)."""
    found = formats.by_extension(path)
    if found is None:
        raise ValueError(f"unknown RDF file type: {path}")
    return found


def example_quads(examples: list[Example]) -> Iterator[Quad]:
    """The competency questions as ``sh:SPARQLExecutable`` resources in the queries graph."""
    graph = NamedNode(QUERIES_GRAPH)
    for example in examples:
        node = NamedNode(example.iri)
        yield Quad(node, NamedNode(RDF_TYPE), NamedNode(SH + "SPARQLExecutable"), graph)
        kind = example.form.capitalize()
        yield Quad(node, NamedNode(RDF_TYPE), NamedNode(f"{SH}SPARQL{kind}Executable"), graph)
        yield Quad(node, NamedNode(RDFS_LABEL), Literal(example.title), graph)
        if example.description:
            yield Quad(node, NamedNode(RDFS_COMMENT), Literal(example.description), graph)
        yield Quad(node, NamedNode(SH + example.form), Literal(example.query), graph)
