"""Hostile input, issue 27, in a real browser: the Content-Security-Policy of every HTML
answer leaves the pages working (the YASGUI query page, the search box, the tree), and the
browser reports no violation of it."""

from __future__ import annotations

import pytest

from browser_fixtures import browser, wait_for  # noqa: F401 - fixture
from server_fixtures import live_url  # noqa: F401 - fixture
from test_server_browser import editor_text, wait_until_text, yasgui

pytestmark = pytest.mark.slow


def csp_violations(driver) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def test_query_page_runs_a_query_under_the_csp(browser, live_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(live_url + "/sparql")
    browser.get_log("browser")  # start from this page's messages
    browser.get(live_url + "/sparql")
    assert yasgui(browser), "YASGUI did not start under the CSP"
    browser.find_elements(By.CSS_SELECTOR, "#examples .tab")[1].click()
    assert "CYTO_0000011" in editor_text(browser)
    browser.find_element(By.ID, "run").click()
    table = wait_for(browser, "#results table")
    wait_until_text(browser, table, "interleukin-4")
    assert csp_violations(browser) == []


@pytest.mark.parametrize("path", ["/", "/tree", "/CYTO_0000100", "/validate", "/search?q=il"])
def test_pages_load_without_csp_violations(browser, live_url: str, path: str) -> None:  # noqa: F811
    browser.get(live_url + path)
    wait_for(browser, "main, body")
    assert csp_violations(browser) == []


def test_a_violation_would_be_seen(browser, live_url: str) -> None:  # noqa: F811
    """The check above can fail: an inline script on a served page is reported."""
    browser.get(live_url + "/")
    browser.get_log("browser")
    browser.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        "document.body.appendChild(s);"
    )
    assert browser.execute_script("return window.x") is None
    assert csp_violations(browser), "the browser log shows no CSP report"
