"""``cytoowl validate``: the release and the example conform; formats; exit codes; reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from typer.testing import CliRunner

from cytoowl import paths
from cytoowl.cli import app
from cytoowl.validate.shacl import SH, InputError, load_rdf, validate_graphs

EXAMPLE = paths.PROJECT_ROOT / "examples" / "cytokine-measurements.ttl"
runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    """Run ``cytoowl validate ARGS``; the exit code and everything printed."""
    result = runner.invoke(app, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def example_graph() -> Graph:
    return Graph().parse(EXAMPLE, format="turtle")


@pytest.fixture
def bad_measurement(tmp_path: Path) -> Path:
    """The example with one negative concentration."""
    path = tmp_path / "bad.ttl"
    path.write_text(EXAMPLE.read_text().replace("qudt:numericValue 3.8", "qudt:numericValue -3.8"))
    return path


def test_release_conforms(release_graph: Graph) -> None:
    outcome = validate_graphs(release_graph, release_graph)
    assert outcome.conforms, outcome.text(limit=20)
    assert list(outcome.report.objects(None, SH.conforms)) == [Literal(True)]


def test_release_validation_leaves_the_graph_unchanged() -> None:
    """The build validates its graph in place and then serialises it: nothing may change."""
    graph = load_rdf([paths.RELEASE.ttl])
    triples, prefixes = set(graph), sorted(graph.namespaces())
    validate_graphs(graph, graph)
    assert set(graph) == triples
    assert sorted(graph.namespaces()) == prefixes


def test_release_is_the_default_input() -> None:
    code, output = cli()
    assert code == 0, output
    assert "conforms: 0 violations" in output


def test_example_dataset_conforms_without_any_result(
    example_graph: Graph, release_graph: Graph
) -> None:
    outcome = validate_graphs(example_graph, release_graph)
    assert outcome.results == [], outcome.text()


@pytest.mark.parametrize(
    ("suffix", "rdflib_format"),
    [(".ttl", "turtle"), (".owl", "xml"), (".rdf", "xml"), (".jsonld", "json-ld"), (".nt", "nt")],
)
def test_every_format_by_extension(
    suffix: str, rdflib_format: str, example_graph: Graph, tmp_path: Path
) -> None:
    path = tmp_path / f"example{suffix}"
    example_graph.serialize(path, format=rdflib_format, encoding="utf-8")
    assert len(load_rdf([path])) == len(example_graph)
    code, output = cli(str(path))
    assert code == 0, output


def test_format_option_overrides_the_extension(example_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "example.data"
    example_graph.serialize(path, format="nt", encoding="utf-8")
    assert cli(str(path))[0] == 2  # unknown extension, no --format
    assert cli("--format", "nt", str(path))[0] == 0
    code, output = cli("--format", "yaml", str(path))
    assert code == 2 and "unknown format 'yaml'" in output


def test_several_files_are_validated_together(tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    head, measurements = text.split("######## Measurements ########")
    (tmp_path / "context.ttl").write_text(head)
    prefixes = "".join(line + "\n" for line in head.splitlines() if line.startswith("@prefix"))
    (tmp_path / "measurements.ttl").write_text(prefixes + measurements)
    code, output = cli(str(tmp_path / "context.ttl"), str(tmp_path / "measurements.ttl"))
    assert code == 0, output
    assert cli(str(tmp_path / "measurements.ttl"))[0] == 1  # samples and assays missing


def test_violations_exit_1_with_a_report_grouped_by_focus_node(bad_measurement: Path) -> None:
    code, output = cli(str(bad_measurement))
    assert code == 1
    lines = output.splitlines()
    result_node = "sosa:hasResult of <https://example.org/cytokine-study/m-001>  []"
    focus = lines.index(result_node)  # a blank node is shown by where it hangs
    assert lines[focus + 1].strip().startswith("[Violation] qudt:numericValue = -3.8:")
    assert "must be a non-negative number" in lines[focus + 1]
    assert "does not conform: 1 violation" in output


@pytest.mark.parametrize("suffix", [".ttl", ".json"])
def test_output_writes_the_shacl_report(bad_measurement: Path, tmp_path: Path, suffix: str) -> None:
    report_path = tmp_path / f"report{suffix}"
    code, _ = cli("--output", str(report_path), str(bad_measurement))
    assert code == 1
    if suffix == ".json":
        json.loads(report_path.read_text())
    report = load_rdf([report_path])
    assert list(report.objects(None, SH.conforms)) == [Literal(False)]
    results = list(
        report.subjects(SH.sourceConstraintComponent, SH.MinInclusiveConstraintComponent)
    )
    assert len(results) == 1
    assert report.value(results[0], SH.resultMessage) is not None


BROKEN = {
    "broken.ttl": ('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "x\n', ":3:"),
    "broken.nt": ("<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> .\n", ":2:"),
    "broken.jsonld": ('{"@id": "http://e/a",\n "http://e/b": {"@id": "http://e/c"},,\n}', ":2:"),
    "broken.rdf": (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '\n<rdf:Description rdf:about="http://e/a">\n</rdf:RDF>\n',
        ":4:",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_malformed_input_exits_2_with_line_and_message(name: str, tmp_path: Path) -> None:
    text, line = BROKEN[name]
    path = tmp_path / name
    path.write_text(text)
    code, output = cli(str(path))
    assert code == 2
    assert f"{path}{line}" in output.replace("\n", "")
    assert "Traceback" not in output
    with pytest.raises(InputError):
        load_rdf([path])


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, output = cli(str(tmp_path / "absent.ttl"))
    assert code == 2 and "no such file" in output


@pytest.mark.slow
def test_build_fails_on_a_shacl_violation(tmp_path: Path) -> None:
    """A source row that makes 'binds receptor' point at a cytokine stops the build."""
    from cytoowl.release.pipeline import BuildError, run_pipeline

    sources = tmp_path / "src"
    shutil.copytree(paths.SOURCE_DIR, sources)
    (sources / "relations" / "receptor_binding.tsv").write_text(
        "subject\trelation\tobject\tsource\nIL2\tbinds receptor\tIL6\tUniProtKB:P60568\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as error:
        run_pipeline(sources, lambda step: None)
    message = str(error.value)
    assert message.startswith("SHACL violations:")
    assert "<https://w3id.org/cytoowl/CYTO_0001117>" in message  # IL2, the offending subject
    assert "[Violation] CYTO:0000100 = CYTO:0001140" in message


def test_json_ld_with_a_remote_context_exits_2_without_fetching(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}')
    code, output = cli(str(path))
    assert code == 2 and "remote contexts" in output
