"""The pages: the public catalogue, the holder's guide (page and PDF) and bookings, the desk's work, the counts; and
every permission rule refusing."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from benefits.models import Booking, Service, ServicePoint, Use
from benefits.services import use_record
from cards.tokens import card_token_issue
from tests.benefits.conftest import desk_user
from tests.factories import UserFactory

# Public ---------------------------------------------------------------------------------------------------------


def test_the_catalogue_compares_the_three_cards(client, desks):
    response = client.get(reverse("benefits:catalogue"))
    rows = response.context["rows"]
    assert [row["service"].number for row in rows] == list(range(1, 14))
    assert rows[6]["tiers"] == [True, True, True]  # 7 专属人才管家: every card
    assert rows[9]["tiers"] == [True, True, False]  # 10 工会服务: diamond and gold
    assert rows[12]["tiers"] == [True, False, False]  # 13 便捷通关: diamond only
    assert '<a href="/services/13/">13. 便捷通关服务</a>' in response.text


def test_a_services_guide_is_public(client, desks):
    response = client.get(reverse("benefits:service", args=[13]))
    assert response.status_code == 200
    assert "国内航班服务不迟于航班起飞/抵达前2小时" in response.text
    assert "13560135683" in response.text
    assert "区投资促进局企业服务科" in response.text


def test_an_unknown_service_is_not_found(client, desks):
    assert client.get("/services/14/").status_code == 404


def test_the_housing_guide_says_the_apartments_are_not_yet_in_use(client, desks):
    response = client.get(reverse("benefits:service", args=[9]))
    assert "区人才公寓尚未投入使用：投入使用后方可安排（区里的设置）。" in response.text


def test_the_self_check_result_links_each_service_to_its_guide(client, db):
    from tests.eligibility.test_self_check import check

    response = check(client, honour__senior_professional_title="yes")
    assert '<a href="/services/13/">便捷通关服务</a>' in response.text
    assert reverse("benefits:catalogue") in response.text


# The holder -----------------------------------------------------------------------------------------------------


def test_the_holders_page_shows_the_tiers_services_with_the_quota_left(client, gold_card, desks):
    library = desk_user(desks["library"])
    point = ServicePoint.objects.get(code="fitness-centre")
    use_record(
        card_id=gold_card.pk,
        desk_id=desks["library"].pk,
        service_id=point.service_id,
        actor=library,
        point_id=point.pk,
        minutes=60,
    )
    client.force_login(gold_card.holder)
    response = client.get(reverse("benefits:mine"))
    assert [entry["service"].number for entry in response.context["guide"]] == list(range(1, 11))
    assert [(state.used, state.remaining) for state in response.context["guide"][3]["quotas"]] == [(1, 1)]
    assert "区全民健身活动中心：2026年6月剩余 1 次（共 2 次）" in re.sub(r"\s+", " ", response.text)
    assert [use.service.number for use in response.context["uses"]] == [4]


def test_the_holders_page_runs_a_bounded_number_of_queries(client, diamond_card, desks, django_assert_max_num_queries):
    client.force_login(diamond_card.holder)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("benefits:mine")).status_code == 200


def test_someone_without_a_card_sees_no_services(client, desks):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    response = client.get(reverse("benefits:mine"))
    assert response.context["guide"] == []
    assert client.get(reverse("benefits:mine_pdf")).status_code == 404
    assert client.get(reverse("benefits:book", args=[13])).status_code == 404


def test_the_holders_page_needs_a_login(client, desks):
    response = client.get(reverse("benefits:mine"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_the_guide_pdf_holds_exactly_the_tiers_services_in_chinese(client, silver_card, desks):
    client.force_login(silver_card.holder)
    response = client.get(reverse("benefits:mine_pdf"))
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", "", "".join(pages))
    cover = re.sub(r"\s+", "", pages[0])
    assert "英才卡服务指南" in cover
    assert silver_card.holder_name in cover
    assert silver_card.number in cover
    for name in ("1.落户服务", "4.文化体育服务", "7.专属人才管家服务"):
        assert name in text
    assert "8.子女入学服务" not in text
    assert "广州市引进人才申报表(原件)。" in text or "广州市引进人才申报表（原件）。" in text
    assert (
        "区全民健身活动中心：2026年6月剩余2次(共2次)" in text or "区全民健身活动中心：2026年6月剩余2次（共2次）" in text
    )
    assert "86360913" in text
    # A cover, the contents and one page a service at least, numbered from the second page.
    assert len(reader.pages) >= 9
    assert re.sub(r"\s+", "", pages[1]).endswith("2/" + str(len(reader.pages)))
    # Fonts embedded: every font the pages use carries its font file (subsets of Noto Sans CJK SC, one weight).
    embedded = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            embedded[str(font["/BaseFont"]).split("+", 1)[1]] = "/FontFile3" in descriptor or "/FontFile2" in descriptor
    assert embedded == {"Noto-Sans-CJK-SC": True}
    assert reader.metadata.title == f"英才卡服务指南 · {silver_card.number}"


def test_the_shared_pages_are_rendered_once_for_holders_with_the_same_quotas(client, gold_card, desks, signing_key):
    from django.core.cache import cache

    from tests.factories import issued_card

    other = issued_card(route="gold")
    cache.clear()
    client.force_login(gold_card.holder)
    first = PdfReader(io.BytesIO(client.get(reverse("benefits:mine_pdf")).content))
    cached = {key for key in cache._cache if "benefits:guide:" in key}
    client.force_login(other.holder)
    second = PdfReader(io.BytesIO(client.get(reverse("benefits:mine_pdf")).content))
    assert len(cached) == 1 and {key for key in cache._cache if "benefits:guide:" in key} == cached
    assert gold_card.number in first.pages[0].extract_text()
    assert other.number in second.pages[0].extract_text()
    assert gold_card.number not in second.pages[0].extract_text()


def test_the_guide_pdf_in_english(client, gold_card, desks):
    client.cookies["django_language"] = "en"
    client.force_login(gold_card.holder)
    reader = PdfReader(io.BytesIO(client.get(reverse("benefits:mine_pdf")).content))
    text = " ".join(re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages)
    assert "Guide to your card's services" in text
    assert "10. Trade-union services" in text
    assert "11. Annual health check" not in text


def test_a_holder_books_the_airport_service_online(client, diamond_card, desks):
    client.force_login(diamond_card.holder)
    starts = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "holder_name": diamond_card.holder_name,
        "direction": "pick_up",
        "international": "True",
        "flight_number": "CZ346",
        "starts_at": starts,
        "passengers": "2",
        "passenger_names": "张明、李华",
        "phone": "13800138000",
        "escorts": "0",
        "escort_names": "",
        "vehicles": "1",
        "plates": "粤A12345",
        "checked_baggage": "True",
        "name_sign": "False",
    }
    response = client.post(reverse("benefits:book", args=[13]), data)
    assert response.status_code == 302
    booking = Booking.objects.get(holder=diamond_card.holder)
    assert (booking.point.code, booking.flight_number, booking.name_sign) == ("international-reception", "CZ346", False)


def test_a_booking_form_shows_the_missing_item_beside_its_field(client, diamond_card, desks):
    client.force_login(diamond_card.holder)
    response = client.post(reverse("benefits:book", args=[13]), {"holder_name": "张明"})
    assert response.status_code == 200
    assert response.context["form"].errors["flight_number"] == ["此项为必填项。"]
    assert not Booking.objects.exists()


def test_a_gold_holder_cannot_book_the_airport_service(client, gold_card, desks):
    client.force_login(gold_card.holder)
    starts = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("benefits:book", args=[13]),
        {
            "holder_name": "张明",
            "direction": "drop_off",
            "international": "False",
            "flight_number": "CZ3101",
            "starts_at": starts,
            "passengers": "1",
            "passenger_names": "张明",
            "phone": "13800138000",
            "escorts": "0",
            "vehicles": "0",
            "checked_baggage": "False",
        },
    )
    assert (
        response.context["refusal"] == "金卡不包括便捷通关服务（第四条：钻石卡第1–13项，金卡第1–10项，银卡第1–7项）。"
    )


def test_a_service_without_bookings_cannot_be_booked(client, gold_card, desks):
    client.force_login(gold_card.holder)
    assert client.get(reverse("benefits:book", args=[1])).status_code == 404


def test_another_holders_booking_cannot_be_cancelled(client, diamond_card, desks, signing_key):
    from tests.benefits.test_bookings import book_flight
    from tests.factories import issued_card

    booking = book_flight(diamond_card)
    client.force_login(issued_card(route="gold").holder)
    assert client.post(reverse("benefits:mine_cancel", args=[booking.pk])).status_code == 404
    assert Booking.objects.get(pk=booking.pk).state == "requested"


# The desk -------------------------------------------------------------------------------------------------------


def test_a_service_desk_lands_on_its_working_page(client, desks):
    client.force_login(desk_user(desks["library"]))
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("benefits:desk"), 302)]
    assert [service.number for service in response.context["services"]] == [4]
    old_home = client.get(reverse("accounts:workspace", kwargs={"role": "service_desk"}))
    assert old_home.headers["Location"] == reverse("benefits:desk")


def test_the_desk_checks_a_scanned_card_and_records_a_gym_session(client, gold_card, desks):
    client.force_login(desk_user(desks["library"]))
    token = card_token_issue(card=gold_card, lifetime=timedelta(minutes=5))
    response = client.post(reverse("benefits:desk"), {"card": token})
    assert response.headers["Location"] == reverse("benefits:desk_card")
    page = client.get(reverse("benefits:desk_card"))
    assert page.context["card_problem"] is None
    assert [check.service.number for check in page.context["checks"]] == [4]
    point = ServicePoint.objects.get(code="fitness-centre")
    data = {"service": Service.objects.get(number=4).pk, "point": point.pk, "minutes": "120"}
    assert client.post(reverse("benefits:desk_card"), data).status_code == 302
    assert client.post(reverse("benefits:desk_card"), data).status_code == 302
    third = client.post(reverse("benefits:desk_card"), data)
    assert third.context["refusal"].startswith("文化体育服务：持卡人本月（2026年6月）的 2 次免费使用已用 2 次")
    assert Use.objects.filter(card=gold_card).count() == 2


def test_the_desk_sees_the_minutes_refusal_beside_the_field(client, gold_card, desks):
    client.force_login(desk_user(desks["library"]))
    client.post(reverse("benefits:desk"), {"card": gold_card.number})
    point = ServicePoint.objects.get(code="fitness-centre")
    response = client.post(
        reverse("benefits:desk_card"),
        {"service": Service.objects.get(number=4).pk, "point": point.pk, "minutes": "121"},
    )
    assert response.context["form"].errors["minutes"] == ["免费运动每次最多 2 小时（120 分钟）：请记录不超过此时长。"]


def test_the_desk_check_answers_in_a_bounded_number_of_queries(client, gold_card, desks, django_assert_max_num_queries):
    client.force_login(desk_user(desks["library"]))
    client.post(reverse("benefits:desk"), {"card": gold_card.number})
    with django_assert_max_num_queries(16):
        assert client.get(reverse("benefits:desk_card")).status_code == 200


def test_the_desk_is_told_why_a_card_is_refused(client, gold_card, desks):
    from cards.models import Card

    Card.objects.filter(pk=gold_card.pk).update(state="superseded")
    client.force_login(desk_user(desks["library"]))
    client.post(reverse("benefits:desk"), {"card": gold_card.number})
    response = client.get(reverse("benefits:desk_card"))
    assert response.context["card_problem"] == "此卡已因升级为更高等级的卡而被替换（第八条），不再有效：请出示新卡。"
    assert "use-form" not in response.text


def test_the_desk_is_told_of_an_unknown_card_beside_the_field(client, desks):
    client.force_login(desk_user(desks["library"]))
    response = client.post(reverse("benefits:desk"), {"card": "BY-G-2026-000999"})
    assert response.context["form"].errors["card"] == ["没有卡号为 BY-G-2026-000999 的卡。"]


def test_a_desk_cannot_post_another_desks_service(client, gold_card, desks):
    client.force_login(desk_user(desks["library"]))
    client.post(reverse("benefits:desk"), {"card": gold_card.number})
    response = client.post(reverse("benefits:desk_card"), {"service": Service.objects.get(number=1).pk})
    assert response.context["form"].errors["service"] == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    assert not Use.objects.exists()


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR])
def test_the_desk_pages_refuse_other_roles(client, desks, role):
    client.force_login(UserFactory(roles=[role]))
    for name in ("benefits:desk", "benefits:desk_card", "benefits:desk_records"):
        assert client.get(reverse(name)).status_code == 404


def test_a_desk_user_without_a_desk_is_told_to_ask_for_one(client, desks):
    client.force_login(UserFactory(roles=[Role.SERVICE_DESK]))
    response = client.get(reverse("benefits:desk"))
    assert "您的账号尚未关联服务窗口：请联系平台管理员添加。" in response.text
    assert client.get(reverse("benefits:desk_records")).status_code == 404


def test_a_desk_sees_only_its_own_records(client, diamond_card, desks):
    union, health = desk_user(desks["trade-union"]), desk_user(desks["health-medical"])
    use_record(
        card_id=diamond_card.pk,
        desk_id=desks["trade-union"].pk,
        service_id=Service.objects.get(number=10).pk,
        actor=union,
    )
    client.force_login(health)
    assert list(client.get(reverse("benefits:desk_records")).context["uses"]) == []
    client.force_login(union)
    assert [use.service.number for use in client.get(reverse("benefits:desk_records")).context["uses"]] == [10]


def test_a_desk_confirms_a_booking_at_its_point_and_no_other_desk_can_open_it(client, diamond_card, desks):
    from tests.benefits.test_bookings import book_flight

    booking = book_flight(diamond_card)
    client.force_login(desk_user(desks["library"]))
    assert client.get(reverse("benefits:desk_booking", args=[booking.pk])).status_code == 404
    client.force_login(desk_user(desks["investment-airport"]))
    assert [item.pk for item in client.get(reverse("benefits:desk")).context["waiting"]] == [booking.pk]
    response = client.post(reverse("benefits:desk_booking", args=[booking.pk]), {"action": "confirm"})
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).state == "confirmed"


# The district ---------------------------------------------------------------------------------------------------


@pytest.fixture
def some_uses(diamond_card, desks):
    union = desk_user(desks["trade-union"])
    library = desk_user(desks["library"])
    use_record(
        card_id=diamond_card.pk,
        desk_id=desks["trade-union"].pk,
        service_id=Service.objects.get(number=10).pk,
        actor=union,
    )
    use_record(
        card_id=diamond_card.pk, desk_id=desks["library"].pk, service_id=Service.objects.get(number=4).pk, actor=library
    )
    use_record(
        card_id=diamond_card.pk, desk_id=desks["library"].pk, service_id=Service.objects.get(number=4).pk, actor=library
    )


@pytest.mark.parametrize("role", [Role.HR_REVIEWER, Role.TALENT_OFFICE])
def test_the_district_sees_uses_per_service_and_month(client, some_uses, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("benefits:statistics"))
    rows = {row["service"].number: row for row in response.context["rows"]}
    assert rows[4]["counts"][5] == 2 and rows[4]["total"] == 2
    assert rows[10]["counts"][5] == 1
    bars = {bar.label: bar for bar in response.context["bars"]}
    assert (bars["4. 文化体育服务"].percent, bars["10. 工会服务"].percent) == (100.0, 50.0)
    # The labels are text of the page, not of a scaled drawing: they keep their size on a phone.
    assert '<span class="bar-label">4. 文化体育服务</span>' in response.text
    assert "<script" not in response.text.split("<main", 1)[1]
    assert 'style="' not in response.text


def test_the_counts_as_csv(client, some_uses):
    client.force_login(UserFactory(roles=[Role.HR_REVIEWER]))
    response = client.get(reverse("benefits:statistics_csv") + "?year=2026")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "服务,2026-01,2026-02,2026-03,2026-04,2026-05,2026-06,2026-07,2026-08,2026-09,2026-10,2026-11,2026-12,合计"
    )
    assert lines[4] == "4. 文化体育服务,0,0,0,0,0,2,0,0,0,0,0,0,2"
    assert lines[10] == "10. 工会服务,0,0,0,0,0,1,0,0,0,0,0,0,1"


def test_a_year_that_is_not_a_number_shows_this_year(client, some_uses):
    client.force_login(UserFactory(roles=[Role.TALENT_OFFICE]))
    assert client.get(reverse("benefits:statistics") + "?year=abc").context["year"] == 2026


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.SERVICE_DESK, Role.EMPLOYER, Role.DEPARTMENT_REVIEWER])
def test_the_counts_refuse_other_roles(client, desks, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("benefits:statistics")).status_code == 404
    assert client.get(reverse("benefits:statistics_csv")).status_code == 404


def test_seed_demo_gives_each_demo_desk_its_services(desks):
    from django.core.management import call_command

    from accounts.models import User

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    desk = User.objects.get(username="desk")
    assert [link.service.number for link in desk.service_desks.get().service_links.all()] == [4]
    assert Service.objects.count() == 13


def test_the_catalogue_and_the_districts_settings_are_edited_in_the_admin(desks, admin_client):
    client = admin_client
    service = Service.objects.get(number=13)
    response = client.get(reverse("admin:benefits_service_change", args=[service.pk]))
    assert response.status_code == 200
    assert "13560135683" in response.text
    assert client.get(reverse("admin:benefits_benefitsettings_changelist")).status_code == 200


def test_the_desk_page_leads_to_the_public_verification_too(client, desks):
    client.force_login(desk_user(desks["library"]))
    assert '<a href="/cards/verify/">核验云聚英才卡</a>' in client.get(reverse("benefits:desk")).text
