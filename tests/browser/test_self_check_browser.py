import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from accounts.roles import Role
from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in, press, switch_language, use_language, wait_for_next_page
from tests.browser.selfcheck_steps import answer_pages, answer_pages_by_keyboard, tab_to
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

NOT_SURE_OF_THE_TITLE = {
    "employer__registered_in_district": "yes",
    "honour_kinds": ["titles"],
    "honour__senior_professional_title": "unsure",
}


def start(page, live_server):
    """From the home page's link to the first question."""
    page.get(live_server.url + "/")
    html = page.find_element(By.TAG_NAME, "html")
    page.find_element(By.LINK_TEXT, "我能申领吗？").click()
    wait_for_next_page(page, html)
    assert page.find_element(By.TAG_NAME, "h1").text == "我能申领吗？"
    press(page, "#start-self-check")


def test_self_check_with_a_not_sure_answer_says_what_it_depends_on(page, live_server):
    start(page, live_server)
    seen = answer_pages(page, NOT_SURE_OF_THE_TITLE)
    assert seen == [
        "employer",
        "exclusions",
        "honours",
        "honours-titles",
        "education",
        "enterprise",
        "founder",
        "case-by-case",
    ]
    rows = [row.text for row in page.find_elements(By.CSS_SELECTOR, ".summary-row dt")]
    assert "正高级以上专业技术资格" in rows
    press(page, "#see-result")
    summary = page.find_element(By.ID, "result-summary").text
    assert summary == (
        "根据您已确定的回答，暂不符合认定条件；结果取决于您回答“不确定”的问题。\n"
        "若您对“正高级以上专业技术资格”的回答是“是”，可申领云聚英才钻石卡。"
    )
    assert page.find_elements(By.CSS_SELECTOR, ".tier-badge-none") == []
    switch_language(page, "en")
    assert page.find_element(By.CSS_SELECTOR, ".result-condition").text == (
        "If your answer to “Full senior professional title or higher” is “Yes”, you could apply for the Diamond card."
    )


def test_self_check_a_doctorate_not_sure_of_the_title_is_gold_and_perhaps_diamond_in_english(page, live_server):
    use_language(page, live_server, "en")
    page.get(live_server.url + "/eligibility/self-check/employer/")
    answer_pages(
        page,
        {
            **NOT_SURE_OF_THE_TITLE,
            "education__degree": "doctorate",
            "education__postgraduate": "yes",
        },
    )
    press(page, "#see-result")
    assert page.find_element(By.CSS_SELECTOR, "#result-summary .lead").text == (
        "From your answers you could apply for the Gold card."
    )
    unlock = page.find_element(By.CSS_SELECTOR, ".unlock").text
    assert "Diamond card · Expert holding a full senior professional title or higher (Art. 3(1) item 11)" in unlock
    assert "D11" not in page.find_element(By.TAG_NAME, "main").text


def test_self_check_unanswered_page_shows_the_error_summary_and_leads_to_the_question(page, live_server):
    page.get(live_server.url + "/eligibility/self-check/employer/")
    press(page, "#continue-button")
    summary = page.find_element(By.CSS_SELECTOR, ".error-summary")
    links = summary.find_elements(By.TAG_NAME, "a")
    assert links[0].text == "您所在单位是否在白云区注册？ 请选择“是”“否”或“不确定”。"
    links[0].click()
    assert page.switch_to.active_element.get_attribute("id") == "id_employer__registered_in_district_0"


def test_self_check_by_keyboard_alone(page, live_server):
    page.get(live_server.url + "/eligibility/self-check/")
    html = page.find_element(By.TAG_NAME, "html")
    tab_to(page, "start-self-check").send_keys(Keys.ENTER)
    wait_for_next_page(page, html)
    answer_pages_by_keyboard(page, {**NOT_SURE_OF_THE_TITLE, "honour__senior_professional_title": "yes"})
    html = page.find_element(By.TAG_NAME, "html")
    tab_to(page, "see-result").send_keys(Keys.ENTER)
    wait_for_next_page(page, html)
    assert (
        page.find_element(By.CSS_SELECTOR, "#result-summary .lead").text == "根据您的回答，您可以申领云聚英才钻石卡。"
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_self_check_pages_have_no_serious_accessibility_violation(page, live_server, language):
    use_language(page, live_server, language)
    page.get(live_server.url + "/eligibility/self-check/")
    assert axe_violations(page) == []
    page.get(live_server.url + "/eligibility/self-check/employer/")
    assert axe_violations(page) == []
    press(page, "#continue-button")
    assert axe_violations(page) == []
    answer_pages(page, NOT_SURE_OF_THE_TITLE)
    assert axe_violations(page) == []
    press(page, "#see-result")
    assert axe_violations(page) == []


def test_log_in_helper_signs_in_through_the_login_page(page, live_server):
    user = UserFactory(roles=[Role.APPLICANT])
    log_in(page, live_server, username=user.username, password=PASSWORD)
    assert page.find_element(By.CSS_SELECTOR, ".user-name").text == str(user)
