"""The three journeys of docs/guide.md, run with the blocks the guide shows."""

from __future__ import annotations

import re

import pyoxigraph
import pytest

from tools import CHECKOUT, require

GUIDE = CHECKOUT.root / "docs" / "guide.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def test_journey_sparql(release_store: pyoxigraph.Store) -> None:
    rows = list(release_store.query(_blocks("sparql")[0]))
    labels = {row["label"].value for row in rows}
    assert "interleukin 2" in labels and len(labels) >= 6
    assert all(row["uniprot"] is not None for row in rows if row["label"].value == "interleukin 2")


@pytest.mark.slow  # Java
def test_journey_protege_owl_api_load() -> None:
    require("java", "javac", install="apt-get install default-jdk-headless libowlapi-java")
    from owlapi_check import check_dl_profile

    result = check_dl_profile(CHECKOUT.release.owl)
    assert result["violation_lines"] == [] and result["classes"] >= 40


def test_journey_join_by_shared_iri() -> None:
    store = pyoxigraph.Store()
    store.load(path=str(CHECKOUT.release.ttl), format=pyoxigraph.RdfFormat.TURTLE)
    [fragment] = _blocks("turtle")
    store.load(fragment, format=pyoxigraph.RdfFormat.TURTLE)
    rows = list(store.query(_blocks("sparql")[1]))
    assert {"interleukin 6", "interleukin 1 beta"} <= {r["label"].value for r in rows}
