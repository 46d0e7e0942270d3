"""A headless Chromium (Debian's) opens the landing page, a term page and the query page,
and runs an example query through the page's own JavaScript."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser_fixtures import browser, wait_for  # noqa: F401 - fixture
from tools import CHECKOUT

pytestmark = pytest.mark.slow


def test_landing_page(browser, live_url: str) -> None:  # noqa: F811
    browser.get(live_url + "/")
    assert "cytoowl" in browser.title
    downloads = wait_for(browser, "#downloads")
    assert "cytoowl.ttl" in downloads.text
    assert "2026-11-21" in wait_for(browser, "#version").text


def test_term_page(browser, live_url: str) -> None:  # noqa: F811
    browser.get(live_url + "/CYTO_0000100")
    assert wait_for(browser, "#label").text == "interleukin-2"
    assert "IL2 gene product" in wait_for(browser, "#definition").text
    parents = wait_for(browser, "#parents")
    assert "IL-2 subfamily cytokine" in parents.text


def test_query_page_runs_an_example(browser, live_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(live_url + "/sparql")
    tabs = browser.find_elements(By.CSS_SELECTOR, "#examples .tab")
    assert [t.text for t in tabs] == [
        "IL-2 subfamily cytokines",
        "Cytokines of the common gamma chain",
    ]
    tabs[1].click()
    assert "CYTO_0000011" in editor_text(browser)
    browser.find_element(By.ID, "run").click()
    table = wait_for(browser, "#results table" if yasgui(browser) else "#results-table")
    wait_until_text(browser, table, "interleukin-4")
    assert "interleukin-2" in table.text and "interleukin-4" in table.text
    assert "result(s)" in browser.find_element(By.ID, "status").text


def yasgui(driver) -> bool:
    return driver.execute_script("return Boolean(window.cytoowlYasqe)")


def editor_text(driver) -> str:
    """The query in the editor: YASGUI's when it is installed, else the textarea."""
    if yasgui(driver):
        return driver.execute_script("return window.cytoowlYasqe.getValue()")
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, "query").get_attribute("value")


def wait_until_text(driver, element, text: str, timeout: float = 15) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda _: text in element.text)


def test_validate_form_reports_a_violation_in_a_table(browser, live_url: str, tmp_path) -> None:  # noqa: F811
    """From the landing page to the form; pasted data with a negative value gives a table row."""
    from selenium.webdriver.common.by import By

    browser.get(live_url + "/")
    wait_for(browser, "#validate-link").click()
    area = wait_for(browser, "#data")
    example = (CHECKOUT.examples_dir / "cytokine-measurements.ttl").read_text()
    bad = example.replace("qudt:numericValue 3.8", "qudt:numericValue -3.8")
    browser.execute_script("arguments[0].value = arguments[1];", area, bad)
    browser.find_element(By.ID, "submit").click()
    report = wait_for(browser, "#report", timeout=60)
    assert "does not conform: 1 violation" in wait_for(browser, "#verdict").text
    assert "Violation" in report.text and "non-negative number" in report.text
    assert wait_for(browser, "#mode").text == "data"
    browser.set_window_size(1280, 1400)
    browser.execute_script("arguments[0].scrollIntoView();", wait_for(browser, "#verdict"))
    shot = Path(os.environ.get("CYTOOWL_SCREENSHOTS", tmp_path)) / "validate.png"
    browser.save_screenshot(str(shot))
