"""Headless Chromium on the real release: find a term from the search box, browse the class
tree, read a receptor complex's diagram and a family's network, run a query in YASGUI.
Screenshots of each page go to ``var/screenshots/`` (see browser_fixtures)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browser_fixtures import browser, screenshot, wait_for  # noqa: F401 - fixture
from server_fixtures import live_server, release_built
from tools import skip_or_fail

pytestmark = pytest.mark.slow
IL6 = "/CYTO_0001140"
IL6R_COMPLEX = "/CYTO_0003011"
IL1_FAMILY = "/CYTO_0000008"


@pytest.fixture(scope="module")
def release_url() -> Iterator[str]:
    if not release_built():
        skip_or_fail("release not built yet (cytoowl build)")
    with live_server(root=None) as base:
        yield base


def test_search_box_suggests_and_opens_the_term(browser, release_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(release_url + "/")
    box = wait_for(browser, "header input[type=search]")
    box.send_keys("IL-6")
    first = wait_for(browser, "#site-suggestions li")
    WebDriverWait(browser, 10).until(lambda _: "interleukin 6" in first.text)
    screenshot(browser, "suggest-IL-6")
    assert first.text.startswith("interleukin 6"), first.text
    first.click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith(IL6))
    assert wait_for(browser, "#label").text == "interleukin 6"
    path = browser.find_element(By.ID, "ancestors").text
    assert "cytokine" in path and "long-chain four-alpha-helix cytokine" in path
    screenshot(browser, "term-IL6")


def test_keyboard_pick_of_a_typo(browser, release_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(release_url + "/tree")
    box = wait_for(browser, "#site-search")
    box.send_keys("interleukn 6")
    first = wait_for(browser, "#site-suggestions li")
    WebDriverWait(browser, 10).until(lambda _: "interleukin 6" in first.text)
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith(IL6))


def test_search_page_without_javascript_pick(browser, release_url: str) -> None:  # noqa: F811
    browser.get(release_url + "/search?q=P05231")
    results = wait_for(browser, "#search-results")
    assert results.text.startswith("interleukin 6"), results.text
    assert "UniProtKB:P05231" in results.text
    screenshot(browser, "search-P05231")


def test_class_tree_opens_down_to_members(browser, release_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(release_url + "/tree")
    tree = wait_for(browser, "#class-tree")
    cytokine = tree.find_element(By.CSS_SELECTOR, "details[data-iri$='CYTO_0000001']")
    assert cytokine.get_attribute("open") is not None
    count = int(cytokine.find_element(By.CSS_SELECTOR, "summary .count").text)
    assert count > 100  # every cytokine gene product is a member
    family = cytokine.find_element(By.CSS_SELECTOR, "details[data-iri$='CYTO_0000008']")
    assert not family.find_element(By.CSS_SELECTOR, ".members").is_displayed()
    family.find_element(By.CSS_SELECTOR, "summary").click()
    members = family.find_element(By.CSS_SELECTOR, ".members")
    assert members.is_displayed() and "interleukin 1 beta" in members.text
    screenshot(browser, "tree")


def test_receptor_complex_diagram_marks_the_shared_chain(browser, release_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(release_url + IL6R_COMPLEX)
    svg = wait_for(browser, "svg#complex-diagram")
    chains = {
        g.get_attribute("data-chain"): g.get_attribute("class")
        for g in svg.find_elements(By.CSS_SELECTOR, "g[data-chain]")
    }
    assert chains == {"IL6R": "chain", "IL6ST": "shared"}
    assert "IL6" in svg.text  # the ligand, above the membrane
    screenshot(browser, "complex-IL-6R")


def test_family_network_picture(browser, release_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(release_url + IL1_FAMILY)
    svg = wait_for(browser, "svg#family-network")
    assert svg.find_elements(By.CSS_SELECTOR, "path.edge")
    assert "IL1B" in svg.text and "binds receptor" in svg.text
    screenshot(browser, "network-IL-1-family")


def open_query_editor(driver, release_url: str) -> None:
    """The query page with YASGUI loaded (fails under CI when it is not installed)."""
    driver.get(release_url + "/sparql")
    wait_for(driver, "#examples .tab")
    if not driver.execute_script("return Boolean(window.cytoowlYasqe)"):
        skip_or_fail("YASGUI is not installed: run scripts/assets.sh (needs npm)")


def test_query_editor_runs_and_shows_a_table(browser, release_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    open_query_editor(browser, release_url)
    assert browser.find_elements(By.CSS_SELECTOR, "#yasqe-host .CodeMirror .cm-keyword")
    browser.find_element(By.CSS_SELECTOR, "#examples .tab").click()
    browser.find_element(By.ID, "run").click()
    table = wait_for(browser, "#results table.dataTable", timeout=30)
    WebDriverWait(browser, 15).until(
        lambda _: "result(s)" in browser.find_element(By.ID, "status").text
    )
    links = table.find_elements(By.CSS_SELECTOR, "a[href^='/CYTO_']")
    assert links, "term IRIs link to the term pages here"
    assert browser.find_element(By.ID, "download-csv").is_enabled()
    screenshot(browser, "query")


def test_query_editor_shows_the_server_error(browser, release_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    open_query_editor(browser, release_url)
    browser.execute_script("window.cytoowlYasqe.setValue('SELECT * WHERE { ?s ?p }')")
    browser.find_element(By.ID, "run").click()
    error = wait_for(browser, "#error:not([hidden])")
    assert "parse" in error.text.lower() or "syntax" in error.text.lower() or "400" in error.text
