"""Regenerate ``ontology/src/mouse/`` (genes, complexes, orthology pairs) from the orthology
reference tables (issue 23).

Run by hand when the human tables or the orthology snapshots change
(``python scripts/mouse_orthologs.py``). Identifiers already in the mouse tables are kept (an id
is never reused or renumbered); new mouse gene products get the next ``CYTO:0006nnn`` and new
mouse complexes the next ``CYTO:0007nnn``. The build reads only the written tables.

- A mouse gene product for every MGI ortholog (MGI's ``HMD_HumanPhenotype.rpt`` pairs) of a human
  gene product of ``cytokines.tsv``, ``receptors.tsv`` and ``antagonists.tsv``; its Ensembl id from
  HCOP; its kind and types copied from its human orthologs when they agree.
- One orthology pair per (mouse, human) with the Ensembl homology type and the HCOP predictors.
- A mouse complex for every human complex whose chains all have mouse orthologs (one per
  combination where a chain has several, e.g. Csf2rb and Csf2rb2).
- Mouse-only gene products from ``mouse/only.tsv`` (curated, with their source) are left alone;
  MGI pseudogene orthologs (``-ps``) are not gene products; a mouse chain that
  ``mouse/chain_usage.tsv`` marks 'not used' for a human complex (Csf2rb2 in the GM-CSF and IL-5
  receptors) makes no mouse complex.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "ontology" / "src"
ORTHOLOGY = SRC / "reference" / "orthology"
OUT = SRC / "mouse"
GENE_TABLES = ("cytokines", "receptors", "antagonists")
GENE_COLUMNS = ["id", "symbol", "label", "mgi", "ensembl", "kind", "types", "human", "source"]
PAIR_COLUMNS = ["mouse", "human", "homology", "hcop_support", "hcop_sources"]
COMPLEX_COLUMNS = ["id", "key", "label", "kind", "parts", "types", "human", "source"]
MAX_COMBINATIONS = 4


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write("\t".join(columns) + "\n")
        for row in rows:
            handle.write("\t".join(row[c] for c in columns) + "\n")


def next_id(used: set[str], block: str) -> str:
    n = 1 + max((int(i[5:]) for i in used if i.startswith(f"CYTO:{block}")), default=0)
    if n == 1:
        n = int(block) * 1000 + 1
    return f"CYTO:{n:07d}"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    humans = {r["symbol"]: r for t in GENE_TABLES for r in read(SRC / f"{t}.tsv")}
    # MGI's report names human genes by their older symbols (IL1RL1 for IL33R): join on NCBI Gene.
    by_entrez = {r["ncbigene"].removeprefix("NCBIGene:"): symbol for symbol, r in humans.items()}
    hmd = defaultdict(list)  # human symbol -> [(mouse symbol, MGI id)]
    for r in read(ORTHOLOGY / "mgi_hmd_human_mouse.tsv"):
        human = by_entrez.get(r["human_entrez"])
        if human and "-ps" not in r["mouse_symbol"]:
            hmd[human].append((r["mouse_symbol"], r["mgi_id"]))
    hcop = {
        (r["Gene name"], r["Mouse gene name"]): r
        for r in read(ORTHOLOGY / "mouse_orthologs_hcop.tsv")
    }
    ensembl = {
        (r["Gene name"], r["Mouse gene name"]): r
        for r in read(ORTHOLOGY / "mouse_orthologs_ensembl.tsv")
    }
    old_genes = (
        {r["mgi"]: r for r in read(OUT / "genes.tsv")} if (OUT / "genes.tsv").exists() else {}
    )
    old_complexes = (
        {r["key"]: r for r in read(OUT / "complexes.tsv")}
        if (OUT / "complexes.tsv").exists()
        else {}
    )
    used = {r["id"] for r in old_genes.values()} | {r["id"] for r in old_complexes.values()}
    if (OUT / "only.tsv").exists():
        used |= {r["id"] for r in read(OUT / "only.tsv")}

    mouse: dict[str, dict] = {}  # MGI id -> accumulated row
    pairs = []
    for human, found in sorted(hmd.items()):
        for symbol, mgi in found:
            entry = mouse.setdefault(mgi, {"symbol": symbol, "mgi": mgi, "human": []})
            entry["human"].append(human)
            h, e = hcop.get((human, symbol)), ensembl.get((human, symbol))
            if h and not entry.get("ensembl"):
                entry["ensembl"] = h["Mouse gene stable ID"]
            if e and not entry.get("ensembl"):
                entry["ensembl"] = e["Mouse gene stable ID"]
            sources = h["supporting_source"].split(",") if h else []
            pairs.append(
                {
                    "mouse": symbol,
                    "human": human,
                    "homology": (e or {}).get("Mouse homology type", "")
                    or ("ortholog_one2one" if len(found) == 1 else "ortholog_one2many"),
                    "hcop_support": str(len(sources)),
                    "hcop_sources": ",".join(sorted(sources)),
                }
            )
    genes = []
    for mgi, entry in sorted(mouse.items(), key=lambda kv: kv[1]["symbol"].lower()):
        rows = [humans[h] for h in entry["human"]]
        kinds = {r["kind"] for r in rows}
        types = {r["types"] for r in rows}
        one2one = len(rows) == 1 and len(hmd[rows[0]["symbol"]]) == 1
        label = f"{rows[0]['label']} (mouse)" if one2one else f"{entry['symbol']} (mouse)"
        gid = old_genes[mgi]["id"] if mgi in old_genes else next_id(used, "0006")
        used.add(gid)
        genes.append(
            {
                "id": gid,
                "symbol": entry["symbol"],
                "label": label,
                "mgi": mgi,
                "ensembl": entry.get("ensembl", ""),
                "kind": sorted(kinds)[0],
                "types": types.pop() if len(types) == 1 else "",
                "human": ";".join(sorted(entry["human"])),
                "source": mgi,
            }
        )
    by_human = defaultdict(list)
    for g in genes:
        for h in g["human"].split(";"):
            by_human[h].append(g["symbol"])

    not_used = {
        (r["human_complex"], r["mouse_chain"])
        for r in read(OUT / "chain_usage.tsv")
        if r["usage"] == "not used"
    }
    complexes = []
    for row in read(SRC / "complexes.tsv"):
        parts = [p.partition("*") for p in row["parts"].split(";")]
        options = [
            [m + sep + count for m in by_human.get(symbol, [])] for symbol, sep, count in parts
        ]
        if not all(options):
            continue
        combos = [
            c
            for c in itertools.product(*options)
            if not any((row["key"], p.partition("*")[0]) in not_used for p in c)
        ]
        if len(combos) > MAX_COMBINATIONS:
            continue
        for combo in combos:
            names = [p.partition("*")[0] for p in combo]
            key = "/".join(names) + " (mouse)"
            cid = old_complexes[key]["id"] if key in old_complexes else next_id(used, "0007")
            used.add(cid)
            variant = f" with {', '.join(names)}" if len(combos) > 1 else ""
            complexes.append(
                {
                    "id": cid,
                    "key": key,
                    "label": f"{row['label']} (mouse{variant})",
                    "kind": row["kind"],
                    "parts": ";".join(combo),
                    "types": row["types"],
                    "human": row["key"],
                    "source": row["source"],
                }
            )
    write(OUT / "genes.tsv", GENE_COLUMNS, genes)
    write(
        OUT / "orthology.tsv",
        PAIR_COLUMNS,
        sorted(pairs, key=lambda p: (p["mouse"].lower(), p["human"])),
    )
    write(OUT / "complexes.tsv", COMPLEX_COLUMNS, complexes)
    counts = f"{len(genes)} gene products, {len(pairs)} orthology pairs, {len(complexes)} complexes"
    print(f"mouse: {counts}")


if __name__ == "__main__":
    main()
