"""The SSSOM mapping set of the release (``mappings/cytoowl.sssom.tsv``).

Every row is a triple of the release read as a mapping, so the file and the release agree by
construction (docs/mappings.md says what each predicate means):

- gene product ``skos:exactMatch``/``skos:broadMatch`` UniProtKB entry: ManualMappingCuration
  (HGNC's curated xref);
- gene product ``RO:0002204`` (gene product of) HGNC / NCBIGene record: ManualMappingCuration;
- class ``skos:closeMatch`` InterPro entry (curated TBox xref): ManualMappingCuration;
- class ``rdfs:subClassOf`` (``RO:0002215`` some GO activity), row ``RO:0002215``:
  ManualMappingCuration;
- term ``skos:broadMatch``/``skos:closeMatch`` PR class: LexicalMatching.

Written by hand rather than with sssom-py, whose dependency tree (pandas, LinkML) is far
heavier than this table; the tests validate the file with sssom-py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from rdflib import OWL, RDFS, BNode, Graph, URIRef
from rdflib.namespace import SKOS

from cytoowl import vocab

GENE_PRODUCT_OF = URIRef(vocab.GENE_PRODUCT_OF)
CAPABLE_OF = URIRef(vocab.CAPABLE_OF)
MATCHES = tuple(SKOS[name] for name in vocab.SKOS_MATCHES)
COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "comment",
]
#: Object prefix -> (justification, comment) of its rows.
PROVENANCE = {
    "UniProtKB": ("semapv:ManualMappingCuration", "UniProtKB xref of the HGNC record"),
    "HGNC": ("semapv:ManualMappingCuration", "the HGNC gene record this product is from"),
    "NCBIGene": ("semapv:ManualMappingCuration", "NCBI Gene xref of the HGNC record"),
    "InterPro": ("semapv:ManualMappingCuration", "curated TBox xref"),
    "GO": ("semapv:ManualMappingCuration", "curated TBox axiom: capable of some GO activity"),
    "PR": ("semapv:LexicalMatching", "same normalised label; PR class is species-generic"),
}
SHARED_ENTRY = "UniProt entry shared by the products of two genes"


def mapping_triples(graph: Graph) -> Iterator[tuple[URIRef, URIRef, URIRef]]:
    """The release's mapping triples: (cytoowl term, predicate, external IRI)."""
    for predicate in (*MATCHES, GENE_PRODUCT_OF):
        for s, o in graph.subject_objects(predicate):
            if isinstance(s, URIRef) and vocab.is_term(str(s)) and isinstance(o, URIRef):
                yield s, predicate, o
    for s, restriction in graph.subject_objects(RDFS.subClassOf):
        if (
            isinstance(restriction, BNode)
            and graph.value(restriction, OWL.onProperty) == CAPABLE_OF
        ):
            filler = graph.value(restriction, OWL.someValuesFrom)
            if isinstance(s, URIRef) and isinstance(filler, URIRef):
                yield s, CAPABLE_OF, filler


def _label(graph: Graph, node: URIRef) -> str:
    return str(graph.value(node, RDFS.label) or "")


def mapping_rows(graph: Graph) -> list[list[str]]:
    """One SSSOM row per mapping triple, sorted."""
    rows = []
    for s, p, o in set(mapping_triples(graph)):
        target = vocab.curie(str(o))
        justification, comment = PROVENANCE.get(
            target.partition(":")[0], ("semapv:UnspecifiedMatching", "")
        )
        if p == SKOS.broadMatch and target.startswith("UniProtKB:"):
            comment = SHARED_ENTRY
        rows.append(
            [
                vocab.curie(str(s)),
                _label(graph, s),
                vocab.curie(str(p)),
                target,
                _label(graph, o),
                justification,
                comment,
            ]
        )
    return sorted(rows)


def sssom_tsv(graph: Graph, version: str) -> str:
    """The SSSOM/TSV mapping set with its YAML header (curie_map of every prefix used)."""
    rows = mapping_rows(graph)
    used = {"semapv", "skos"} | {row[i].partition(":")[0] for row in rows for i in (0, 2, 3, 5)}
    curie_map = vocab.bindings(*sorted(used))
    header = [
        "#curie_map:",
        # Quoted: a namespace may end in ':' (MGI:), which plain YAML reads as a mapping.
        *(f'#  {prefix}: "{namespace}"' for prefix, namespace in sorted(curie_map.items())),
        f"#mapping_set_id: {vocab.BASE_IRI}releases/{version}/mappings/cytoowl.sssom.tsv",
        f"#mapping_set_version: {version}",
        f"#license: {vocab.LICENSE_IRI}",
        "#mapping_set_title: cytoowl mappings to UniProtKB, HGNC, NCBI Gene, PR, GO and InterPro",
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return "\n".join(header) + "\n" + out.getvalue()
