"""The SSSOM mapping set, read and validated by sssom-py (the SSSOM reference implementation)."""

from __future__ import annotations

from collections import Counter

import pytest

from tools import CHECKOUT

sssom = pytest.importorskip(
    "sssom", reason="sssom-py is in the test extra: pip install -e '.[test]'"
)


# Fixed facts of the committed mapping set (sssom-py): make test.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mapping_set():
    from sssom.parsers import parse_sssom_table

    return parse_sssom_table(CHECKOUT.release.sssom)


def test_sssom_py_validates_the_mapping_set(mapping_set) -> None:
    from sssom.validators import validate

    # fail_on_error raises on a JSON-schema violation or a prefix missing from the curie_map.
    validate(mapping_set, fail_on_error=True)


def test_every_row_has_a_semapv_justification(mapping_set) -> None:
    frame = mapping_set.df
    assert len(frame) > 900
    assert frame["mapping_justification"].str.startswith("semapv:").all()


def test_mapping_counts_per_target_and_predicate(mapping_set) -> None:
    frame = mapping_set.df
    counts = Counter(
        (o.partition(":")[0], p)
        for o, p in zip(frame["object_id"], frame["predicate_id"], strict=True)
    )
    # every gene product links to its two gene records with RO 'gene product of'
    assert counts[("HGNC", "RO:0002204")] == counts[("NCBIGene", "RO:0002204")] > 250
    assert ("HGNC", "skos:exactMatch") not in counts
    assert counts[("UniProtKB", "skos:broadMatch")] == 4  # the two shared entries, twice each
    assert counts[("UniProtKB", "skos:exactMatch")] > 250
    assert counts[("InterPro", "skos:closeMatch")] > 5
    assert counts[("GO", "RO:0002215")] >= 3
    assert counts[("PR", "skos:broadMatch")] > 10
