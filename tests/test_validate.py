"""``cytoowl validate``: modes, the release and the example conform; formats; exit codes;
reports; defects planted in a copy of the release; unusable input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF
from typer.testing import CliRunner

from cytoowl import vocab
from cytoowl.cli import app
from cytoowl.validate.report import SH
from cytoowl.validate.shacl import (
    DATA,
    RELEASE,
    InputError,
    read_file,
    validate,
)
from shacl_helpers import PREFIXES
from tools import CHECKOUT

EXAMPLE = CHECKOUT.examples_dir / "cytokine-measurements.ttl"
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


def test_release_conforms() -> None:
    outcome = validate()
    assert outcome.mode == RELEASE
    assert outcome.conforms, outcome.text(limit=20)
    assert list(outcome.report.objects(None, SH.conforms)) == [Literal(True)]


@pytest.mark.slow  # the release's conformance again (test_release_conforms), through the CLI
def test_release_is_the_default_input() -> None:
    code, output = cli()
    assert code == 0, output
    assert "conforms: 0 violations" in output


def test_example_dataset_is_data_and_conforms_without_any_result() -> None:
    outcome = validate(read_file(EXAMPLE))
    assert outcome.mode == DATA
    assert outcome.results == [], outcome.text()


@pytest.mark.slow  # the release in every format; a copy of it
@pytest.mark.parametrize(
    ("suffix", "rdflib_format"),
    [(".ttl", "turtle"), (".owl", "xml"), (".rdf", "xml"), (".jsonld", "json-ld"), (".nt", "nt")],
)
def test_every_format_by_extension(
    suffix: str, rdflib_format: str, example_graph: Graph, tmp_path: Path
) -> None:
    path = tmp_path / f"example{suffix}"
    example_graph.serialize(path, format=rdflib_format, encoding="utf-8")
    assert read_file(path).triples == len(example_graph)
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
    report = Graph().parse(report_path, format="json-ld" if suffix == ".json" else "turtle")
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
        read_file(path)


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, output = cli(str(tmp_path / "absent.ttl"))
    assert code == 2 and "no such file" in output


@pytest.mark.slow
def test_build_fails_on_a_shacl_violation(tmp_path: Path) -> None:
    """A source row that makes 'binds receptor' point at a cytokine stops the build."""
    from cytoowl.release.pipeline import BuildError, run_pipeline

    sources = tmp_path / "src"
    shutil.copytree(CHECKOUT.source_dir, sources)
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


######## Modes ########


def copy_of_release(tmp_path: Path, update: str | None = None) -> Path:
    """The release as a user's file, changed by a SPARQL Update if given (in pyoxigraph:
    rdflib took ~5 s to copy, update and write the release's 67,000 triples)."""
    store = pyoxigraph.Store()
    store.bulk_load(path=str(CHECKOUT.release.ttl), format=pyoxigraph.RdfFormat.TURTLE)
    if update:
        store.update(PREFIXES + update)
    path = tmp_path / "copy.ttl"
    store.dump(path, format=pyoxigraph.RdfFormat.TURTLE, from_graph=pyoxigraph.DefaultGraph())
    return path


IL6 = "https://w3id.org/cytoowl/CYTO_0001140"
# A receptor complex of the release, stripped of its chains below.
COMPLEX = "https://w3id.org/cytoowl/CYTO_0003037"

# Defect kind -> (SPARQL Update on a copy of the release, focus node, expected report line start).
MUTATIONS = {
    "label-removed": (
        "DELETE WHERE { CYTO:0001140 rdfs:label ?label }",
        IL6,
        "[Violation] rdfs:label",
    ),
    "hgnc-xref-with-dash": (
        'DELETE DATA { CYTO:0001140 oio:hasDbXref "HGNC:6018" } ;'
        ' INSERT DATA { CYTO:0001140 oio:hasDbXref "HGNC-6018" }',
        IL6,
        '[Violation] oboInOwl:hasDbXref = "HGNC-6018"',
    ),
    "stripped-of-every-class": (
        "DELETE { CYTO:0001140 a ?class } WHERE"
        " { CYTO:0001140 a ?class FILTER (?class != owl:NamedIndividual) }",
        IL6,
        "[Violation] rdf:type",
    ),
    "stripped-of-every-type": (
        "DELETE WHERE { CYTO:0001140 a ?class }",
        IL6,
        "[Violation] rdf:type",
    ),
    "complex-without-chains": (
        f"DELETE WHERE {{ <{COMPLEX}> obo:BFO_0000051 ?chain }}",
        COMPLEX,
        "[Violation] BFO:0000051",
    ),
    "second-label": (
        'INSERT DATA { CYTO:0001140 rdfs:label "IL-6 again"@en }',
        IL6,
        "[Violation] rdfs:label",
    ),
    "hgnc-exact-match-disagrees": (
        "DELETE DATA { CYTO:0001140 obo:RO_0002204 <http://identifiers.org/hgnc/6018> } ;"
        " INSERT DATA { CYTO:0001140 obo:RO_0002204 <http://identifiers.org/hgnc/6001> }",
        IL6,
        "[Violation] RO:0002204 = HGNC:6001",
    ),
    "definition-removed": (
        "DELETE WHERE { CYTO:0001140 obo:IAO_0000115 ?definition }",
        IL6,
        "[Violation] IAO:0000115",
    ),
    "binds-a-cytokine": (
        "INSERT DATA { CYTO:0001140 CYTO:0000100 CYTO:0001117 }",
        IL6,
        "[Violation] CYTO:0000100 = CYTO:0001117",
    ),
    "assertion-source-removed": (
        "DELETE { ?axiom ?p ?o } WHERE { ?axiom owl:annotatedSource CYTO:0001140 ;"
        " owl:annotatedProperty obo:RO_0002607 ; owl:annotatedTarget obo:MONDO_0002009 ; ?p ?o }",
        IL6,
        "[Violation] RO:0002607 = MONDO:0002009",
    ),
}


