"""Regenerate ``src/cytoowl/prefixes.json``, the project's one prefix map, from the Bioregistry.

Run by hand when a prefix is added (``pip install bioregistry``, then
``python scripts/update_prefix_map.py``); the build, the tests and the server read only the
committed JSON, so nothing needs the network or the Bioregistry package at run time.

For each prefix the project uses, the record keeps the CURIE prefix the release writes, the one
URI prefix it expands to (the IRI the release uses: DESIGN §3 fixes identifiers.org for HGNC and
NCBI Gene, and the UniProt RDF namespace), and the Bioregistry's other spellings of both so that
IRIs written by other tools compress to the same CURIE.
"""

from __future__ import annotations

import json
from datetime import date
from importlib.metadata import version
from pathlib import Path

import bioregistry

OUT = Path(__file__).resolve().parents[1] / "src" / "cytoowl" / "prefixes.json"

# (CURIE prefix as written in the release, Bioregistry prefix, which URI prefix is canonical)
BIOREGISTRY = [
    ("HGNC", "hgnc", "miriam.legacy"),
    ("NCBIGene", "ncbigene", "miriam.legacy"),
    ("UniProtKB", "uniprot", "rdf"),
    ("PR", "pr", "obofoundry"),
    ("CL", "cl", "obofoundry"),
    ("GO", "go", "obofoundry"),
    ("MONDO", "mondo", "obofoundry"),
    ("DOID", "doid", "obofoundry"),
    ("HP", "hp", "obofoundry"),
    ("NCBITaxon", "ncbitaxon", "obofoundry"),
    ("RO", "ro", "obofoundry"),
    ("BFO", "bfo", "obofoundry"),
    ("IAO", "iao", "obofoundry"),
    ("InterPro", "interpro", "default"),
    ("ECO", "eco", "obofoundry"),
    ("MGI", "mgi", "default"),
    ("ENSEMBL", "ensembl", "default"),
    ("iuphar.receptor", "iuphar.receptor", "default"),
    ("iuphar.ligand", "iuphar.ligand", "default"),
    ("PMID", "pubmed", "pubmed"),
    ("doi", "doi", "default"),
    ("hgnc.genegroup", "hgnc.genegroup", "default"),
    ("wikipedia.en", "wikipedia.en", "default"),
    ("oboInOwl", "oboinowl", "default"),
    ("obo", "obo", "default"),
    ("rdf", "rdf", "default"),
    ("rdfs", "rdfs", "default"),
    ("owl", "owl", "default"),
    ("xsd", "xsd", "default"),
    ("skos", "skos", "default"),
    ("dcterms", "dcterms", "default"),
    ("foaf", "foaf", "default"),
    ("sh", "sh", "default"),
    ("sosa", "sosa", "default"),
    ("qudt", "qudt", "default"),
    ("semapv", "semapv", "default"),
    ("sssom", "sssom", "default"),
]
# URI prefixes chosen where the Bioregistry's default is a web page rather than an identifier
# namespace (PubMed resolves at its own site; InterPro entries at the EBI).
OVERRIDES = {
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/",
    "qudt": "http://qudt.org/schema/qudt/",
}
# The project's own namespaces and one the Bioregistry lacks (QUDT units).
PROJECT = [
    ("CYTO", "https://w3id.org/cytoowl/CYTO_"),
    ("cys", "https://w3id.org/cytoowl/shapes#"),
    ("cmp", "https://w3id.org/cytoowl/profile/measurement#"),
    ("unit", "http://qudt.org/vocab/unit/"),
]


def canonical(prefix: str, resource: bioregistry.Resource, provider: str) -> str:
    if prefix in OVERRIDES:
        return OVERRIDES[prefix]
    if provider == "miriam.legacy":
        return resource.get_miriam_uri_prefix(legacy_protocol=True, legacy_delimiter=True)
    if provider == "rdf":
        return resource.get_rdf_uri_prefix()
    if provider == "obofoundry":
        return resource.get_obofoundry_uri_prefix()
    return resource.get_uri_prefix()


def records() -> list[dict]:
    out, taken = [], {uri for _, uri in PROJECT}
    for prefix, key, provider in BIOREGISTRY:
        resource = bioregistry.get_resource(key)
        uri = canonical(prefix, resource, provider)
        taken.add(uri)
        out.append({"prefix": prefix, "uri_prefix": uri, "resource": key, "all": resource})
    for record in out:
        resource = record.pop("all")
        synonyms = {record["resource"], resource.get_preferred_prefix() or record["resource"]}
        synonyms |= set(resource.get_synonyms())
        record["prefix_synonyms"] = sorted(s for s in synonyms if s != record["prefix"])
        record["uri_prefix_synonyms"] = sorted(
            u
            for u in resource.get_uri_prefixes()
            if u not in taken and "bioregistry.io" not in u and u.startswith("http")
        )
        taken |= set(record["uri_prefix_synonyms"])
    out += [{"prefix": p, "uri_prefix": u, "resource": None} for p, u in PROJECT]
    return out


def main() -> None:
    data = {
        "source": f"Bioregistry {version('bioregistry')} (python package), {date.today()}",
        "records": records(),
    }
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(data['records'])} prefixes)")


if __name__ == "__main__":
    main()
