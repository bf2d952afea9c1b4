import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from accounts.roles import Role
from applications.models import Application, Submission
from tests.applications.test_uploads import pdf_bytes
from tests.browser.conftest import press
from tests.factories import PASSWORD, EmployerFactory, UserFactory, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(driver, **values) -> None:
    for element_id, value in values.items():
        element = driver.find_element(By.ID, element_id)
        element.clear()
        element.send_keys(value)


def test_from_the_self_check_to_a_submitted_application(page, live_server, tmp_path):
    applicant = UserFactory(username="liming", roles=[Role.APPLICANT])
    employer = EmployerFactory()
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

    # The self-check, then "apply with these answers": the login comes first.
    page.get(live_server.url + "/eligibility/self-check/")
    for element_id in ("id_employer__registered_in_district_0", "id_honour__senior_professional_title_0"):
        element = page.find_element(By.ID, element_id)
        page.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
    press(page, "form.self-check-form button[type=submit]")
    press(page, ".result-actions form button[type=submit]")
    assert "/accounts/login/" in page.current_url
    fill(page, id_username="liming", id_password=PASSWORD)
    press(page, "main form button[type=submit]")
    assert page.current_url == live_server.url + "/applications/start/"
    press(page, "main form button[type=submit]")
    application = Application.objects.get(applicant=applicant)
    assert application.profile["honours"] == ["senior_professional_title"]

    # Identity, contact and employer, eligibility (prefilled), employment.
    fill(page, id_full_name="李明", id_document_number=resident_id())
    press(page, "form.application-form button[type=submit]")
    fill(page, id_mobile="13800138000", id_email="liming@example.org")
    Select(page.find_element(By.ID, "id_employer")).select_by_value(str(employer.pk))
    press(page, "form.application-form button[type=submit]")
    assert page.find_element(By.CSS_SELECTOR, ".evaluation-tier").text == "您的回答符合钻石卡条件。"
    Select(page.find_element(By.ID, "id_requested_tier")).select_by_value("diamond")
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

    # Declaration and submission.
    page.get(live_server.url + f"/applications/{application.pk}/edit/submit/")
    checkbox = page.find_element(By.ID, "id_declaration")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'});", checkbox)
    checkbox.click()
    press(page, "form.application-form button[type=submit]")

    application.refresh_from_db()
    assert page.current_url == live_server.url + f"/applications/{application.pk}/"
    assert application.state == "submitted"
    assert Submission.objects.get(application=application).materials.count() == 7
