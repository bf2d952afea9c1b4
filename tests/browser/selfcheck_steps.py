"""Answering the self-check's question pages in the browser, by mouse or by keyboard alone."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import WAIT_SECONDS, press, wait_for_next_page

ANSWERS_PATH = "/eligibility/self-check/answers/"
# What a page's question gets where the test says nothing: no, not applicable, none of these, a zero amount.
DEFAULTS = ("no", "not_applicable", "none")


def _groups(driver) -> dict[str, list]:
    groups: dict[str, list] = {}
    for element in driver.find_elements(
        By.CSS_SELECTOR, "form.self-check-form input[type=radio], form.self-check-form input[type=checkbox]"
    ):
        groups.setdefault(element.get_attribute("name"), []).append(element)
    return groups


def _targets(driver, answers: dict) -> list[tuple[str, str]]:
    """(element id, text to type or "" to tick) for every question of the page, in the page's order."""
    targets = []
    for name, elements in _groups(driver).items():
        wanted = answers.get(name)
        values = wanted if isinstance(wanted, list) else [wanted]
        if wanted is None:
            available = [element.get_attribute("value") for element in elements]
            values = [next(value for value in DEFAULTS if value in available)]
        for element in elements:
            if element.get_attribute("value") in values:
                targets.append((element.get_attribute("id"), ""))
    for element in driver.find_elements(
        By.CSS_SELECTOR, "form.self-check-form input.money-amount, form.self-check-form input[type=date]"
    ):
        name = element.get_attribute("name")
        targets.append((element.get_attribute("id"), answers.get(name, "0" if "yuan" in name else "2023-03-01")))
    return targets


def answer_pages(driver, answers: dict) -> list[str]:
    """Answer every page until "check your answers", clicking; the slugs of the pages seen."""
    seen = []
    while ANSWERS_PATH not in driver.current_url:
        seen.append(driver.current_url.rstrip("/").rsplit("/", 1)[-1])
        for element_id, text in _targets(driver, answers):
            element = driver.find_element(By.ID, element_id)
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
            if text:
                element.clear()
                if element.get_attribute("type") == "date":
                    driver.execute_script("arguments[0].value = arguments[1];", element, text)
                else:
                    element.send_keys(text)
            elif not element.is_selected():
                element.click()
        press(driver, "form.self-check-form button[type=submit]")
    return seen


def tab_to(driver, element_id: str, *, limit: int = 300) -> object:
    """Press Tab until the element has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        active = driver.switch_to.active_element
        if active.get_attribute("id") == element_id:
            return active
        # Pressed on the keyboard, not typed into the element: a file input would take typed text for a path.
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def answer_pages_by_keyboard(driver, answers: dict) -> list[str]:
    """As answer_pages, with the keyboard alone: Tab to each answer, Space to choose it, Enter to go on.

    Radio buttons of one group take one Tab stop; the arrow keys move within it, as browsers do.
    """
    seen = []
    while ANSWERS_PATH not in driver.current_url:
        seen.append(driver.current_url.rstrip("/").rsplit("/", 1)[-1])
        for element_id, text in _targets(driver, answers):
            element = driver.find_element(By.ID, element_id)
            if element.get_attribute("type") == "radio":
                group = _groups(driver)[element.get_attribute("name")]
                first = group[0]
                tab_to(driver, first.get_attribute("id"))
                for _ in range(group.index(element)):
                    driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
                driver.switch_to.active_element.send_keys(Keys.SPACE)
            else:
                focused = tab_to(driver, element_id)
                if text:
                    focused.send_keys(text)
                else:
                    focused.send_keys(Keys.SPACE)
            assert text or driver.find_element(By.ID, element_id).is_selected(), element_id
        html = driver.find_element(By.TAG_NAME, "html")
        tab_to(driver, "continue-button").send_keys(Keys.ENTER)
        wait_for_next_page(driver, html)
    return seen


__all__ = ["WAIT_SECONDS", "answer_pages", "answer_pages_by_keyboard", "tab_to"]
