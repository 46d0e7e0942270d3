"""The search and hierarchy APIs: what people type finds the right term first, lists come in
the OLS shape with paging, and every parameter is bounded before any work is done."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cytoowl.serve import app as app_module
from cytoowl.serve.browse import browser as browse
from cytoowl.serve.browse import catalog, search
from cytoowl.serve.errors import ServeError
from cytoowl.serve.store.embedded import EmbeddedStore
from cytoowl.serve.store.remote import RemoteStore
from server_fixtures import FIXTURE, app_client, limited_settings

IL6 = "CYTO:0001140"
IL6_IRI = "https://w3id.org/cytoowl/CYTO_0001140"
HGNC_IRI = "http://identifiers.org/hgnc/6018"  # IL6's gene record, declared in the release
TNF = "CYTO:0001165"


@pytest.fixture(scope="module")
def release(release_client: TestClient) -> TestClient:
    return release_client  # shared with the other modules that only read


def suggestions(client: TestClient, q: str, **params) -> list[dict]:
    response = client.get("/api/suggest", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()["suggestions"]


@pytest.mark.parametrize(
    ("typed", "expected", "field"),
    [
        ("IL-6", IL6, "exact synonym"),
        ("IL6", IL6, "exact synonym"),
        ("interleukin 6", IL6, "label"),
        ("Interleukin-6", IL6, "label"),
        ("P05231", IL6, "xref"),
        ("UniProtKB:P05231", IL6, "xref"),
        # The gene records are declared individuals (IL-6 is 'gene product of' them): cytoowl's
        # own term, which carries the id as a cross-reference, ranks above the record (issue 25).
        ("HGNC:6018", IL6, "xref"),
        ("NCBIGene:3569", IL6, "xref"),
        ("interleukn 6", IL6, "label"),
        ("TNF-alpha", TNF, "exact synonym"),
        ("TNF-\N{GREEK SMALL LETTER ALPHA}", TNF, "exact synonym"),
        ("tumor necrosis factor", TNF, "label"),
        ("gp130", "CYTO:0002088", "exact synonym"),
        ("CL:0000066", "CL:0000066", "id"),
        ("GO:0005125", "CYTO:0000001", "xref"),  # cytokine, own, above the GO class
        ("CYTO_0001140", IL6, "id"),
    ],
)
def test_what_people_type_finds_the_term_first(release, typed, expected, field) -> None:
    first = suggestions(release, typed)[0]
    assert (first["id"], first["matched"]["field"]) == (expected, field), first
    assert first["iri"].endswith(expected.split(":")[1])
    found = release.get("/api/search", params={"q": typed}).json()["results"]
    assert found[0]["id"] == expected


@pytest.mark.parametrize("typed", ["HGNC:6018", "NCBIGene:3569", "hgnc 6018"])
def test_own_terms_rank_above_the_external_records_they_declare(release, typed) -> None:
    hits = suggestions(release, typed, limit=5)
    assert (hits[0]["id"], hits[0]["matched"]["how"]) == (IL6, "exact"), hits[:2]
    record = next(h for h in hits if h["label"].startswith("IL6 gene"))
    assert record["matched"] == {"field": "id", "text": record["id"], "how": "exact"}
    assert record["score"] < hits[0]["score"]


def test_tiers_never_overlap() -> None:
    """Exact label > exact synonym > prefix > words > fuzzy, whatever the field or term."""
    worst = max(search.FIELD_PENALTY.values()) + search.EXTERNAL_PENALTY + search.SPREAD
    tiers = [search.EXACT, search.PREFIX, search.WORDS, search.FUZZY]
    assert all(upper - worst > lower for upper, lower in itertools.pairwise(tiers))
    assert search.penalty(IL6_IRI, "label") < search.penalty(IL6_IRI, "exact synonym")
    assert search.penalty(IL6_IRI, "related synonym") < search.penalty(HGNC_IRI, "label")


def test_each_tier_in_order_on_the_release(release) -> None:
    """One query per tier, each hit scored in its own tier's band, best first."""
    cases = {
        "interleukin 6": "exact",
        "interleukin 6 rec": "prefix",
        "motif ligand": "words",
        "interleukn 6": "fuzzy",
    }
    bands = {"exact": search.EXACT, "prefix": search.PREFIX, "words": search.WORDS}
    bands["fuzzy"] = search.FUZZY
    for typed, how in cases.items():
        first = suggestions(release, typed)[0]
        assert first["matched"]["how"] == how, (typed, first)
        assert bands[how] - 200 < first["score"] <= bands[how], (typed, first)
    exact = suggestions(release, "IL-6")
    assert exact[0]["matched"]["field"] == "exact synonym"
    hits = suggestions(release, "interleukin 6", limit=50)
    tiers = [h["matched"]["how"] for h in hits]
    order = ["exact", "prefix", "words", "fuzzy"]
    assert [order.index(t) for t in tiers] == sorted(order.index(t) for t in tiers)


