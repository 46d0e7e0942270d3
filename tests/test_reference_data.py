"""Per-record integrity against the reference snapshots in ``ontology/src/reference/``: no
identifier that is not in the reference or a named source. Each row is its own test case, so a
failing record is named."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from cytoowl.build.assemble import OIO
from cytoowl.build.sources import GENE_TABLES
from tools import CHECKOUT

REF = CHECKOUT.source_dir / "reference"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


REFERENCE = {
    r["hgnc_id"]: r
    for name in ("human_cytokines.tsv", "human_cytokine_receptors.tsv")
    for r in read(REF / name)
}
# Partner genes of the interaction resources (issue 9) and the extracellular antagonists
# (issue 22), with their HGNC 2024-10 fields.
PARTNERS = {
    r["hgnc_id"]: r
    for name in ("hgnc_interaction_partners.tsv", "hgnc_extracellular_antagonists.tsv")
    for r in read(REF / name)
}
CURATED = [r for name in GENE_TABLES for r in read(CHECKOUT.source_dir / f"{name}.tsv")]
EXCLUDED = {r["hgnc"]: r for r in read(CHECKOUT.source_dir / "excluded.tsv")}


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


@pytest.mark.parametrize("name", sorted(p.name for p in REF.glob("*.tsv")))
def test_reference_snapshot_is_documented(name: str) -> None:
    """Every snapshot has its row in the reference README (what it is, where from)."""
    assert f"`{name}`" in (REF / "README.md").read_text(encoding="utf-8")


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
    # Mouse gene products (issue 23): MGI ids from MGI's report, Ensembl ids from HCOP/Ensembl.
    allowed |= {r["mgi_id"] for r in read(REF / "orthology" / "mgi_hmd_human_mouse.tsv")}
    allowed |= {
        f"ENSEMBL:{r[column]}"
        for name, column in (("mouse_orthologs_hcop.tsv", "Mouse gene stable ID"),
                             ("mouse_orthologs_ensembl.tsv", "Mouse gene stable ID"))
        for r in read(REF / "orthology" / name)
    }  # fmt: skip
    xrefs = {str(o) for o in release_graph.objects(None, OIO.hasDbXref)}
    assert xrefs and xrefs <= allowed, sorted(xrefs - allowed)


def test_release_external_iris_are_all_in_the_reference(release_graph: Graph) -> None:
    known = {
        r["iri"]
        for name in ("external_terms.tsv", "ro_object_properties.tsv", "eco_terms.tsv")
        for r in read(REF / name)
    }
    obo = "http://purl.obolibrary.org/obo/"
    # IAO:0000115 definition; IAO:0100001 'term replaced by', the OBO deprecation property that
    # issue 12 names (also the OBO Metadata Ontology's term_replaced_by slot).
    # IAO:0000119 definition source, on the generated definitions (issue 25).
    annotation = {f"{obo}IAO_0000115", f"{obo}IAO_0100001", f"{obo}IAO_0000119"}
    used = {
        str(n) for t in release_graph for n in t if isinstance(n, URIRef) and str(n).startswith(obo)
    } - annotation
    assert used <= known, sorted(used - known)


def test_every_cited_source_is_registered_and_in_the_source_documents(
    release_graph: Graph,
) -> None:
    registered = {r["id"] for r in read(CHECKOUT.source_dir / "sources.tsv")}
    cited = {r["id"].lower() for r in read(REF / "source_citations.tsv")}
    # PMIDs shown by the vendored CellPhoneDB table (its evidence column), e.g. PMID:22710174.
    cpdb = (REF / "interactions" / "cellphonedb_v5_interaction_input.csv").read_text()
    cited |= {m.lower() for m in re.findall(r"PMID:[0-9]+", cpdb)}
    # Literature read for the interaction audit (issue 22): the page it was read from is recorded.
    cited |= {
        r["id"].lower()
        for r in read(CHECKOUT.source_dir / "sources.tsv")
        if r["found_in"].startswith(("https://", "http://"))
    }
    for source in {str(o) for o in release_graph.objects(None, OIO.source)}:
        prefix, _, _ = source.partition(":")
        if prefix in {"PMID", "doi"}:
            assert source in registered, source
            assert source.lower() in cited, f"{source} is not cited in the source documents"
