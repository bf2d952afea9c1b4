"""免申即享 end to end: an employer's roster leads to invitations, one of them to a submitted application filled from
the roster with the consent recorded; the department's G12 list changes a row's result; the office's funnel counts."""

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from accounts.models import VerificationMessage
from accounts.roles import Role
from applications.models import Application
from rosters.models import Consent, Invitation, Roster, RosterStatus
from tests.applications.test_uploads import pdf_bytes
from tests.browser.conftest import log_in, press
from tests.factories import PASSWORD, DepartmentFactory, EmployerFactory, UserFactory
from tests.rosters.helpers import roster_bytes, ten_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page, live_server) -> None:
    page.get(live_server.url + "/")
    press(page, "form[action='/accounts/logout/'] button")


def rows_reached(page) -> dict[int, str]:
    return {
        int(row.get_attribute("data-row")): row.find_element(By.CSS_SELECTOR, ".row-tier").text
        for row in page.find_elements(By.CSS_SELECTOR, "tr.roster-row")
    }


def test_a_roster_leads_to_invitations_an_application_and_the_funnel(page, live_server, tmp_path):
    department = DepartmentFactory(code="industry", name="区工业和信息化局", name_en="Industry Bureau")
    employer = EmployerFactory(department=department)
    EmployerFactory(department=department, name="广州未报送科技有限公司")
    officer = UserFactory(username="hr-officer", roles=[Role.EMPLOYER])
    officer.employers.add(employer)
    reviewer = UserFactory(username="dept-reviewer", roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(department)
    UserFactory(username="talent-office", roles=[Role.TALENT_OFFICE])
    person = UserFactory(username="doctor", roles=[Role.APPLICANT], mobile="13900000002", email="doc@example.org")
    roster_path = tmp_path / "staff.xlsx"
    roster_path.write_bytes(roster_bytes(ten_staff()))

    # The officer uploads ten staff; two qualify, and nothing is sent before the roster is confirmed.
    log_in(page, live_server, username="hr-officer", password=PASSWORD)
    page.get(live_server.url + "/rosters/")
    assert page.find_element(By.CSS_SELECTOR, "a[href='/rosters/template.xlsx']")
    page.find_element(By.ID, "id_file").send_keys(str(roster_path))
    press(page, "form.roster-upload-form button[type=submit]")
    roster = Roster.objects.get()
    assert page.current_url == f"{live_server.url}/rosters/{roster.pk}/"
    assert rows_reached(page) == {2: "云聚英才钻石卡", 3: "云聚英才金卡", **dict.fromkeys(range(4, 12), "—")}
    assert len(page.find_elements(By.CSS_SELECTOR, "input[name=rows]")) == 2
    assert Invitation.objects.count() == 0
    press(page, "button[form=confirm-form]")
    assert Invitation.objects.count() == 2
    assert Roster.objects.get().status == RosterStatus.CONFIRMED
    sign_out(page, live_server)

    # The doctor follows the link of the SMS, signs in, corrects, consents and applies with the roster's data.
    sms = VerificationMessage.objects.get(destination="13900000002").body
    link = sms[sms.index("http") :].split()[0]
    page.get(link.replace("http://127.0.0.1:8000", live_server.url))
    assert page.find_element(By.CSS_SELECTOR, "a.button").text == "登录"
    log_in(page, live_server, username="doctor", password=PASSWORD)
    page.get(link.replace("http://127.0.0.1:8000", live_server.url))
    press(page, "form.invitation-open-form button[type=submit]")
    invitation = Invitation.objects.get(person=person)
    assert page.find_element(By.CSS_SELECTOR, ".masked").text.startswith("4401**********")
    Select(page.find_element(By.ID, "id_education__full_time")).select_by_value("yes")
    consent = page.find_element(By.ID, "id_consent")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'});", consent)
    consent.click()
    press(page, "form.invitation-form button[type=submit]")
    application = Application.objects.get(applicant=person)
    assert page.current_url == f"{live_server.url}/applications/{application.pk}/edit/identity/"
    assert page.find_element(By.ID, "id_full_name").get_attribute("value") == "员工2"
    assert application.profile["education"] == {
        "degree": "doctorate",
        "postgraduate": True,
        "full_time": True,
    }

    # The rest of the application as any applicant fills it: the roster's answers are already there.
    press(page, "form.application-form button[type=submit]")
    assert page.find_element(By.ID, "id_mobile").get_attribute("value") == "13900000002"
    assert Select(page.find_element(By.ID, "id_employer")).first_selected_option.get_attribute("value") == str(
        employer.pk
    )
    press(page, "form.application-form button[type=submit]")
    assert page.find_element(By.CSS_SELECTOR, ".evaluation-tier").text == "您的回答符合金卡条件。"
    Select(page.find_element(By.ID, "id_requested_tier")).select_by_value("gold")
    press(page, "form.application-form button[type=submit]")
    page.execute_script("document.getElementById('id_contract_valid_until').value = '2028-12-31';")
    insurance = page.find_element(By.ID, "id_insurance_months")
    insurance.clear()
    insurance.send_keys("12")
    press(page, "form.application-form button[type=submit]")
    for item in page.find_elements(By.CSS_SELECTOR, "input[type=file][id^=id_files-]"):
        code = item.get_attribute("id").removeprefix("id_files-")
        path = tmp_path / f"{code}.{'jpg' if code == 'photo' else 'pdf'}"
        if code == "photo":
            Image.new("RGB", (358, 441), "white").save(path, format="JPEG")
        else:
            path.write_bytes(pdf_bytes())
            page.execute_script(f"document.getElementById('id_scan_of-{code}_0').checked = true;")
        item.send_keys(str(path))
    press(page, "form.materials-form button[type=submit]")
    assert page.find_elements(By.CSS_SELECTOR, ".material-item.missing") == []
    page.get(live_server.url + f"/applications/{application.pk}/edit/submit/")
    checkbox = page.find_element(By.ID, "id_declaration")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'});", checkbox)
    checkbox.click()
    press(page, "form.application-form button[type=submit]")
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.full_name == "员工2"
    assert application.document_number == invitation.row.document_number
    assert Consent.objects.filter(invitation=invitation, person=person).count() == 1
    sign_out(page, live_server)

    # The department's G12 list for this year: the manager of row 4 now reaches the gold card by G12.
    list_path = tmp_path / "g12.csv"
    list_path.write_text(f"统一社会信用代码,企业名称\n{employer.uscc},{employer.name}\n", encoding="utf-8")
    log_in(page, live_server, username="dept-reviewer", password=PASSWORD)
    page.get(live_server.url + "/rosters/lists/")
    Select(page.find_element(By.ID, "id_kind")).select_by_value("key_enterprises")
    page.find_element(By.ID, "id_file").send_keys(str(list_path))
    press(page, "form.list-upload-form button[type=submit]")
    assert "1" in page.find_element(By.CSS_SELECTOR, "ul.messages").text
    sign_out(page, live_server)
    log_in(page, live_server, username="hr-officer", password=PASSWORD)
    page.get(live_server.url + "/rosters/")
    page.find_element(By.ID, "id_file").send_keys(str(roster_path))
    press(page, "form.roster-upload-form button[type=submit]")
    assert rows_reached(page)[4] == "云聚英才金卡"
    assert "区工业和信息化局" in page.find_element(By.CSS_SELECTOR, "tr[data-row='4'] .row-criteria").text
    sign_out(page, live_server)

    # The talent office's funnel counts the confirmed roster, and names the employer that sent none.
    log_in(page, live_server, username="talent-office", password=PASSWORD)
    page.get(live_server.url + "/rosters/funnel/?by=employer")
    totals = [cell.text for cell in page.find_elements(By.CSS_SELECTOR, ".funnel-total")]
    assert totals == ["10", "2", "2", "1", "0", "0"]
    assert "广州未报送科技有限公司" in page.find_element(By.CSS_SELECTOR, ".employers-without-roster").text