def test_ranking_tiers(release) -> None:
    hits = suggestions(release, "IL-6", limit=10)
    # The human term first, then its mouse ortholog (symbol Il6, also exact), then prefixes.
    assert [h["matched"]["how"] for h in hits[:3]] == ["exact", "exact", "prefix"]
    assert hits[0]["label"] == "interleukin 6" and hits[1]["label"] == "interleukin 6 (mouse)"
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    typo = suggestions(release, "interleukn 6")
    assert typo[0]["matched"]["how"] == "fuzzy"
    partial = suggestions(release, "interlukin")  # typed so far, with a typo
    assert partial and partial[0]["label"].startswith("interleukin")


def test_result_fields_and_type_filter(release) -> None:
    hit = suggestions(release, "gp130 cytokine")[0]
    assert set(hit) >= {"id", "iri", "label", "type", "matched", "href"}
    assert hit["type"] == "class" and hit["href"] == "/CYTO_0000022"
    only = release.get("/api/search", params={"q": "cytokine", "type": "class"}).json()
    assert only["total"] > 5 and {r["type"] for r in only["results"]} == {"class"}
    external = suggestions(release, "epithelial cell")[0]
    assert external["href"] == "http://purl.obolibrary.org/obo/CL_0000066"


def test_search_runs_off_the_event_loop(release, monkeypatch) -> None:
    """Suggest, the search API and the search page rank in a worker thread, where no event
    loop runs, through that thread's own connection to the catalog file."""
    threads = []
    rank = search.SearchIndex.rank

    def recording(self, *args, **kwargs):
        try:
            asyncio.get_running_loop()
            threads.append("event loop")
        except RuntimeError:
            threads.append("worker")
        return rank(self, *args, **kwargs)

    monkeypatch.setattr(search.SearchIndex, "rank", recording)
    assert suggestions(release, "IL-6")[0]["id"] == IL6
    assert release.get("/api/search", params={"q": "IL-6"}).json()["total"] > 0
    assert "interleukin 6" in release.get("/search", params={"q": "IL-6"}).text
    assert threads == ["worker"] * 3


def test_search_pages(release) -> None:
    first = release.get("/api/search", params={"q": "interleukin", "size": 5}).json()
    second = release.get("/api/search", params={"q": "interleukin", "size": 5, "page": 1}).json()
    assert first["total"] == second["total"] > 10
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 10


