"""Hostile input, issue 27: nothing from data becomes markup or code. Only http(s) IRIs become
links (term pages, the tree, search, SVG diagrams, /api/suggest and /api/search, the landing
page's licence), and every HTML answer carries a Content-Security-Policy, nosniff and frame
headers."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cytoowl.serve.browse.hierarchy import page_href
from server_fixtures import FIXTURE_ROOT, IL2, app_client, sources_at

EVIL_CLASS = "javascript:alert(document.domain)//x"
EVIL_DATA = f"""
<{EVIL_CLASS}> a owl:Class ; rdfs:label "evilclass" ; rdfs:subClassOf CYTO:0000001 .
CYTO:0000100 RO:0002436 <{EVIL_CLASS}> ;
    skos:exactMatch <data:text/html,%3Cscript%3Ealert(2)%3C/script%3E> ;
    oboInOwl:hasDbXref "javascript:alert(4)" .
"""
# an href (HTML or SVG) or a JSON "href" whose target is not this server or http(s)
UNSAFE_HREF = re.compile(r"""href\s*=\s*["']\s*(?!/|https?://|\?|#)[^"']*""", re.IGNORECASE)
UNSAFE_JSON_HREF = re.compile(r'"href"\s*:\s*"(?!/|https?://)[^"]+"')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Iterator[TestClient]:
    """The server fixture with data holding javascript: and data: IRIs, as `cytoowl load`
    or a remote store could serve them."""
    root = tmp_path_factory.mktemp("hostile") / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    release = root / "ontology" / "cytoowl.ttl"
    text = release.read_text().replace(
        "dcterms:license <https://creativecommons.org/licenses/by/4.0/>",
        "dcterms:license <javascript:alert(3)//l>",
    )
    release.write_text(text + EVIL_DATA)
    with app_client(sources_at(root)) as client:
        yield client


@pytest.mark.parametrize(
    "iri, href",
    [
        ("https://w3id.org/cytoowl/CYTO_0000100", "/CYTO_0000100"),
        ("http://purl.obolibrary.org/obo/CL_0000084", "http://purl.obolibrary.org/obo/CL_0000084"),
        ("https://example.org/x", "https://example.org/x"),
        ("javascript:alert(1)//x", ""),
        ("JavaScript:alert(1)", ""),
        ("data:text/html,<b>", ""),
        ("urn:x:y", ""),
        ("vbscript:msgbox", ""),
    ],
)
def test_only_http_iris_become_links(iri: str, href: str) -> None:
    assert page_href(iri) == href


@pytest.mark.parametrize(
    "path",
    ["/", "/tree", "/search?q=evilclass", "/CYTO_0000100", "/CYTO_0000001"],
)
def test_pages_link_no_script_iri(hostile: TestClient, path: str) -> None:
    answer = hostile.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 200, answer.text[:300]
    found = UNSAFE_HREF.findall(answer.text)
    assert not found, found


def test_the_hostile_class_is_shown_but_not_linked(hostile: TestClient) -> None:
    answer = hostile.get("/search?q=evilclass")
    assert "evilclass" in answer.text  # the data is there, as text
    assert 'href="javascript:' not in answer.text


@pytest.mark.parametrize("path", ["/api/suggest?q=evilclass", "/api/search?q=evilclass"])
def test_search_apis_give_no_script_href(hostile: TestClient, path: str) -> None:
    answer = hostile.get(path)
    assert answer.status_code == 200
    assert "evilclass" in answer.text
    assert not UNSAFE_JSON_HREF.findall(answer.text), answer.text[:500]


def test_search_box_navigates_only_to_safe_targets() -> None:
    """The search box script checks a suggestion's href itself, whatever the server says."""
    script = (Path(__file__).parents[1] / "src/cytoowl/serve/static/search.js").read_text()
    assert "safeHref(" in script
    assert re.search(r"window\.location\.href\s*=\s*safeHref\(", script)


HTML_PATHS = ["/", "/tree", "/search?q=il", "/CYTO_0000100", "/sparql", "/validate", "/CYTO_9"]


@pytest.mark.parametrize("path", HTML_PATHS)
def test_every_html_answer_has_csp_nosniff_and_frame_headers(
    hostile: TestClient, path: str
) -> None:
    answer = hostile.get(path, headers={"Accept": "text/html"})
    assert answer.headers["content-type"].startswith("text/html"), path
    csp = answer.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp, csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert answer.headers.get("x-content-type-options") == "nosniff"
    assert answer.headers.get("x-frame-options") == "DENY"


@pytest.mark.parametrize("path", ["/api/suggest?q=il", "/health", "/static/search.js"])
def test_other_answers_are_not_sniffed(hostile: TestClient, path: str) -> None:
    assert hostile.get(path).headers.get("x-content-type-options") == "nosniff"


def test_term_svg_links_are_safe(hostile: TestClient) -> None:
    answer = hostile.get("/" + IL2.rsplit("/", 1)[1], headers={"Accept": "text/html"})
    for svg in re.findall(r"<svg[\s\S]*?</svg>", answer.text):
        assert not UNSAFE_HREF.findall(svg)