def test_the_complex_of_the_mutation_is_a_receptor_complex_with_chains(
    release_graph: Graph,
) -> None:
    from rdflib import URIRef

    complex_ = URIRef(COMPLEX)
    assert (complex_, RDF.type, URIRef(vocab.TERM_PREFIX + "0000032")) in release_graph
    assert list(
        release_graph.objects(complex_, URIRef("http://purl.obolibrary.org/obo/BFO_0000051"))
    )


@pytest.mark.slow  # a copy of the release
def test_a_copy_of_the_release_is_standalone_and_conforms(tmp_path: Path) -> None:
    code, output = cli(str(copy_of_release(tmp_path)))
    assert code == 0, output
    assert "(mode: standalone)" in output


@pytest.mark.slow  # copies of the release
@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_a_defect_in_a_copy_of_the_release_is_reported(kind: str, tmp_path: Path) -> None:
    update, focus, line = MUTATIONS[kind]
    code, output = cli(str(copy_of_release(tmp_path, update)))
    assert code == 1, output
    assert "(mode: standalone)" in output
    lines = output.splitlines()
    heading = next(i for i, text in enumerate(lines) if text.endswith(f"<{focus}>"))
    block = []
    for text in lines[heading + 1 :]:
        if not text.startswith("  "):
            break
        block.append(text.strip())
    assert any(text.startswith(line) for text in block), output


@pytest.mark.slow  # the release in every format; a copy of it
def test_with_release_forces_data_mode_on_a_copy(tmp_path: Path) -> None:
    """Forced to data mode, the copy is completed from the release: the label is not missed."""
    update, _, _ = MUTATIONS["label-removed"]
    path = copy_of_release(tmp_path, update)
    code, output = cli("--with-release", str(path))
    assert code == 0, output
    assert "(mode: data)" in output


def test_standalone_forces_data_to_stand_alone() -> None:
    """Without the release, the example's analytes are not known cytokines."""
    code, output = cli("--standalone", str(EXAMPLE))
    assert code == 1
    assert "(mode: standalone)" in output
    assert "[Violation] cmp:analyte" in output


def test_standalone_and_with_release_exclude_each_other() -> None:
    assert cli("--standalone", "--with-release", str(EXAMPLE))[0] == 2


def test_data_reports_only_what_the_data_adds(bad_measurement: Path) -> None:
    """The release's own Warnings (e.g. MIF without a structural family) are not repeated."""
    outcome = validate(read_file(bad_measurement))
    assert outcome.mode == DATA
    assert [r.component for r in outcome.results] == ["MinInclusiveConstraintComponent"]
    assert not any(r.focus.startswith("CYTO:") for r in outcome.results)
    assert len(list(outcome.report.subjects(RDF.type, SH.ValidationResult))) == 1


def test_data_citing_an_unknown_cytoowl_term_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "unknown.ttl"
    path.write_text(EXAMPLE.read_text().replace("CYTO:0001140", "CYTO:0000100", 1))
    outcome = validate(read_file(path))
    assert outcome.mode == DATA
    assert {(r.path, r.value) for r in outcome.violations} == {("cmp:analyte", "CYTO:0000100")}


def test_help_says_which_mode_applies() -> None:
    result = runner.invoke(app, ["validate", "--help"])
    text = " ".join(result.output.split())
    for words in ("--standalone", "--with-release", "describe cytoowl terms", "release beside"):
        assert words in text, text


######## Unusable input ########

UNUSABLE = {
    "empty.ttl": (b"", ":1: empty file"),
    "blank.ttl": (b"\n  \n", ":1: empty document"),
    "prefixes.ttl": (
        b"@prefix ex: <http://e/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n",
        ":2: no RDF triples",
    ),
    "comments.nt": (b"# nothing here\n", ":1: no RDF triples"),
    "binary.ttl": (b"\xff\xfe\x00<\x00h\x00", ":1:"),
    "data.yaml": (b"a: b\n", ":1: cannot tell the RDF format"),
}


@pytest.mark.parametrize("name", sorted(UNUSABLE))
def test_unusable_input_exits_2_with_file_and_line(name: str, tmp_path: Path) -> None:
    body, where = UNUSABLE[name]
    path = tmp_path / name
    path.write_bytes(body)
    code, output = cli(str(path))
    assert code == 2, output
    assert f"{path}{where}" in output.replace("\n", ""), output
    assert "Traceback" not in output


def test_a_directory_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "folder.ttl"
    path.mkdir()
    code, output = cli(str(path))
    assert code == 2 and "is a directory" in output and "Traceback" not in output