@pytest.mark.parametrize(
    ("path", "params", "says"),
    [
        ("/api/suggest", {"q": "x" * (search.MAX_QUERY + 1)}, "longer than"),
        ("/api/suggest", {"q": "il", "limit": "0"}, "limit"),
        ("/api/suggest", {"q": "il", "limit": str(search.MAX_LIMIT + 1)}, "limit"),
        ("/api/suggest", {"q": "il", "limit": "ten"}, "limit"),
        ("/api/suggest", {"q": "il", "type": "gene"}, "type must be"),
        ("/api/search", {"q": ""}, "give the text"),
        ("/api/search", {"q": "il", "page": "-1"}, "page"),
        ("/api/search", {"q": "il", "size": "1000"}, "size"),
        ("/api/search", {"q": "il", "page": "9999", "size": "100"}, "page * size"),
        ("/api/terms/CYTO:0000001/children", {"page": "x"}, "page"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(release, path, params, says) -> None:
    response = release.get(path, params=params)
    assert response.status_code == 400
    assert says in response.json()["error"]


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * search.MAX_QUERY,
        " ".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(99)),
        "% _ * ? [ ] ( ) { } \\ / : ; ' \" < > & |",
        "\N{GREEK SMALL LETTER ALPHA}" * 100,
        "zzzzzzzzzz qqqqqqqqqq xxxxxxxxxx",
        "\x00\x01 il",
    ],
)
def test_hostile_queries_are_answered_and_bounded(release, hostile) -> None:
    hits = suggestions(release, hostile, limit=search.MAX_LIMIT)
    assert len(hits) <= search.MAX_LIMIT
    total = release.get("/api/search", params={"q": hostile}).json()["total"]
    assert total <= search.MAX_HITS


def test_empty_suggest_is_an_empty_list(release) -> None:
    assert suggestions(release, "   ") == []


# --- hierarchy ------------------------------------------------------------------------------


def embedded(client: TestClient, path: str, key: str = "terms", **params) -> list[str]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["_embedded"][key]]


def test_term_in_the_ols_shape(release) -> None:
    term = release.get(f"/api/terms/{IL6}").json()
    assert term["label"] == "interleukin 6" and term["obo_id"] == IL6
    assert term["short_form"] == "CYTO_0001140" and term["type"] == "individual"
    assert {k: v for k, v in term["obo_xref"][0].items() if k != "url"} == {
        "database": "HGNC",
        "id": "6018",
    }
    assert {"name": "IL-6", "scope": "exact"} in term["obo_synonym"]
    assert term["_links"]["parents"]["href"] == f"/api/terms/{IL6}/parents"
    by_iri = release.get("/api/terms", params={"iri": term["iri"]}).json()
    assert by_iri["id"] == IL6
    assert release.get("/api/terms/CYTO_0001140").json()["id"] == IL6
    cytokine = release.get("/api/terms/CYTO:0000001").json()
    assert cytokine["is_root"] and cytokine["has_children"]


def test_children_parents_ancestors_descendants_instances(release) -> None:
    children = embedded(release, "/api/terms/CYTO:0000003/children")
    assert children == ["CYTO:0000006", "CYTO:0000007"]  # long-, short-chain
    assert "CYTO:0000022" in embedded(release, f"/api/terms/{IL6}/parents", size="50")
    ancestors = embedded(release, f"/api/terms/{IL6}/ancestors", size="50")
    assert {"CYTO:0000001", "CYTO:0000002", "CYTO:0000003", "CYTO:0000006"} <= set(ancestors)
    descendants = embedded(release, "/api/terms/CYTO:0000001/descendants", size="100")
    assert {"CYTO:0000012", "CYTO:0000006"} <= set(descendants)  # CC chemokine, long-chain
    # gp130 cytokine is a defined class: it sits under cytokine through its definition.
    assert "CYTO:0000022" in embedded(release, "/api/terms/CYTO:0000001/children", size="50")
    members = embedded(release, "/api/terms/CYTO:0000022/instances", "individuals", size="50")
    assert IL6 in members


def test_paging_links(release) -> None:
    path = "/api/terms/CYTO:0000001/instances"
    page = release.get(path, params={"page": "1", "size": "5"}).json()
    assert page["page"]["number"] == 1 and page["page"]["size"] == 5
    assert page["page"]["totalElements"] > 100
    assert len(page["_embedded"]["individuals"]) == 5
    assert page["_links"]["next"]["href"] == f"{path}?page=2&size=5"
    assert page["_links"]["prev"]["href"] == f"{path}?page=0&size=5"
    last = page["page"]["totalPages"] - 1
    tail = release.get(path, params={"page": str(last), "size": "5"}).json()
    assert "next" not in tail["_links"] and tail["_embedded"]["individuals"]


