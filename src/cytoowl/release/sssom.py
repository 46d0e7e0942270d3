"""The SSSOM mapping set of the release (``mappings/cytoowl.sssom.tsv``)."""

from __future__ import annotations

import csv
import io

from rdflib import RDFS, SKOS, Graph

from cytoowl import vocab


def sssom_tsv(graph: Graph, version: str) -> str:
    """SSSOM mapping set: every skos:exactMatch of the release, with a YAML header.

    Written by hand rather than with sssom-py, whose dependency tree (pandas, LinkML) is far
    heavier than this 10-column table.
    """
    curie_map = vocab.bindings("CYTO", *vocab.EXACT_MATCH_PREFIXES, "semapv", "skos")
    header = [
        "#curie_map:",
        *(f"#  {prefix}: {namespace}" for prefix, namespace in sorted(curie_map.items())),
        f"#mapping_set_id: {vocab.BASE_IRI}releases/{version}/mappings/cytoowl.sssom.tsv",
        f"#mapping_set_version: {version}",
        f"#license: {vocab.LICENSE_IRI}",
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(
        [
            "subject_id",
            "subject_label",
            "predicate_id",
            "object_id",
            "mapping_justification",
            "comment",
        ]
    )
    rows = []
    for s, o in graph.subject_objects(SKOS.exactMatch):
        target = vocab.curie(str(o))
        if target.partition(":")[0] in vocab.EXACT_MATCH_PREFIXES:
            rows.append(
                [
                    vocab.curie(str(s)),
                    str(graph.value(s, RDFS.label) or ""),
                    "skos:exactMatch",
                    target,
                    "semapv:ManualMappingCuration",
                    "HGNC-derived identifier",
                ]
            )
    writer.writerows(sorted(rows))
    return "\n".join(header) + "\n" + out.getvalue()
