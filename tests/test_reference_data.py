"""Per-record integrity against ../shared/data: no identifier that is not in the reference or a
named source. Each row is its own test case, so a failing record is named."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from cytoowl import config
from cytoowl.build import OIO

REF = config.REFERENCE_DIR
SHARED_SOURCES = REF.parent / "sources"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


REFERENCE = {
    r["hgnc_id"]: r
    for name in ("human_cytokines.tsv", "human_cytokine_receptors.tsv")
    for r in read(REF / name)
}
# Partner genes of the interaction resources (issue 9), vendored with the HGNC 2024-10 fields.
PARTNERS = {
    r["hgnc_id"]: r for r in read(config.SOURCE_DIR / "reference" / "hgnc_interaction_partners.tsv")
}
CURATED = [r for name in ("cytokines.tsv", "receptors.tsv") for r in read(config.SOURCE_DIR / name)]
EXCLUDED = {r["hgnc"]: r for r in read(config.SOURCE_DIR / "excluded.tsv")}


@pytest.mark.parametrize("row", CURATED, ids=[r["symbol"] for r in CURATED])
def test_record_agrees_with_hgnc_reference(row: dict[str, str]) -> None:
    if row["hgnc"] not in REFERENCE and row["hgnc"] in PARTNERS:
        partner = PARTNERS[row["hgnc"]]
        assert row["symbol"] == partner["symbol"]
        assert row["label"] == partner["name"]
        assert row["uniprot"] == "UniProtKB:" + partner["uniprot_ids"].split(";")[0]
        assert row["ncbigene"] == f"NCBIGene:{partner['entrez_id']}"
        assert partner["locus_type"] == "gene with protein product"
        return
    ref = REFERENCE.get(row["hgnc"])
    assert ref is not None, f"{row['hgnc']} is not in the reference tables"
    assert row["symbol"] == ref["symbol"]
    assert row["label"] == ref["name"]
    assert row["uniprot"] == f"UniProtKB:{ref['uniprot_acc']}"
    assert row["ncbigene"] == f"NCBIGene:{ref['ncbi_gene_id']}"
    assert ref["locus_type"] == "gene with protein product"


@pytest.mark.parametrize("hgnc", sorted(REFERENCE), ids=lambda h: REFERENCE[h]["symbol"])
def test_every_reference_gene_is_included_or_excluded_with_reason(hgnc: str) -> None:
    included = {r["hgnc"] for r in CURATED}
    assert (hgnc in included) != (hgnc in EXCLUDED), "exactly one of: instance, or excluded"
    if hgnc in EXCLUDED:
        assert len(EXCLUDED[hgnc]["reason"]) > 20


@pytest.mark.parametrize(
    "name",
    [
        "external_terms.tsv",
        "ro_object_properties.tsv",
        "hgnc_interaction_partners.tsv",
        *(
            f"interactions/{n}"
            for n in (
                "cellphonedb_v5_complex_input.csv",
                "cellphonedb_v5_gene_input.csv",
                "cellphonedb_v5_interaction_input.csv",
                "liana_consensus.csv",
                "liana_consensus_support.tsv",
            )
        ),
    ],
)
def test_reference_snapshot_equals_shared_data(name: str) -> None:
    snapshot = config.SOURCE_DIR / "reference" / name
    assert snapshot.read_bytes() == (REF / name).read_bytes()


def test_release_xrefs_are_all_in_the_reference(release_graph: Graph) -> None:
    allowed = set()
    for ref in REFERENCE.values():
        allowed |= {ref["hgnc_id"], f"NCBIGene:{ref['ncbi_gene_id']}"}
        allowed |= {
            f"UniProtKB:{acc}" for acc in [*ref["uniprot_ids_all"].split("|"), ref["uniprot_acc"]]
        }
    for p in PARTNERS.values():
        allowed |= {p["hgnc_id"], f"NCBIGene:{p['entrez_id']}"}
        allowed |= {f"UniProtKB:{acc}" for acc in p["uniprot_ids"].split(";")}
    allowed |= {r["curie"] for r in read(REF / "external_terms.tsv")}
    allowed |= {f"InterPro:{c.split(':')[1]}" for c in allowed if c.startswith("interpro:")}
    xrefs = {str(o) for o in release_graph.objects(None, OIO.hasDbXref)}
    assert xrefs and xrefs <= allowed, sorted(xrefs - allowed)


def test_release_external_iris_are_all_in_the_reference(release_graph: Graph) -> None:
    known = {r["iri"] for r in read(REF / "external_terms.tsv")} | {
        r["iri"] for r in read(REF / "ro_object_properties.tsv")
    }
    obo = "http://purl.obolibrary.org/obo/"
    annotation = {f"{obo}IAO_0000115"}
    used = {
        str(n) for t in release_graph for n in t if isinstance(n, URIRef) and str(n).startswith(obo)
    } - annotation
    assert used <= known, sorted(used - known)


def test_every_cited_source_is_registered_and_in_the_source_documents(
    release_graph: Graph,
) -> None:
    registered = {r["id"] for r in read(config.SOURCE_DIR / "sources.tsv")}
    text = " ".join(p.read_text(encoding="utf-8") for p in SHARED_SOURCES.glob("*.txt"))
    # PMIDs of the interaction resources are shown by the vendored resource tables.
    text += (
        config.SOURCE_DIR / "reference/interactions/cellphonedb_v5_interaction_input.csv"
    ).read_text()
    for source in {str(o) for o in release_graph.objects(None, OIO.source)}:
        prefix, _, local = source.partition(":")
        if prefix in {"PMID", "doi"}:
            assert source in registered, source
            assert local in text, f"{source} does not appear in the shared source documents"