def test_unknown_terms_and_lists_are_404(release) -> None:
    assert release.get("/api/terms/CYTO:9999999").status_code == 404
    assert release.get("/api/terms/NOPE:1/children").status_code == 404
    response = release.get(f"/api/terms/{IL6}/siblings")
    assert response.status_code == 404 and "children" in response.json()["error"]


# --- pages ----------------------------------------------------------------------------------


def test_every_page_has_the_search_box(release) -> None:
    for path in ("/", "/tree", "/search?q=IL6", "/sparql", "/CYTO_0001140", "/CYTO_9999999"):
        response = release.get(path, headers={"Accept": "text/html"})
        assert '<input type="search"' in response.text, path


def test_term_page_diagrams(release) -> None:
    page = release.get("/CYTO_0003011").text  # interleukin-6 receptor complex
    assert 'id="complex-diagram"' in page and 'data-chain="IL6ST"' in page
    assert 'class="shared" data-chain="IL6ST"' in page
    assert 'class="chain" data-chain="IL6R"' in page
    network = release.get("/CYTO_0000010").text  # IL-17 family cytokine
    assert 'id="family-network"' in network and "IL17RA" in network


def test_query_page_falls_back_without_yasgui(release, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(browse, "YASGUI", tmp_path / "absent")
    page = release.get("/sparql", headers={"Accept": "text/html"}).text
    assert "/static/query.js" in page and "yasgui.min.js" not in page


# --- the snapshot over either store ---------------------------------------------------------


@pytest.mark.slow  # a live server
def test_catalog_over_a_remote_store_equals_the_embedded_one(live_url: str) -> None:
    async def snapshot(store) -> dict:
        await store.start()
        try:
            path = await store.derived_file(search.CATALOG_FILE, search.build_catalog, 60)
            found = catalog.Catalog.open(path)
            return {
                "terms": dict(found.terms.items()),
                **{
                    name: dict(getattr(found, name).items())
                    for name in ("parents", "types", "parts", "binds")
                },
                "binding_properties": found.binding_properties,
                "entries": found.db.execute(
                    "SELECT term, field, text, key FROM entry ORDER BY term, field, key"
                ).fetchall(),
            }
        finally:
            await store.close()

    settings = limited_settings(row_limit=7)  # pages smaller than the data
    local = asyncio.run(snapshot(EmbeddedStore(limited_settings(), FIXTURE)))
    remote = asyncio.run(snapshot(RemoteStore(settings, live_url + "/sparql")))
    assert local == remote
    assert len(local["terms"]) > 5 and local["binds"] and local["entries"]


def test_catalog_fits_under_a_small_answer_cap() -> None:
    """Pages shrink until each answer fits the byte cap; search still finds the terms."""
    with app_client(max_answer_bytes=2_000) as client:
        first = suggestions(client, "IL-2")[0]
        assert first["id"] == "CYTO:0000100" and first["matched"]["field"] == "exact synonym"
        children = embedded(client, "/api/terms/CYTO:0000001/children")
        assert children == ["CYTO:0000011", "CYTO:0000002"]


def test_queries_are_served_while_the_catalog_is_built(monkeypatch) -> None:
    """The catalog is built after start-up: SPARQL answers at once, /ready says search is
    building, and search waits a bounded time, then answers 503 with Retry-After."""
    built = asyncio.Event()

    async def slow_catalog(self, name, build, timeout):
        await built.wait()  # never set: the catalog is still being built
        raise AssertionError("unreachable")

    monkeypatch.setattr(EmbeddedStore, "derived_file", slow_catalog)
    default_wait = browse.WAIT_S
    monkeypatch.setattr(browse, "WAIT_S", 0.2)
    with app_client() as client:
        assert client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
        ready = client.get("/ready")
        assert ready.status_code == 200 and ready.json()["search"] == "building"
        start = time.monotonic()
        waiting = client.get("/api/suggest", params={"q": "IL-2"})
        # The wait is the one set now, not the default bound when the module was imported.
        assert time.monotonic() - start < default_wait / 2
        assert waiting.status_code == 503 and waiting.headers["retry-after"] == "5"
        assert "being built" in waiting.json()["error"]
        assert client.get("/health").status_code == 200


def test_ready_says_when_search_is_there(release) -> None:
    suggestions(release, "IL-6")  # waits for the catalog if need be
    assert release.get("/ready").json()["search"] == "ready"


def test_a_catalog_that_cannot_be_read_leaves_search_unavailable_not_broken(monkeypatch) -> None:
    """A store that refuses the catalog's reads (e.g. a remote one that is down): search
    answers 503 with the reason (issue 27: it answered "nothing found"), never a 500."""

    async def refused(self, name, build, timeout):
        raise ServeError(503, "the store is down")

    monkeypatch.setattr(EmbeddedStore, "derived_file", refused)
    with app_client() as client:
        assert client.get("/api/suggest", params={"q": "IL-2"}).status_code == 503
        assert client.get("/api/search", params={"q": "IL-2"}).status_code == 503
        assert client.get(f"/api/terms/{IL6}").status_code == 503
        assert client.get("/tree").status_code == 503
        ready = client.get("/ready")
        # /ready tells the empty stand-in from a catalog that is there, and says why.
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert ready.json()["search"] == "unavailable"
        assert "the store is down" in ready.json()["search_detail"]


def _open_catalog_files() -> dict[str, str]:
    """This process's descriptors open on a catalog file (deleted ones too): number -> what
    it points at (`` (deleted)`` at the end for a deleted file)."""
    found = {}
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):  # the descriptor listing itself is gone
            target = os.readlink(fd)
            if search.CATALOG_FILE in target:
                found[fd.name] = target
    return found


