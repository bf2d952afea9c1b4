"""The verification API's refusals and rate limit, the page's forms and languages, and the published keys and status
list (cacheable, re-signed on each change, served alike by every process)."""

import json

import pytest
from django.test import Client

from accounts.roles import Role
from applications.models import Kind
from cards.keys import keys_from_jwks
from cards.models import PublishedStatusList, TerminationReason
from cards.services import card_terminate
from cards.status_list import STATUS_SUPERSEDED, STATUS_TERMINATED, status_list_publish, status_list_read
from cards.tokens import card_qr_text, card_token_issue
from tests.factories import UserFactory, issued_card

pytestmark = pytest.mark.django_db

API = "/api/v1/cards/verify"
PAGE = "/cards/verify/"


def error_of(response) -> tuple[int, str, str]:
    body = response.json()["error"]
    return response.status_code, body["field"], body["code"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{not json", (400, "body", "invalid_json")),
        (b"\xff\xfe", (400, "body", "invalid_encoding")),
        ("[]", (400, "token", "token_missing")),
        ('{"token": 5}', (400, "token", "token_missing")),
        ('{"token": "   "}', (400, "token", "token_missing")),
        ('{"card": "BYTC1:..."}', (400, "token", "token_missing")),
    ],
)
def test_the_api_refuses_bad_bodies_with_a_json_error(client, body, expected):
    assert error_of(client.post(API, body, content_type="application/json")) == expected


def test_the_api_error_speaks_the_requests_language_and_gives_both(client):
    response = client.post(API, "{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"] == {
        "field": "body",
        "code": "invalid_json",
        "message": "The body is not valid JSON (line 1, column 2).",
        "zh": "请求内容不是有效的 JSON（第 1 行，第 2 列）。",
        "en": "The body is not valid JSON (line 1, column 2).",
    }


def test_the_api_refuses_other_methods_and_media_types(client):
    response = client.get(API)
    assert (error_of(response), response["Allow"]) == ((405, "method", "method_not_allowed"), "POST")
    assert error_of(client.put(API, "{}", content_type="application/json")) == (405, "method", "method_not_allowed")
    assert error_of(client.post(API, {"token": "x"})) == (415, "Content-Type", "unsupported_media_type")


def test_the_api_refuses_an_oversized_body_unread(client):
    body = json.dumps({"token": "A" * 9000})
    assert error_of(client.post(API, body, content_type="application/json")) == (413, "body", "body_too_large")


def test_an_oversized_token_in_a_small_body_is_a_verdict_not_an_error(client, signing_key):
    response = client.post(API, {"token": "BYTC1:" + "A" * 5000}, content_type="application/json")
    assert (response.status_code, response.json()["status"], response.json()["detail"]) == (200, "unknown", "size")


@pytest.mark.parametrize(
    "token",
    ["BYTC1:", "BYTC1:%%%%", "#", "https://x/#%zz", "BYTC1:" + "0" * 1194, "\x00", "🀄" * 300, "BYTC1:ÿ", "#" * 5000],
)
def test_garbage_never_makes_a_server_error(client, signing_key, token):
    for response in (
        client.post(API, {"token": token}, content_type="application/json"),
        client.post(PAGE, {"token": token}),
    ):
        assert response.status_code == 200


def test_verification_flooding_is_refused_with_retry_after(client, signing_key, settings):
    settings.CARD_VERIFY_RATE_LIMIT = 3
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card))
    for _attempt in range(2):
        assert client.post(API, {"token": text}, content_type="application/json").status_code == 200
    assert client.post(PAGE, {"token": text}).status_code == 200
    refused = client.post(API, {"token": text}, content_type="application/json")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limited"
    page = client.post(PAGE, {"token": text})
    assert (page.status_code, page["Retry-After"]) == (429, refused["Retry-After"])
    assert "此地址核验次数过多" in page.content.decode()
    # Another client address has its own count.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(API, {"token": text}, content_type="application/json").status_code == 200


def test_the_page_offers_the_form_and_the_scanner_without_inline_script(client):
    response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_token">二维码内容</label>' in html
    assert "data-scanner hidden" in html
    assert "<script>" not in html and "<script " not in html.replace('<script src="/static/js/', "")
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert "no-store" in response["Cache-Control"]


