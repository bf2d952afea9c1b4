"""Browser tests: one headless Chromium per test session, driven by Selenium against pytest-django's live_server.

Mark tests `@pytest.mark.browser`; take the `page` fixture (the shared browser with no cookies left from an earlier
test) and `live_server`; `use_language(page, live_server, "en")` chooses the language and `log_in(...)` signs in
through the real login page.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Seconds to wait for an element or a page: generous, as CI machines are slow.
WAIT_SECONDS = 15


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium for the whole session, with a fresh profile directory; skipped where it is not installed."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("Chromium and chromedriver are not installed (make test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="baiyun-browser-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,2000",
        "--lang=zh-CN",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(WAIT_SECONDS)
    driver.set_page_load_timeout(WAIT_SECONDS * 4)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, live_server):
    """The shared browser on a blank slate: no cookies (session, language, CSRF) from an earlier test."""
    browser.get(live_server.url + "/")
    browser.delete_all_cookies()
    browser.execute_cdp_cmd("Network.enable", {})
    _request_headers(browser, accept_language="zh-CN,zh;q=0.9")
    yield browser
    # Leave no request of this test running in a server thread into the next test.
    browser.get("about:blank")


def _request_headers(driver, *, accept_language: str) -> None:
    """Headers of every request: the language, and no kept-alive connection.

    The live server's threads share the test database connection; a connection Chromium kept alive would be closed
    by its server thread after the test that opened it has ended, which Django refuses across threads.
    """
    headers = {"Accept-Language": accept_language, "Connection": "close"}
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": headers})


def use_language(driver, live_server, language: str) -> None:
    """Choose the portal's language for the next requests, as the header switch would remember it."""
    _request_headers(driver, accept_language="en-GB,en;q=0.9" if language == "en" else "zh-CN,zh;q=0.9")
    driver.get(live_server.url + "/")
    driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "path": "/"})


def switch_language(driver, language: str) -> None:
    """Press the header's language switch and wait for the page to come back in that language."""
    press(driver, f'.language-switch button[value="{language}"]')


def press(driver, selector: str) -> None:
    """Click a button or link as a user would, and wait until the next page has finished loading."""
    from selenium.webdriver.common.by import By

    html = driver.find_element(By.TAG_NAME, "html")
    element = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()
    wait_for_next_page(driver, html)


def wait_for_next_page(driver, old_html) -> None:
    """Until the page that held `old_html` is gone and its successor is completely loaded."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    def gone(current) -> bool:
        # While the old document is torn down, Chromium may answer "does not belong to the document" rather than
        # the stale element reference selenium waits for: either way the page has gone.
        try:
            return expected_conditions.staleness_of(old_html)(current)
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise

    wait = WebDriverWait(driver, WAIT_SECONDS)
    wait.until(gone)
    wait.until(lambda current: current.execute_script("return document.readyState") == "complete")


def log_in(driver, live_server, *, username: str, password: str) -> None:
    """Sign in through the real login page and wait until it has let us through."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(live_server.url + "/accounts/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, WAIT_SECONDS).until(lambda current: "/accounts/login/" not in current.current_url)