def test_a_stopped_server_leaves_no_catalog_connection_open() -> None:
    # The search threads belong to the module and outlive the app: before Catalog.close(),
    # each kept its connection to the (deleted) catalog of every app it had served.
    before = _open_catalog_files().keys()
    with app_client() as client:
        for word in ("interleukin", "IL2", "receptor", "gamma"):
            assert client.get("/api/suggest", params={"q": word}).status_code == 200
        opened = _open_catalog_files().keys() - before
        assert len(opened) >= 2, "the event loop's and a search thread's connections"
    assert not (_open_catalog_files().keys() & opened)


@pytest.mark.slow  # the store loaded twice, the catalog built twice
def test_a_store_loaded_anew_gets_a_new_catalog_and_the_old_one_is_closed(monkeypatch) -> None:
    """The store directory vanishes under a running server: the store is loaded again, and
    search moves to a catalog made from it (before: it kept reading the deleted file)."""
    monkeypatch.setattr(app_module, "RETIRE_S", 0.2)
    with app_client() as client:
        state = client.app.state.cytoowl
        assert client.get("/api/suggest", params={"q": "IL2"}).json()
        old = state.browser
        shutil.rmtree(state.store.directory)

        def until(condition) -> None:
            deadline = time.monotonic() + 60
            while not condition():
                assert time.monotonic() < deadline, "not within 60 s"
                time.sleep(0.1)

        # /ready starts the reload of the store
        until(lambda: client.get("/ready").status_code == 200 and state.store.generation == 1)
        until(
            lambda: (
                client.get("/api/suggest", params={"q": "IL2"}).json()
                and (state.browser is not old)
            )
        )
        assert client.get("/api/suggest", params={"q": "IL2"}).json()
        until(lambda: not old.catalog._opened)  # retired, then closed
        deleted = [t for t in _open_catalog_files().values() if t.endswith("(deleted)")]
        assert not deleted, "a connection to the deleted catalog is still open"
