"""The recipes and examples of docs/interactions.md, run as the page shows them (issue 24)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cytoowl.cli import app
from tools import CHECKOUT

PAGE = CHECKOUT.root / "docs" / "interactions.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def run_console(block: str) -> None:
    for line in block.splitlines():
        command = shlex.split(line.removeprefix("$ "))
        assert command[0] == "cytoowl", line
        result = CliRunner().invoke(app, command[1:])
        assert result.exit_code == 0, (line, result.output)


def recipe(tool: str) -> tuple[str, str]:
    """The console command and the code block that follows it for ``tool``."""
    [command] = [b for b in blocks("console") if f"cytoowl export {tool} " in b]
    text = PAGE.read_text(encoding="utf-8")
    after = text[text.index(command) + len(command) :]
    code = re.search(r"```(?:python|r)\n(.*?)```", after, re.S)
    assert code is not None
    return command, code.group(1)


def test_every_console_command_writes_what_the_recipes_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for block in blocks("console"):
        run_console(block)
    read = []
    for code in blocks("python") + blocks("r"):
        read += re.findall(r'read\.csv\("([^"]+)"', code) + re.findall(r'read_csv\("([^"]+)"', code)
        read += [
            f"{folder}/{name}"
            for folder in re.findall(r'file\.path\("([^"]+)", f\)', code)
            for name in re.findall(r'rd\("([^"]+)"\)', code)
        ]
    assert len(read) >= 5
    assert [f for f in read if not (tmp_path / f).is_file()] == []
    assert all((tmp_path / Path(f).parent / "metadata.json").is_file() for f in read)


def test_api_examples() -> None:
    examples = [b for b in blocks("python") if "cytoowl.interactome" in b or "mouse =" in b]
    assert len(examples) == 2
    namespace: dict = {}
    for block in examples:
        exec(block, namespace)
    il6 = namespace["il6"]
    assert "IL6R_IL6ST" in set(il6.receptor_symbol)
    row = il6[il6.receptor_symbol == "IL6R_IL6ST"].iloc[0]
    assert row.receptor_genes == ["IL6R", "IL6ST"] and all(row.receptor_uniprot)
    assert set(namespace["lr"].kind) == {"agonist"}
    assert set(namespace["lr"].confidence_tier) == {"experimental", "curated"}
    mouse = namespace["mouse"]
    assert set(mouse.species_evidence) == {"observed in mouse", "inferred from orthology"}
    assert mouse.ligand_symbol.str.match(r"^[A-Z][a-z0-9]").all()  # mouse symbols
    assert set(namespace["blockers"].kind) == {"antagonist", "decoy"}
    assert len(set(mouse.confidence_tier)) == 4


@pytest.mark.slow  # LIANA and CellPhoneDB
def test_liana_recipe(tmp_path: Path, monkeypatch) -> None:
    from test_analysis_tools import mouse_adata, mouse_pairs

    monkeypatch.chdir(tmp_path)
    command, code = recipe("liana")
    run_console(command)
    pairs = mouse_pairs()
    adata = mouse_adata(pairs)
    exec(code, {"adata": adata})
    res = adata.uns["liana_res"]
    found = {(r.ligand_complex, r.receptor_complex, r.source, r.target) for r in res.itertuples()}
    assert found == {
        (*pairs[("IL6", "IL6R_IL6ST")], "sender", "receiver"),
        (*pairs[("TNF", "TNFRSF1A")], "sender", "receiver"),
    }


@pytest.mark.slow  # CellPhoneDB
def test_cellphonedb_recipe(tmp_path: Path, monkeypatch) -> None:
    from test_analysis_tools import GROUPS, make_adata

    monkeypatch.chdir(tmp_path)
    command, code = recipe("cellphonedb")
    run_console(command)
    adata = make_adata(GROUPS)
    adata.obs.rename_axis("barcode_sample").reset_index()[["barcode_sample", "cell_type"]].to_csv(
        "meta.tsv", sep="\t", index=False
    )
    # The page's call with CellPhoneDB's defaults (1000 shufflings, 4 threads); fewer here.
    code = code.replace("cpdb.call(", "cpdb.call(iterations=100, threads=1, ")
    namespace = {"adata": adata}
    exec(code, namespace)
    pvalues = namespace["result"]["pvalues"]
    il6 = pvalues[pvalues.partner_b == "complex:IL6R_IL6ST"]
    il6 = il6[il6.interacting_pair.str.startswith("IL6_")]
    assert len(il6) == 1
    pairs = [c for c in pvalues.columns if "|" in c]
    assert {c for c in pairs if il6.iloc[0][c] < 0.05} == {"sender|receiver"}
