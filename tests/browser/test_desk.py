"""The desk's flow in a real browser, in both languages: a gold card's QR token pasted as a scanner types it, two gym
sessions recorded and a third refused with its reason."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from accounts.models import User
from accounts.roles import Role
from benefits.models import Use
from cards.tokens import card_token_issue
from tests.browser.conftest import log_in, press, use_language
from tests.factories import issued_card

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "Baiyun-demo-2026"


def record_gym_session(page, minutes: str) -> None:
    Select(page.find_element(By.ID, "id_service")).select_by_index(0)
    Select(page.find_element(By.ID, "id_point")).select_by_index(1)
    page.find_element(By.ID, "id_minutes").clear()
    page.find_element(By.ID, "id_minutes").send_keys(minutes)
    press(page, ".use-form button[type=submit]")


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "zh-hans",
            {
                "valid": "今日有效",
                "left": "区全民健身活动中心：2026年6月剩余 0 次（共 2 次） · 每次最多 120 分钟",
                "refusal": "文化体育服务：持卡人本月（2026年6月）的 2 次免费使用已用 2 次（每个自然月最多 2 次）。"
                "下一次最早可于 2026年7月1日 使用。",
            },
        ),
        (
            "en",
            {
                "valid": "Valid today",
                "left": "District Fitness Centre: 0 of 2 left in June 2026 · at most 120 minutes each",
                "refusal": "Culture and sports: the holder has already used 2 of the 2 free uses of June 2026 (at most "
                "2 per calendar month). The next can be from July 1, 2026.",
            },
        ),
    ],
)
def test_the_demo_desk_records_two_gym_sessions_and_refuses_a_third(page, live_server, signing_key, language, texts):
    # The live server's tests empty the tables afterwards, the role groups of the migration included.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("seed_demo", stdout=io.StringIO())
    card = issued_card(route="gold")
    token = card_token_issue(card=card, lifetime=timedelta(minutes=5))
    use_language(page, live_server, language)
    log_in(page, live_server, username="desk", password=DEMO_PASSWORD)
    assert page.current_url == live_server.url + "/services/desk/"
    page.find_element(By.ID, "id_card").send_keys(token)
    press(page, "#card-check-form button[type=submit]")
    assert page.find_element(By.CSS_SELECTOR, "#card-verdict .verdict-title").text == texts["valid"]
    assert [
        element.text.split("\n")[0] for element in page.find_elements(By.CSS_SELECTOR, ".service-check strong")
    ] == ["4. 文化体育服务" if language == "zh-hans" else "4. Culture and sports"]
    record_gym_session(page, "120")
    record_gym_session(page, "90")
    assert page.find_element(By.CSS_SELECTOR, "#check-4 .quota").text == texts["left"]
    record_gym_session(page, "60")
    assert page.find_element(By.CSS_SELECTOR, "#refusal p").text == texts["refusal"]
    desk = User.objects.get(username="desk").service_desks.get()
    assert list(Use.objects.filter(card=card).values_list("desk", "minutes").order_by("id")) == [
        (desk.pk, 120),
        (desk.pk, 90),
    ]
