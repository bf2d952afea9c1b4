import pytest
from selenium.webdriver.common.by import By

from accounts.roles import Role
from tests.browser.conftest import log_in, press, switch_language, use_language, wait_for_next_page
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def choose(driver, *ids):
    """Tick radio buttons by id, scrolling each into view as a user would."""
    for element_id in ids:
        element = driver.find_element(By.ID, element_id)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
        assert element.is_selected()


def submit(driver):
    """Send the questionnaire and wait for the next page."""
    press(driver, "form.self-check-form button[type=submit]")


def test_self_check_in_chinese_then_the_result_in_english(page, live_server):
    page.get(live_server.url + "/")
    html = page.find_element(By.TAG_NAME, "html")
    page.find_element(By.LINK_TEXT, "我能申领吗？").click()
    wait_for_next_page(page, html)
    assert page.find_element(By.TAG_NAME, "h1").text == "我能申领吗？"
    choose(page, "id_employer__registered_in_district_0", "id_honour__senior_professional_title_0")
    submit(page)
    assert page.current_url == live_server.url + "/eligibility/self-check/result/"
    assert page.find_element(By.ID, "result-summary").text == "根据您的回答，您可以申领云聚英才钻石卡。"
    assert page.find_element(By.CSS_SELECTOR, ".evaluation-tier").text == "钻石卡"
    switch_language(page, "en")
    assert page.current_url == live_server.url + "/eligibility/self-check/result/"
    assert page.find_element(By.ID, "result-summary").text == "From your answers you could apply for the Diamond card."


def test_self_check_in_english_with_an_unsure_answer(page, live_server):
    use_language(page, live_server, "zh-hans")
    page.get(live_server.url + "/eligibility/self-check/")
    switch_language(page, "en")
    assert page.find_element(By.TAG_NAME, "h1").text == "Am I eligible?"
    choose(
        page,
        "id_employer__pays_tax_in_district_0",
        "id_education__degree_0",
        "id_education__postgraduate_0",
        "id_honour__senior_professional_title_2",
    )
    submit(page)
    assert page.find_element(By.ID, "result-summary").text == "From your answers you could apply for the Gold card."
    unlock = page.find_element(By.CSS_SELECTOR, ".unlock").text
    assert "Diamond card · D11 Expert holding a full senior professional title or higher" in unlock
    assert "Full senior professional title certificate" in unlock


def test_self_check_hides_enterprise_figures_until_a_role_is_chosen(page, live_server):
    use_language(page, live_server, "en")
    page.get(live_server.url + "/eligibility/self-check/")
    tax = page.find_element(By.ID, "id_enterprise__district_tax_yuan")
    assert tax.is_displayed() is False
    choose(page, "id_enterprise__role_0")
    assert tax.is_displayed() is True


def test_log_in_helper_signs_in_through_the_login_page(page, live_server):
    user = UserFactory(roles=[Role.APPLICANT])
    log_in(page, live_server, username=user.username, password=PASSWORD)
    assert page.find_element(By.CSS_SELECTOR, ".user-name").text == str(user)
