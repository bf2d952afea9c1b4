"""The card's pages: the holder's card, the credential, the wallet; the district's view and actions; who is refused."""

import base64
import io
import re
from datetime import timedelta

import pytest
import time_machine
import zxingcpp
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import AccessLog
from accounts.roles import Role
from applications.models import Application
from cards.keys import verification_keys
from cards.models import Card, CardNotice, CardState, TerminationReason
from cards.services import card_produce, card_terminate
from cards.tokens import token_from_qr_text, token_verify
from tests.cards.pdf_checks import camera_view
from tests.factories import UserFactory, approved_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(rendered_card):
    return rendered_card(route="gold")


def card_url(name: str, card: Card) -> str:
    return reverse(f"cards:{name}", kwargs={"pk": card.pk})


def qr_token(data_url: str) -> str:
    image = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
    [barcode] = zxingcpp.read_barcodes(camera_view(image))
    return token_from_qr_text(barcode.text)


def fetched(client, url: str) -> tuple[int, bytes]:
    """A download's status and body, read to the end so that its file is closed."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def logged(user) -> list[tuple[str, str]]:
    return list(AccessLog.objects.filter(user=user).values_list("action", "object_type"))


# The holder ---------------------------------------------------------------------------------------------------


def test_the_holders_page_shows_the_card_its_history_and_the_notices(client, card, django_assert_max_num_queries):
    client.force_login(card.holder)
    with django_assert_max_num_queries(12):
        response = client.get(card_url("detail", card))
    assert response.status_code == 200
    content = response.content.decode()
    assert response.context["is_holder"] is True
    assert card.number in content and card.holder_name in content
    assert {event.action for event, _role in response.context["events"]} == {"produce", "credential", "issue"}
    assert [notice.pk for notice in response.context["notices"]] == list(
        CardNotice.objects.filter(card=card).order_by("created_at", "id").values_list("pk", flat=True)
    )
    assert {"employer", "department", "hr_bureau"} <= {notice.recipient for notice in response.context["notices"]}
    assert response.context["holder_notice"].history_entry.transition == "issue_card"
    assert card_url("wallet", card) in content
    assert card_url("credential", card) in content
    assert card_url("photo", card) in content
    assert response.context["actions"] == []
    assert logged(card.holder) == []


def test_my_card_opens_the_holders_newest_card(client, card):
    client.force_login(card.holder)
    response = client.get(reverse("cards:mine"))
    assert response.status_code == 302
    assert response.url == card_url("detail", card)


def test_my_card_without_a_card_says_what_to_expect(client):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    response = client.get(reverse("cards:mine"))
    assert response.status_code == 200
    assert "您目前尚未持有云聚英才卡" in response.content.decode()


def test_the_navigation_and_the_applicants_home_lead_to_the_card(client, card):
    client.force_login(card.holder)
    response = client.get(reverse("applications:home"))
    navigation = [(str(item.label), item.url) for item in response.context["navigation"]]
    assert navigation == [
        ("我的申领", reverse("applications:home")),
        ("我的云聚英才卡", reverse("cards:mine")),
        ("我的英才卡服务", reverse("benefits:mine")),
        ("我的邀请", reverse("rosters:mine")),
    ]
    assert f"您的金卡有效期至 {card.valid_until:%Y-%m-%d}。" in response.content.decode()
    assert response.context["card_valid"] is True


def test_the_holder_downloads_the_stored_credential_unlogged(client, card):
    client.force_login(card.holder)
    response = client.get(card_url("credential", card))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{card.number}.pdf"'
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    card.refresh_from_db()
    with default_storage.open(card.credential.name, "rb") as file:
        assert b"".join(response.streaming_content) == file.read()
    assert logged(card.holder) == []


def test_an_ended_card_is_neither_shown_nor_downloaded_by_its_holder(client, card):
    card_terminate(card_id=card.pk, actor=UserFactory(roles=[Role.HR_REVIEWER]), reason=TerminationReason.RETIRED)
    client.force_login(card.holder)
    page = client.get(card_url("detail", card))
    assert page.status_code == 200
    assert "该卡已失效，不能再出示或下载。" in page.content.decode()
    assert (page.context["may_download"], page.context["may_open_wallet"]) == (False, False)
    assert client.get(card_url("credential", card)).status_code == 404
    wallet = client.get(card_url("wallet", card))
    assert wallet.status_code == 200
    assert wallet.context["code"] is None
    assert "该卡今日无效，无二维码可出示。" in wallet.content.decode()
    assert client.get(card_url("wallet_code", card)).status_code == 410


# The wallet ---------------------------------------------------------------------------------------------------


def test_the_wallet_shows_a_live_code_for_the_holders_own_use(client, card, django_assert_max_num_queries):
    client.force_login(card.holder)
    with django_assert_max_num_queries(10):
        response = client.get(card_url("wallet", card))
    assert response.status_code == 200
    content = response.content.decode()
    assert "仅限本人使用（第六条）" in content
    assert "二维码每5分钟更新一次，截图或复制件无法通过核验。" in content
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    # Strict CSP: the page's only scripts are files, and no style is inline.
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []
    assert re.findall(r"\sstyle=", content) == []
    assert '<script src="/static/js/wallet.js" defer></script>' in content
    claims = token_verify(qr_token(response.context["code"]["qr"]), keys=verification_keys())
    assert claims.number == card.number
    assert claims.expires_at - claims.issued_at == timedelta(minutes=5)


def test_the_wallet_code_is_drawn_once_per_token_and_renews_at_half_life(client, card):
    client.force_login(card.holder)
    first = client.get(card_url("wallet_code", card)).json()
    assert client.get(card_url("wallet_code", card)).json()["qr"] == first["qr"]
    assert 140 <= first["refresh_in"] <= 150
    token = qr_token(first["qr"])
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        later = client.get(card_url("wallet_code", card)).json()
        assert later["qr"] != first["qr"]
        assert token_verify(qr_token(later["qr"]), keys=verification_keys()).expires_at > timezone.now()
    # A screenshot of the first code is stale after its five minutes (and the verifier's two minutes of clock skew).
    with time_machine.travel(timezone.now() + timedelta(minutes=8), tick=False):
        assert token_verify(token, keys=verification_keys()).expires_at < timezone.now()
        answer = client.post("/api/v1/cards/verify", {"token": token}, content_type="application/json").json()
        assert answer["status"] == "expired"


@pytest.mark.parametrize("role", [Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR, Role.APPLICANT])
def test_nobody_but_the_holder_reaches_the_wallet(client, card, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(card_url("wallet", card)).status_code == 404
    assert client.get(card_url("wallet_code", card)).status_code == 404


# Others -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "credential", "photo", "wallet", "wallet_code"])
def test_another_persons_card_answers_404(client, card, name):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    assert client.get(card_url(name, card)).status_code == 404


def test_the_card_pages_need_a_login(client, card):
    response = client.get(card_url("detail", card))
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_the_employer_sees_the_card_but_not_the_photo_or_the_credential(client, card):
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(card.employer)
    client.force_login(officer)
    response = client.get(card_url("detail", card))
    assert response.status_code == 200
    assert (response.context["show_photo"], response.context["may_download"]) == (False, False)
    assert card_url("photo", card) not in response.content.decode()
    assert client.get(card_url("credential", card)).status_code == 404
    assert client.get(card_url("photo", card)).status_code == 404


def test_a_produced_card_is_not_yet_its_holders(client, signing_key):
    application = approved_application(route="gold")
    produced = card_produce(application_id=application.pk)
    client.force_login(produced.holder)
    assert client.get(card_url("detail", produced)).status_code == 404
    assert client.get(reverse("cards:mine")).status_code == 200


# The district -------------------------------------------------------------------------------------------------


def test_the_hr_bureau_reads_the_card_and_its_downloads_are_logged(client, card, django_assert_max_num_queries):
    hr = UserFactory(roles=[Role.HR_REVIEWER])
    client.force_login(hr)
    with django_assert_max_num_queries(12):
        response = client.get(card_url("detail", card))
    assert response.status_code == 200
    # Read-only, with the way to end the card's services (第六条).
    assert (response.context["is_holder"], response.context["actions"]) == (False, ["end"])
    assert reverse("cards:end", kwargs={"pk": card.pk}) in response.content.decode()
    assert response.context["may_download"] is True
    assert logged(hr) == []
    assert fetched(client, card_url("credential", card))[0] == 200
    status, photo = fetched(client, card_url("photo", card))
    assert (status, photo[:2]) == (200, b"\xff\xd8")
    assert sorted(logged(hr)) == [("download", "cards.card"), ("view_photo", "cards.card")]
    assert AccessLog.objects.filter(user=hr).values_list("role", flat=True).distinct().get() == "hr_reviewer"


def test_the_auditors_reads_are_logged(client, card):
    auditor = UserFactory(roles=[Role.AUDITOR])
    client.force_login(auditor)
    response = client.get(card_url("detail", card))
    assert response.status_code == 200
    assert response.context["actions"] == []
    assert logged(auditor) == [("view", "cards.card")]


def test_the_district_reads_an_ended_cards_credential(client, card):
    card_terminate(card_id=card.pk, actor=UserFactory(roles=[Role.HR_REVIEWER]), reason=TerminationReason.RETIRED)
    client.force_login(UserFactory(roles=[Role.TALENT_OFFICE]))
    status, pdf = fetched(client, card_url("credential", card))
    assert (status, pdf[:5]) == (200, b"%PDF-")


@pytest.fixture
def produced(signing_key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = approved_application(route="gold")
    return Card.objects.get(application=application)


def test_the_talent_office_issues_a_produced_card_from_its_page(
    client, produced, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    talent = UserFactory(roles=[Role.TALENT_OFFICE])
    client.force_login(talent)
    with django_assert_max_num_queries(12):
        page = client.get(card_url("detail", produced))
    assert page.context["actions"] == ["issue", "render"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(card_url("issue", produced), follow=True)
    assert response.status_code == 200
    produced.refresh_from_db()
    assert produced.state == CardState.ACTIVE
    assert Application.objects.get(pk=produced.application_id).state == "issued"
    assert [str(message) for message in response.context["messages"]] == [f"已发卡：{produced.number}。"]
    assert response.context["actions"] == ["render"]
    assert produced.notices.count() == CardNotice.objects.filter(card=produced).count() > 0


def test_an_issued_card_offers_no_second_issue(client, produced):
    talent = UserFactory(roles=[Role.TALENT_OFFICE])
    client.force_login(talent)
    client.post(card_url("issue", produced))
    response = client.post(card_url("issue", produced))
    assert response.status_code == 403


def test_the_talent_office_renders_the_credential_again(client, card):
    card.refresh_from_db()
    old_name = card.credential.name
    client.force_login(UserFactory(roles=[Role.TALENT_OFFICE]))
    response = client.post(card_url("render", card), follow=True)
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.credential.name != old_name
    assert [str(message) for message in response.context["messages"]] == ["正在重新生成电子证照。"]


@pytest.mark.parametrize("role", [Role.HR_REVIEWER, Role.AUDITOR, Role.DEPARTMENT_REVIEWER])
def test_only_the_talent_office_issues_or_renders(client, produced, role):
    user = UserFactory(roles=[role])
    if role == Role.DEPARTMENT_REVIEWER:
        user.departments.add(produced.department)
    client.force_login(user)
    expected = 404 if role == Role.DEPARTMENT_REVIEWER else 403  # the department does not see a produced card
    assert client.post(card_url("issue", produced)).status_code == expected
    assert client.post(card_url("render", produced)).status_code == expected
    produced.refresh_from_db()
    assert produced.state == CardState.PRODUCED


def test_the_actions_refuse_get(client, produced):
    client.force_login(UserFactory(roles=[Role.TALENT_OFFICE]))
    assert client.get(card_url("issue", produced)).status_code == 405
