import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from accounts.roles import Role
from applications.models import Application, Submission
from applications.services import application_transition
from tests.applications.test_uploads import pdf_bytes
from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in, press, wait_for_next_page
from tests.browser.selfcheck_steps import answer_pages, answer_pages_by_keyboard, tab_to
from tests.factories import PASSWORD, EmployerFactory, UserFactory, application_with_materials, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENIOR_TITLE = {
    "employer__registered_in_district": "yes",
    "honour_kinds": ["titles"],
    "honour__senior_professional_title": "yes",
}


def fill(driver, **values) -> None:
    for element_id, value in values.items():
        element = driver.find_element(By.ID, element_id)
        element.clear()
        element.send_keys(value)


def scans_for(tmp_path) -> dict:
    scans = {}
    for code in ("application_form", "identity_document", "degree_certificates", "employment_contract"):
        scans[code] = tmp_path / f"{code}.pdf"
        scans[code].write_bytes(pdf_bytes())
    scans["social_insurance_or_tax"] = tmp_path / "insurance.jpg"
    Image.new("RGB", (800, 600), "white").save(scans["social_insurance_or_tax"], format="JPEG")
    scans["photo"] = tmp_path / "photo.jpg"
    Image.new("RGB", (358, 441), "white").save(scans["photo"], format="JPEG")
    scans["senior_title_certificate"] = tmp_path / "title.pdf"
    scans["senior_title_certificate"].write_bytes(pdf_bytes())
    return scans


def test_from_the_self_check_to_a_submitted_application_with_the_card_preselected(page, live_server, tmp_path):
    applicant = UserFactory(username="liming", roles=[Role.APPLICANT])
    employer = EmployerFactory()
    scans = scans_for(tmp_path)

    # The self-check, then "apply with these answers": the login comes first.
    page.get(live_server.url + "/eligibility/self-check/employer/")
    answer_pages(page, SENIOR_TITLE)
    press(page, "#see-result")
    press(page, ".result-actions form button[type=submit]")
    assert "/accounts/login/" in page.current_url
    fill(page, id_username="liming", id_password=PASSWORD)
    press(page, "main form button[type=submit]")
    assert page.current_url == live_server.url + "/applications/start/"
    assert axe_violations(page) == []
    press(page, "main form button[type=submit]")
    application = Application.objects.get(applicant=applicant)
    assert application.profile["honours"] == ["senior_professional_title"]
    assert (application.requested_tier, application.claimed_criteria) == ("diamond", ["D11"])

    # Identity, contact and employer, eligibility (the card chosen already), employment. Each page is checked once
    # its "saved" message is gone: that message list belongs to the site's base template.
    page.refresh()
    assert axe_violations(page) == []
    fill(page, id_full_name="李明", id_document_number=resident_id())
    press(page, "form.application-form button[type=submit]")
    fill(page, id_mobile="13800138000", id_email="liming@example.org")
    Select(page.find_element(By.ID, "id_employer")).select_by_value(str(employer.pk))
    press(page, "form.application-form button[type=submit]")
    assert page.find_element(By.CSS_SELECTOR, ".evaluation-tier").text == "您的回答符合钻石卡条件。"
    assert Select(page.find_element(By.ID, "id_requested_tier")).first_selected_option.get_attribute("value") == (
        "diamond"
    )
    assert page.find_element(By.ID, "id_claimed_criteria_0").is_selected()
    page.refresh()
    assert axe_violations(page) == []
    press(page, "form.application-form button[type=submit]")
    page.execute_script("document.getElementById('id_contract_valid_until').value = '2028-12-31';")
    fill(page, id_insurance_months="12")
    press(page, "form.application-form button[type=submit]")

    # Materials: every item of the checklist, uploaded with progress.
    for code, path in scans.items():
        page.find_element(By.ID, f"id_files-{code}").send_keys(str(path))
        if code != "photo":
            # 申领指南 六（一）: each scan says whether it is of the original.
            page.execute_script(f"document.getElementById('id_scan_of-{code}_0').checked = true;")
    press(page, "form.materials-form button[type=submit]")
    assert page.find_elements(By.CSS_SELECTOR, ".material-item.missing") == []
    page.refresh()
    assert axe_violations(page) == []

    # Declaration and submission; every task completed.
    page.get(live_server.url + f"/applications/{application.pk}/edit/submit/")
    statuses = [status.text for status in page.find_elements(By.CSS_SELECTOR, ".task-status")]
    assert statuses == ["已完成"] * 5
    checkbox = page.find_element(By.ID, "id_declaration")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'});", checkbox)
    checkbox.click()
    press(page, "form.application-form button[type=submit]")

    application.refresh_from_db()
    assert page.current_url == live_server.url + f"/applications/{application.pk}/"
    assert application.state == "submitted"
    assert Submission.objects.get(application=application).materials.count() == 7


