"""Where cytoowl's files live: a source checkout, or the copy packaged inside the wheel.

In a checkout (``pip install -e .`` or ``PYTHONPATH=src``) the release is ``ontology/`` of the
repository, which ``cytoowl build`` writes. An installed wheel carries the release files, shapes,
queries and examples as package data under ``cytoowl/_data/`` with the same layout (copied there
by ``setup.py`` when the wheel is built), so every command works from any directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

#: Top-level folders of the repository that the wheel carries (``setup.py`` reads this).
PACKAGED = {
    "ontology": [
        "*.owl",
        "*.ttl",
        "*.jsonld",
        "*.json",
        "*.obo",
        "*.md",
        "mappings",
        "exports",
        "docs",
    ],
    "shapes": ["*.ttl"],
    "sparql": ["cq", "qc", "joins"],
    "examples": ["*.ttl"],
}


def checkout_root() -> Path | None:
    """The repository this package was imported from, if it was imported from a checkout."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "ontology" / "src").is_dir():
        return root
    return None


def packaged_root() -> Path:
    """The package-data copy of the release, shapes and queries (present in a wheel)."""
    return Path(str(files("cytoowl").joinpath("_data")))


def default_root() -> Path:
    """The checkout when there is one, else the packaged data."""
    return checkout_root() or packaged_root()


@dataclass(frozen=True)
class ReleaseFiles:
    """Where the release files of DESIGN §4 live (all built from ``ontology/src``)."""

    directory: Path

    @property
    def owl(self) -> Path:
        return self.directory / "cytoowl.owl"

    @property
    def ttl(self) -> Path:
        return self.directory / "cytoowl.ttl"

    @property
    def jsonld(self) -> Path:
        return self.directory / "cytoowl.jsonld"

    @property
    def base(self) -> Path:
        return self.directory / "cytoowl-base.owl"

    @property
    def obo(self) -> Path:
        return self.directory / "cytoowl.obo"

    @property
    def obographs(self) -> Path:
        return self.directory / "cytoowl.json"

    @property
    def sssom(self) -> Path:
        return self.directory / "mappings" / "cytoowl.sssom.tsv"

    @property
    def notes(self) -> Path:
        """Release notes: what changed against the previous release (``cytoowl diff``)."""
        return self.directory / "release-notes.md"

    @property
    def docs(self) -> Path:
        """The HTML reference generated from the ontology (served at ``/docs``)."""
        return self.directory / "docs" / "index.html"

    @property
    def previous(self) -> Path:
        """The previous release's Turtle, the base of the release notes (not a release file)."""
        return self.directory / "previous" / "cytoowl.ttl"

    @property
    def interactions(self) -> Path:
        """The interactome export without 'unconfirmed' rows (docs/interactions.md)."""
        return self.directory / "exports" / "interactions.tsv"

    @property
    def interactions_mouse(self) -> Path:
        """The mouse interactome (issue 23): observed in mouse or inferred from orthology."""
        return self.directory / "exports" / "interactions-mouse.tsv"

    @property
    def interactions_all(self) -> Path:
        """The interactome export with every confidence tier, 'unconfirmed' included."""
        return self.directory / "exports" / "interactions-all.tsv"

    @property
    def exports_metadata(self) -> Path:
        """Version, date and licence of the TSV exports (their readers take no comment line)."""
        return self.directory / "exports" / "metadata.json"

    def all(self) -> list[Path]:
        """Every release file, in the order the build writes them (downloads, ``--check``)."""
        return [
            self.owl, self.ttl, self.jsonld, self.base, self.obo, self.obographs,
            self.sssom, self.interactions, self.interactions_all, self.interactions_mouse,
            self.exports_metadata, self.notes, self.docs,
        ]  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """The project's folders below one root (a checkout or the packaged data)."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def source_dir(self) -> Path:
        return self.ontology_dir / "src"

    @property
    def release(self) -> ReleaseFiles:
        return ReleaseFiles(self.ontology_dir)

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def cq_dir(self) -> Path:
        return self.root / "sparql" / "cq"

    @property
    def qc_dir(self) -> Path:
        return self.root / "sparql" / "qc"

    @property
    def joins_dir(self) -> Path:
        """Example queries joining cytoowl with other ontologies (CL, GO, MONDO)."""
        return self.root / "sparql" / "joins"

    @property
    def examples_dir(self) -> Path:
        return self.root / "examples"


#: The folders of this installation: every other module reads file locations from here.
LAYOUT = Layout(default_root())
