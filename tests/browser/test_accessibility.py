"""The main pages checked by axe-core in a real browser, and a reviewer working on a phone-sized window.

axe-core is the vendored tests/browser/vendor/axe-core-4.14.1.min.js (MPL-2.0), injected into each page as the
browser's developer tools would: the portal's Content-Security-Policy stays as it is.
"""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from selenium.webdriver.common.by import By

from accounts.roles import Role
from accounts.services import DEMO_PASSWORD
from applications.models import Application
from applications.workflow import State
from tests.browser.conftest import log_in, press, use_language

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1.min.js"
# The rules of WCAG 2.1 A and AA; a violation of these rated serious or critical fails the page.
AXE_RUN = """
const done = arguments[arguments.length - 1];
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then((results) => done(results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({id: violation.id, impact: violation.impact,
                          targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" "))}))))
  .catch((error) => done([{id: "axe-error", impact: "critical", targets: [String(error)]}]));
"""


def demo_seeded() -> None:
    # The live server's tests empty the tables afterwards, the role groups of the migration included.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("seed_demo", stdout=io.StringIO())


def axe_violations(page) -> list[dict]:
    page.set_script_timeout(60)
    page.execute_script(AXE.read_text(encoding="utf-8"))
    return page.execute_async_script(AXE_RUN)


def demo_application(username: str) -> int:
    return Application.objects.filter(applicant__username=username).order_by("-id").values_list("pk", flat=True)[0]


def test_axe_reports_what_it_is_asked_to_find(page, live_server):
    # The check itself: an image without a text alternative is a critical violation.
    page.get(live_server.url + "/")
    page.execute_script("document.querySelector('main').appendChild(document.createElement('img')).src = '/x.png';")
    assert [violation["id"] for violation in axe_violations(page)] == ["image-alt"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_main_pages_have_no_serious_accessibility_violation(page, live_server, signing_key, language):
    demo_seeded()
    use_language(page, live_server, language)
    review_file = reverse("reviews:application", kwargs={"pk": demo_application("demo-zhou")})
    pages = [
        ("", "/"),
        ("", reverse("accounts:login")),
        ("", reverse("accounts:register")),
        ("", reverse("benefits:catalogue")),
        ("", reverse("cards:verify")),
        ("department", reverse("reviews:queue", kwargs={"role": "department_reviewer"})),
        ("department", reverse("reviews:statistics")),
        ("hr", reverse("reviews:queue", kwargs={"role": "hr_reviewer"})),
        ("hr", review_file),
        ("hr", reverse("reviews:statistics")),
        ("talent", reverse("reviews:queue", kwargs={"role": "talent_office"})),
        ("auditor", reverse("reviews:queue", kwargs={"role": "auditor"})),
        ("demo-lin", reverse("cards:mine")),
        ("demo-lin", reverse("benefits:mine")),
        ("desk", reverse("benefits:desk")),
    ]
    found = {}
    signed_in = ""
    for username, path in pages:
        if username != signed_in:
            page.delete_all_cookies()
            use_language(page, live_server, language)
            if username:
                log_in(page, live_server, username=username, password=DEMO_PASSWORD)
            signed_in = username
        page.get(live_server.url + path)
        assert page.find_element(By.TAG_NAME, "h1").text
        violations = axe_violations(page)
        if violations:
            found[f"{username or 'anonymous'} {path}"] = violations
    assert found == {}


def test_a_reviewer_on_a_phone_reads_the_queue_as_cards_and_returns_an_application(page, live_server):
    demo_seeded()
    use_language(page, live_server, "zh-hans")
    log_in(page, live_server, username="department", password=DEMO_PASSWORD)
    application_id = demo_application("demo-wu")
    page.set_window_size(390, 844)
    try:
        page.get(live_server.url + reverse("reviews:queue", kwargs={"role": "department_reviewer"}))
        # Nothing is off-screen: the page is no wider than the phone.
        assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        # The filters are folded away; each application is a card whose cells carry their column's name.
        assert page.find_element(By.CSS_SELECTOR, "details.queue-filters-fold").get_attribute("open") is None
        row = page.find_element(By.CSS_SELECTOR, f'tr[data-application="{application_id}"]')
        assert row.value_of_css_property("display") == "block"
        cells = row.find_elements(By.CSS_SELECTOR, "td[data-label]")
        assert [cell.get_attribute("data-label") for cell in cells] == [
            "姓名",
            "申领类型",
            "层级",
            "所在单位",
            "行业主管部门",
            "状态",
            "提交时间",
            "当前环节用时",
        ]
        assert all(cell.rect["x"] + cell.rect["width"] <= 390 for cell in cells)
        assert all(cell.value_of_css_property("display") == "grid" for cell in cells)

        press(page, f'tr[data-application="{application_id}"] td.cell-number a')
        assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        form = '[data-transition="return_for_supplement"]'
        page.find_element(By.CSS_SELECTOR, f"{form} input[name='return_for_supplement-supplement_items']").click()
        page.find_element(By.ID, "id_return_for_supplement-reasons").send_keys("学历学位证书扫描件不清晰。")
        # Without the confirmation the browser does not send the return.
        button = page.find_element(By.CSS_SELECTOR, f"{form} button[type=submit]")
        page.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()
        assert Application.objects.get(pk=application_id).state == State.SUBMITTED
        page.find_element(By.ID, "id_return_for_supplement-confirm").click()
        press(page, f"{form} button[type=submit]")
        assert Application.objects.get(pk=application_id).state == State.RETURNED
        assert "需补正的材料：" in page.find_element(By.CSS_SELECTOR, ".supplement-items").text
    finally:
        page.set_window_size(1280, 2000)