def test_a_return_for_supplement_leads_to_the_material_asked_for_and_is_resubmitted(page, live_server, tmp_path):
    applicant = UserFactory(roles=[Role.APPLICANT])
    application = application_with_materials(applicant=applicant, route="gold", submit=True)
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(application.department)
    application_transition(
        application_id=application.pk,
        name="return_for_supplement",
        actor=reviewer,
        reasons="学位证书扫描件不清晰。",
        supplement_items=["degree_certificates"],
    )
    scan = tmp_path / "degree.pdf"
    scan.write_bytes(pdf_bytes())

    log_in(page, live_server, username=applicant.username, password=PASSWORD)
    page.get(live_server.url + f"/applications/{application.pk}/")
    press(page, "p.actions a.button")
    assert page.current_url == (
        live_server.url + f"/applications/{application.pk}/edit/materials/#item-degree_certificates"
    )
    requested = page.find_element(By.CSS_SELECTOR, ".material-item.requested")
    assert requested.get_attribute("aria-labelledby") == "item-degree_certificates"
    assert "需补正" in requested.text
    assert axe_violations(page) == []
    page.find_element(By.ID, "id_files-degree_certificates").send_keys(str(scan))
    page.execute_script("document.getElementById('id_scan_of-degree_certificates_0').checked = true;")
    press(page, "form.materials-form .form-actions button[type=submit]")
    assert page.find_elements(By.CSS_SELECTOR, ".material-item.requested") == []

    page.get(live_server.url + f"/applications/{application.pk}/edit/submit/")
    checkbox = page.find_element(By.ID, "id_declaration")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'});", checkbox)
    checkbox.click()
    press(page, "form.application-form button[type=submit]")
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.submissions.count() == 2


def keyboard_fill(driver, element_id: str, text: str) -> None:
    focused = tab_to(driver, element_id)
    focused.send_keys(Keys.CONTROL, "a")
    focused.send_keys(text)


def keyboard_date(driver, element_id: str, *, year: str, month: str, day: str) -> None:
    """Type a date into the date picker segment by segment, in the order the browser's locale shows them."""
    order = driver.execute_script(
        "return new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2028, 11, 31))"
        ".map((part) => part.type).filter((type) => ['year', 'month', 'day'].includes(type));"
    )
    values = {"year": year, "month": month, "day": day}
    tab_to(driver, element_id).send_keys(*[values[part] for part in order])
    assert driver.find_element(By.ID, element_id).get_attribute("value") == f"{year}-{month}-{day}"


def keyboard_press(driver, element) -> None:
    """Tab to a button and press Enter, then wait for the next page."""
    html = driver.find_element(By.TAG_NAME, "html")
    if not element.get_attribute("id"):
        driver.execute_script("arguments[0].id = 'keyboard-target';", element)
    tab_to(driver, element.get_attribute("id")).send_keys(Keys.ENTER)
    wait_for_next_page(driver, html)


def test_the_self_check_and_the_application_by_keyboard_alone(page, live_server, tmp_path):
    applicant = UserFactory(username="wangfang", roles=[Role.APPLICANT])
    employer = EmployerFactory(name="广州白云键盘科技有限公司")
    scans = scans_for(tmp_path)

    page.get(live_server.url + "/eligibility/self-check/")
    html = page.find_element(By.TAG_NAME, "html")
    tab_to(page, "start-self-check").send_keys(Keys.ENTER)
    wait_for_next_page(page, html)
    answer_pages_by_keyboard(page, SENIOR_TITLE)
    keyboard_press(page, page.find_element(By.ID, "see-result"))
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, ".result-actions form button[type=submit]"))
    keyboard_fill(page, "id_username", "wangfang")
    keyboard_fill(page, "id_password", PASSWORD)
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    application = Application.objects.get(applicant=applicant)

    submit = "form.application-form button[type=submit]"
    keyboard_fill(page, "id_full_name", "王芳")
    keyboard_fill(page, "id_document_number", resident_id())
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, submit))
    keyboard_fill(page, "id_mobile", "13800138000")
    keyboard_fill(page, "id_email", "wangfang@example.org")
    # The employer list narrowed by typing, then chosen with the arrow key.
    keyboard_fill(page, "id_employer_search", "键盘")
    tab_to(page, "id_employer").send_keys(Keys.ARROW_DOWN)
    assert Select(page.find_element(By.ID, "id_employer")).first_selected_option.get_attribute("value") == str(
        employer.pk
    )
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, submit))
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, submit))
    keyboard_date(page, "id_contract_valid_until", year="2028", month="12", day="31")
    keyboard_fill(page, "id_insurance_months", "12")
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, submit))
    assert page.current_url.endswith("/edit/materials/"), page.find_element(By.TAG_NAME, "main").text[:600]
    for code, path in scans.items():
        # A file input takes its file from the keyboard's Enter in a dialog; the driver hands the path over.
        tab_to(page, f"id_files-{code}").send_keys(str(path))
        if code != "photo":
            tab_to(page, f"id_scan_of-{code}_0").send_keys(Keys.SPACE)
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, "form.materials-form .form-actions button[type=submit]"))
    keyboard_press(page, page.find_element(By.LINK_TEXT, "继续提交"))
    tab_to(page, "id_declaration").send_keys(Keys.SPACE)
    keyboard_press(page, page.find_element(By.CSS_SELECTOR, submit))

    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.contract_valid_until.isoformat() == "2028-12-31"