def test_the_page_asks_for_the_token_beside_the_field(client):
    response = client.post(PAGE, {"token": ""}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.context["form"].errors == {"token": ["Paste the text of the card's QR code, or scan it."]}
    # Beside the field and in the summary.
    assert html.count("Paste the text of the card&#x27;s QR code, or scan it.") == 2


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("zh-hans", ["有效", "此卡有效。", "云聚英才卡仅限本人使用（第六条）", "金卡"]),
        ("en", ["Valid", "This card is valid.", "for its holder&#x27;s own use only (Art. 6)", "Gold card"]),
    ],
)
def test_the_result_page_in_chinese_and_english(client, signing_key, language, texts):
    card = issued_card(route="gold")
    client.cookies["django_language"] = language
    html = client.post(PAGE, {"token": card_qr_text(card_token_issue(card=card))}).content.decode()
    for text in texts:
        assert text in html
    assert card.number in html and card.masked_holder_name in html
    assert card.holder_name not in html


def test_the_keys_are_published_as_a_cacheable_jwk_set(client, signing_key):
    response = client.get("/cards/keys.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert list(keys_from_jwks(json.loads(response.content))) == [signing_key.kid]
    again = client.get("/cards/keys.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    assert client.post("/cards/keys.json").status_code == 405


def test_the_status_list_is_re_signed_on_termination_and_supersession(
    client, signing_key, django_capture_on_commit_callbacks
):
    gold = issued_card(route="gold")
    first = client.get("/cards/status-list.json")
    assert (first.status_code, first["Cache-Control"]) == (200, "public, max-age=300")
    assert client.get("/cards/status-list.json", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    keys = keys_from_jwks(client.get("/cards/keys.json").json())
    assert status_list_read(first.json(), keys=keys).status_at(gold.pk) == 0
    other = issued_card(route="silver")
    with django_capture_on_commit_callbacks(execute=True):
        card_terminate(card_id=other.pk, actor=UserFactory(roles=[Role.HR_REVIEWER]), reason=TerminationReason.RETIRED)
    second = client.get("/cards/status-list.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert status_list_read(second.json(), keys=keys).status_at(other.pk) == STATUS_TERMINATED
    with django_capture_on_commit_callbacks(execute=True):
        issued_card(route="diamond", applicant=gold.holder, kind=Kind.UPGRADE)
    third = status_list_read(client.get("/cards/status-list.json").json(), keys=keys)
    assert (third.status_at(gold.pk), third.status_at(other.pk)) == (STATUS_SUPERSEDED, STATUS_TERMINATED)
    # The clear copy beside the signed list says nothing of why a card ended.
    assert "retired" not in client.get("/cards/status-list.json").content.decode()


def test_the_published_list_is_one_row_every_process_serves(client, signing_key):
    published = status_list_publish()
    assert PublishedStatusList.objects.count() == 1
    assert client.get("/cards/status-list.json").content.decode() == published.body
    # The hourly refresh leaves an unchanged list of today as it is.
    assert status_list_publish(only_if_stale=True).published_at == published.published_at
    assert status_list_publish().published_at > published.published_at
    assert PublishedStatusList.objects.count() == 1


def test_without_a_signing_key_the_status_list_answers_503(client, db):
    response = client.get("/cards/status-list.json")
    assert (response.status_code, response["Retry-After"], response.json()["error"]["code"]) == (
        503,
        "300",
        "unavailable",
    )


def test_termination_without_an_active_key_still_ends_the_card(signing_key, django_capture_on_commit_callbacks):
    card = issued_card(route="gold")
    signing_key.state = "retired"
    signing_key.save()
    with django_capture_on_commit_callbacks(execute=True):
        card_terminate(card_id=card.pk, actor=UserFactory(roles=[Role.HR_REVIEWER]), reason=TerminationReason.RETIRED)
    card.refresh_from_db()
    assert card.state == "terminated"
    assert PublishedStatusList.objects.count() == 0


def test_with_redis_the_status_is_read_once_and_a_termination_reaches_it(
    client, signing_key, redis_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card))
    assert client.post(API, {"token": text}, content_type="application/json").json()["status"] == "valid"
    with django_assert_num_queries(0):
        assert client.post(API, {"token": text}, content_type="application/json").json()["status"] == "valid"
    with django_capture_on_commit_callbacks(execute=True):
        card_terminate(card_id=card.pk, actor=UserFactory(roles=[Role.HR_REVIEWER]), reason=TerminationReason.RETIRED)
    assert client.post(API, {"token": text}, content_type="application/json").json()["status"] == "terminated"


def test_with_redis_the_rate_limit_is_shared_and_expires(client, signing_key, redis_cache, settings):
    settings.CARD_VERIFY_RATE_LIMIT = 2
    for _attempt in range(2):
        assert client.post(API, {"token": "x"}, content_type="application/json").status_code == 200
    assert client.post(API, {"token": "x"}, content_type="application/json").status_code == 429
    redis = redis_cache._cache.get_client()
    (key,) = redis.keys(f"{redis_cache.key_prefix}:*rate:card-verify:127.0.0.1:*")
    assert int(redis.get(key)) == 3
    assert 60 < redis.ttl(key) <= 120
