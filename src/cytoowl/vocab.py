"""The one prefix map, CURIE converter and set of namespaces of cytoowl.

Every IRI the project writes or reads an identifier as comes from here: the build (xrefs and
their ``skos:exactMatch`` IRIs), the serialisations' prefix bindings, the SSSOM file, the term
pages, the SHACL report and the query page. The map is ``prefixes.json`` (generated from the
Bioregistry by ``scripts/update_prefix_map.py`` and committed, so nothing needs the network).

>>> expand("HGNC:6018")
'http://identifiers.org/hgnc/6018'
>>> curie("https://identifiers.org/hgnc:6018")
'HGNC:6018'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from curies import Converter
from pyoxigraph import NamedNode

BASE_IRI = "https://w3id.org/cytoowl/"
TERM_PREFIX = BASE_IRI + "CYTO_"
#: The release's 'binds receptor' (CYTO:0000100), the parent of every receptor-binding kind.
BINDS_RECEPTOR = TERM_PREFIX + "0000100"
ONTOLOGY_IRI = BASE_IRI + "cytoowl.owl"
LICENSE_IRI = "https://creativecommons.org/licenses/by/4.0/"


def version_iri(date: str, file: str = "cytoowl.owl") -> str:
    """The dated version IRI of a release file, e.g. ``.../releases/2026-11-21/cytoowl.owl``."""
    return f"{BASE_IRI}releases/{date}/{file}"


def _records() -> list[dict]:
    data = json.loads(files("cytoowl").joinpath("prefixes.json").read_text(encoding="utf-8"))
    return [{k: v for k, v in r.items() if k != "resource"} for r in data["records"]]


RECORDS = _records()
CONVERTER = Converter.from_extended_prefix_map(RECORDS)
#: prefix -> namespace, the canonical URI prefix of each CURIE prefix.
PREFIX_MAP: dict[str, str] = {r["prefix"]: r["uri_prefix"] for r in RECORDS}

OBO = PREFIX_MAP["obo"]
OIO = PREFIX_MAP["oboInOwl"]
RDF = PREFIX_MAP["rdf"]
RDFS = PREFIX_MAP["rdfs"]
OWL = PREFIX_MAP["owl"]
XSD = PREFIX_MAP["xsd"]
SKOS = PREFIX_MAP["skos"]
DCTERMS = PREFIX_MAP["dcterms"]
FOAF = PREFIX_MAP["foaf"]
SH = PREFIX_MAP["sh"]
DEFINITION = OBO + "IAO_0000115"
#: Relations of the release that more than one module names (build, release, serve).
HAS_PART = OBO + "BFO_0000051"
IN_TAXON = OBO + "RO_0002162"
GENE_PRODUCT_OF = OBO + "RO_0002204"
CAPABLE_OF = OBO + "RO_0002215"
#: The release's class of receptor complexes (CYTO:0000032).
RECEPTOR_COMPLEX = TERM_PREFIX + "0000032"

#: Cross-reference prefixes of gene products whose CURIEs also get a mapping to the record's IRI:
#: ``skos:exactMatch``/``skos:broadMatch`` (UniProtKB) or RO 'gene product of' (HGNC, NCBIGene).
XREF_MAPPING_PREFIXES = ("HGNC", "UniProtKB", "NCBIGene")
#: The mapping predicates of the release and of the SSSOM file (docs/mappings.md).
SKOS_MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
#: Prefixes whose terms are OBO classes or properties (``obo:CL_0000235``).
OBO_PREFIXES = ("CL", "GO", "MONDO", "DOID", "HP", "NCBITaxon", "PR", "RO", "BFO", "IAO")
#: The prefix bindings written into the release files (Turtle, RDF/XML, JSON-LD).
RELEASE_BINDINGS = (
    "CYTO", "obo", "oboInOwl", "owl", "rdf", "rdfs", "skos", "dcterms", "foaf", "xsd",
)  # fmt: skip
#: The IRIs of the base module (its own header, per the OBO base specification).
BASE_ONTOLOGY_IRI = BASE_IRI + "cytoowl-base.owl"
#: IAO 'term replaced by' on a deprecated term; the obsolete-label prefix OBO uses.
TERM_REPLACED_BY = OBO + "IAO_0100001"
OBSOLETE_PREFIX = "obsolete "
#: The prefix bindings of RDF the server writes (term pages, CONSTRUCT answers, the query page).
ANSWER_BINDINGS = (
    "CYTO", "owl", "rdf", "rdfs", "xsd", "oboInOwl", "skos", "dcterms",
    "IAO", "RO", "BFO", "CL", "GO", "MONDO", "PR", "NCBITaxon",
)  # fmt: skip


def expand(curie_text: str) -> str:
    """The IRI of a CURIE; ``ValueError`` naming the CURIE when its prefix is unknown."""
    iri = CONVERTER.expand(curie_text)
    if iri is None:
        raise ValueError(f"unknown CURIE prefix in {curie_text!r}")
    return iri


def curie(iri: str) -> str:
    """The CURIE of an IRI under the project's prefix map, or the IRI itself."""
    return CONVERTER.compress(iri) or iri


def is_term(iri: str) -> bool:
    """True for a cytoowl term IRI (``CYTO_`` + 7 digits)."""
    local = iri.removeprefix(TERM_PREFIX)
    return local != iri and len(local) == 7 and local.isdigit()


def sparql_iri(text: str) -> str:
    """``<text>`` for SPARQL or N-Triples, written from ``text`` parsed as an absolute IRI.

    Every IRI a query or update is built with passes here, so a value holding ``>``, a space
    or ``{`` cannot end the IRI early and add SPARQL of its own; ``ValueError`` names it.

    >>> sparql_iri("http://e/g")
    '<http://e/g>'
    """
    try:
        return str(NamedNode(text))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an absolute IRI: {text!r} ({exc})") from None


def sparql_iris(texts: Iterable[str]) -> str:
    """Parsed IRIs separated by spaces (a ``VALUES`` list), each as :func:`sparql_iri`."""
    return " ".join(sparql_iri(text) for text in texts)


@cache
def bindings(*names: str) -> dict[str, str]:
    """prefix -> namespace for the named prefixes (all of them when none is named)."""
    return {p: PREFIX_MAP[p] for p in (names or tuple(PREFIX_MAP))}


def jsonld_context() -> dict[str, str]:
    """A JSON-LD ``@context`` with every prefix of the map."""
    return dict(PREFIX_MAP)
