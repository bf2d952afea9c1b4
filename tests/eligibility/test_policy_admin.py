"""The talent office loads, previews and publishes policy versions in the admin, each step with its own permission."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.roles import Role
from applications.models import Application
from eligibility.models import PolicyStatus, PolicyVersion
from eligibility.services import policy_version_load
from tests.conftest import login_verified
from tests.factories import UserFactory, successor_policy_text

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/eligibility/policyversion/"
ADD = "/admin/eligibility/policyversion/add/"
EXTEND = "/admin/eligibility/policyversion/extend/"


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


@pytest.fixture
def talent(client):
    """A talent office member, staff of the admin, signed in."""
    user = UserFactory(roles=[Role.TALENT_OFFICE], is_staff=True)
    login_verified(client, user)
    return user


def upload(client, text: str | bytes, name: str = "baiyun-2027.yaml"):
    content = text.encode() if isinstance(text, str) else text
    return client.post(ADD, {"file": SimpleUploadedFile(name, content, content_type="application/x-yaml")})


def test_the_talent_office_uploads_a_draft_and_reads_its_preview(client, talent):
    response = upload(client, successor_policy_text())
    version = PolicyVersion.objects.get()
    assert (response.status_code, response.headers["Location"]) == (302, f"{CHANGELIST}{version.pk}/change/")
    assert (version.status, version.created_by) == (PolicyStatus.DRAFT, talent)
    page = client.get(f"{CHANGELIST}{version.pk}/change/")
    assert page.status_code == 200
    assert [(item.code, item.change) for item in page.context["preview"].differences] == [
        ("D17", "threshold"),
        ("G04", "reworded"),
        ("G14", "added"),
        ("S06", "removed"),
        ("baiyun_young_talent", "added"),
    ]
    assert '<tr data-code="D17" data-change="threshold">' in page.text
    assert "与 baiyun-2021 的差异" in page.text


def test_a_bad_upload_lists_each_problem_with_its_line_and_keeps_nothing(client, talent):
    text = successor_policy_text().replace(
        "    citation: {zh: 第三条（一）第11项", "    weight: 3\n    citation: {zh: 第三条（一）第11项"
    )
    line = text[: text.index("weight: 3")].count("\n") + 1
    response = upload(client, text)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [f"line {line}: criteria[10] (D11).weight: 未知字段“weight”"]
    assert "文件未被接受，没有任何改动。请更正以下各行后重新上传。" in response.text
    assert PolicyVersion.objects.count() == 0


def test_a_file_that_is_not_yaml_is_refused_in_english_too(client, talent):
    client.cookies["django_language"] = "en"
    response = upload(client, b"%PDF-1.7\n\xff\xfe binary", name="rules.pdf")
    assert response.context["form"].errors["file"] == ["the file is not UTF-8 text (YAML expected)"]
    assert PolicyVersion.objects.count() == 0


def test_the_impact_page_counts_and_the_csv_lists_the_changes(client, talent):
    Application.objects.create(
        applicant=UserFactory(roles=[Role.APPLICANT]),
        number="BY2026000001",
        full_name="王五",
        state="submitted",
        profile={
            "employer": {"registered_in_district": True},
            "enterprise": {"role": "principal", "district_tax_yuan": 11_000_000},
        },
    )
    version = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=talent)
    page = client.get(f"{CHANGELIST}{version.pk}/impact/")
    assert [(code, count) for code, _label, count in page.context["counts"]] == [
        ("gains", 0),
        ("loses", 0),
        ("tier_up", 0),
        ("tier_down", 1),
        ("criteria", 0),
        ("unchanged", 0),
        ("invalid", 0),
    ]
    export = client.get(f"{CHANGELIST}{version.pk}/impact.csv")
    assert export["Content-Disposition"] == 'attachment; filename="impact-baiyun-2027.csv"'
    assert b"".join(export.streaming_content).decode().splitlines() == [
        "\ufeff申报,姓名,状态,申领类型,影响,原卡种,新卡种,原符合条件,新符合条件",
        "BY2026000001,王五,submitted,new,卡种降低,diamond,gold,D17 G11 S07,G11 S07",
    ]


def test_publishing_from_the_preview_sets_the_dates(client, talent):
    version = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=talent)
    response = client.post(f"{CHANGELIST}{version.pk}/publish/", {"in_force_from": "2027-01-04"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.in_force_from, version.in_force_until, version.published_by) == (
        PolicyStatus.PUBLISHED,
        date(2027, 1, 4),
        date(2032, 1, 4),
        talent,
    )


def test_an_overlapping_publication_is_refused_beside_the_date(client, talent):
    version = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=talent)
    response = client.post(f"{CHANGELIST}{version.pk}/publish/", {"in_force_from": "2026-12-01"})
    assert response.status_code == 400
    assert response.context["publish_form"].errors["in_force_from"] == [
        f"line {version.source[: version.source.index('in_force_from:')].count(chr(10)) + 1}: in_force_from: "
        "有效期2026-12-01至2031-12-01，与 baiyun-2021 的有效期（2021-12-24至2026-12-24）重叠"
    ]
    assert PolicyVersion.objects.get().status == PolicyStatus.DRAFT


def test_the_extension_shortcut_makes_a_draft_with_new_dates(client, talent):
    response = client.post(
        EXTEND,
        {"code": "baiyun-2021", "new_code": "baiyun-2021-ext", "in_force_from": "2026-12-25", "validity_years": "2"},
    )
    version = PolicyVersion.objects.get()
    assert response.headers["Location"] == f"{CHANGELIST}{version.pk}/change/"
    assert (version.code, version.in_force_from, version.in_force_until, version.status) == (
        "baiyun-2021-ext",
        date(2026, 12, 25),
        date(2028, 12, 25),
        PolicyStatus.DRAFT,
    )


def test_loading_without_the_publish_permission_cannot_publish(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_policyversion", "add_policyversion"]))
    login_verified(client, user)
    assert upload(client, successor_policy_text()).status_code == 302
    version = PolicyVersion.objects.get()
    assert client.post(f"{CHANGELIST}{version.pk}/publish/", {"in_force_from": "2026-12-25"}).status_code == 403
    assert "发布此版本" not in client.get(f"{CHANGELIST}{version.pk}/change/").text
    assert PolicyVersion.objects.get().status == PolicyStatus.DRAFT


@pytest.mark.parametrize("path", [ADD, EXTEND])
def test_staff_without_the_policy_permissions_are_refused(client, path):
    login_verified(client, UserFactory(roles=[Role.HR_REVIEWER], is_staff=True))
    assert client.get(path).status_code == 403


def test_a_draft_is_not_shown_to_staff_without_the_view_permission(client):
    version = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=None)
    login_verified(client, UserFactory(roles=[Role.HR_REVIEWER], is_staff=True))
    assert client.get(f"{CHANGELIST}{version.pk}/change/").status_code == 403
    assert client.get(f"{CHANGELIST}{version.pk}/impact.csv").status_code == 403


def test_the_admin_pages_need_a_staff_login(client):
    client.force_login(UserFactory(roles=[Role.TALENT_OFFICE]))
    response = client.get(ADD)
    assert (response.status_code, response.headers["Location"]) == (302, f"/admin/login/?next={ADD}")


def test_every_published_version_is_readable_and_drafts_are_not(client):
    policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=None)
    listing = client.get("/eligibility/policies/")
    assert [row["policy"].code for row in listing.context["rows"]] == ["baiyun-2021"]
    page = client.get("/eligibility/policies/baiyun-2021/")
    assert page.status_code == 200
    assert page.context["source"].startswith("# 白云区云聚英才卡实施细则")
    assert client.get("/eligibility/policies/baiyun-2027/").status_code == 404


def test_a_published_version_cannot_be_deleted_but_a_draft_can(client, talent):
    draft = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=talent)
    published = policy_version_load(
        text=successor_policy_text(code="baiyun-2032", start=date(2031, 12, 26)), file_name="b.yaml", actor=talent
    )
    client.post(f"{CHANGELIST}{published.pk}/publish/", {"in_force_from": "2031-12-26"})
    assert client.post(f"{CHANGELIST}{published.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{CHANGELIST}{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(PolicyVersion.objects.values_list("code", "status")) == [("baiyun-2032", "published")]
