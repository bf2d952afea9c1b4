"""A desk's check of a card and its record of a use: every quota rule at its boundary, in Asia/Shanghai calendar
periods, and every refusal with its reason."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import Role
from benefits.models import BenefitSettings, Service, ServicePoint, Use
from benefits.quotas import period_end, period_start
from benefits.selectors import Refused, card_from_scan, desk_check
from benefits.services import use_record
from cards.models import Card
from cards.services import card_terminate
from cards.tokens import CLOCK_SKEW, card_token_issue
from tests.benefits.conftest import desk_user
from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def gym(card, user, *, minutes=90):
    """One session at the 区全民健身活动中心, recorded by a user of the library."""
    service = Service.objects.get(number=4)
    return use_record(
        card_id=card.pk,
        desk_id=user.service_desks.get().pk,
        service_id=service.pk,
        actor=user,
        point_id=ServicePoint.objects.get(code="fitness-centre").pk,
        minutes=minutes,
    )


def record(card, user, number, **kwargs):
    return use_record(
        card_id=card.pk,
        desk_id=user.service_desks.get().pk,
        service_id=Service.objects.get(number=number).pk,
        actor=user,
        **kwargs,
    )


def refusal(callable_, *args, **kwargs) -> str:
    with pytest.raises(Refused) as caught:
        callable_(*args, **kwargs)
    return str(caught.value.message)


# Calendar periods --------------------------------------------------------------------------------------------------


def test_periods_are_calendar_months_and_years():
    assert period_start(date(2026, 6, 30), "month") == date(2026, 6, 1)
    assert period_end(date(2026, 6, 1), "month") == date(2026, 6, 30)
    assert period_end(date(2026, 12, 15), "month") == date(2026, 12, 31)
    assert period_end(date(2028, 2, 3), "month") == date(2028, 2, 29)
    assert period_start(date(2026, 12, 31), "year") == date(2026, 1, 1)
    assert period_end(date(2026, 1, 1), "year") == date(2026, 12, 31)


# 文化体育: 2 sessions per calendar month, at most 2 hours each -----------------------------------------------


def test_two_gym_sessions_a_month_and_the_third_is_refused(gold_card, library):
    gym(gold_card, library)
    gym(gold_card, library)
    assert refusal(gym, gold_card, library) == (
        "文化体育服务：持卡人本月（2026年6月）的 2 次免费使用已用 2 次（每个自然月最多 2 次）。"
        "下一次最早可于 2026年7月1日 使用。"
    )
    assert Use.objects.filter(card=gold_card).count() == 2


def test_the_third_gym_session_is_refused_in_english_too(gold_card, library, settings):
    from django.utils import translation

    gym(gold_card, library)
    gym(gold_card, library)
    with translation.override("en"):
        assert refusal(gym, gold_card, library) == (
            "Culture and sports: the holder has already used 2 of the 2 free uses of June 2026 (at most 2 per "
            "calendar month). The next can be from July 1, 2026."
        )


def test_the_month_turns_at_midnight_in_shanghai_not_in_utc(gold_card, library):
    # 2026-06-30 23:59 in Shanghai is 15:59 UTC: still June. One minute later it is July there, still June in UTC.
    with time_machine.travel(datetime(2026, 6, 30, 23, 59, tzinfo=SHANGHAI), tick=False):
        gym(gold_card, library)
        gym(gold_card, library)
        with pytest.raises(Refused):
            gym(gold_card, library)
    with time_machine.travel(datetime(2026, 7, 1, 0, 0, tzinfo=SHANGHAI), tick=False):
        assert timezone.now().astimezone(ZoneInfo("UTC")).day == 30
        use = gym(gold_card, library)
    assert (use.used_on, use.period_starts_on) == (date(2026, 7, 1), date(2026, 7, 1))


def test_a_gym_session_of_exactly_two_hours_is_recorded(gold_card, library):
    assert gym(gold_card, library, minutes=120).minutes == 120


def test_a_gym_session_over_two_hours_is_refused(gold_card, library):
    assert refusal(gym, gold_card, library, minutes=121) == "免费运动每次最多 2 小时（120 分钟）：请记录不超过此时长。"
    assert not Use.objects.exists()


def test_a_gym_session_needs_its_length(gold_card, library):
    with pytest.raises(Refused) as caught:
        gym(gold_card, library, minutes=None)
    assert (str(caught.value.message), caught.value.field) == ("请填写本次运动的时长（分钟）。", "minutes")


def test_other_culture_uses_do_not_count_against_the_gym(gold_card, library):
    for _ in range(3):
        record(gold_card, library, 4, note="专题研讨室")
    gym(gold_card, library)
    gym(gold_card, library)
    assert Use.objects.filter(quota_group="fitness").count() == 2


def test_a_cancelled_use_gives_the_quota_back(gold_card, library):
    first = gym(gold_card, library)
    gym(gold_card, library)
    Use.objects.filter(pk=first.pk).update(cancelled_at=timezone.now())
    assert gym(gold_card, library).pk


def test_the_quota_belongs_to_the_holder_across_an_upgrade(gold_card, library, signing_key):
    from tests.factories import issued_card

    gym(gold_card, library)
    gym(gold_card, library)
    diamond = issued_card(route="diamond", applicant=gold_card.holder, kind="upgrade")
    assert Card.objects.get(pk=gold_card.pk).state == "superseded"
    assert refusal(gym, diamond, library).startswith("文化体育服务：持卡人本月（2026年6月）的 2 次免费使用已用 2 次")


# 工会服务 / 定期体检: one of the two per calendar year ---------------------------------------------------------


@pytest.fixture
def union(desks):
    return desk_user(desks["trade-union"])


@pytest.fixture
def health(desks):
    return desk_user(desks["health-medical"])


def test_union_then_health_check_in_one_year_is_refused(diamond_card, union, health):
    record(diamond_card, union, 10)
    assert refusal(record, diamond_card, health, 11) == (
        "定期体检服务与工会服务合并计算：每个自然年最多 1 次，持卡人在2026年已使用 1 次（第四条第（十）、（十一）项）。"
        "下一次最早可于 2027年1月1日 使用。"
    )


def test_the_health_check_once_a_year(diamond_card, health):
    record(diamond_card, health, 11)
    assert refusal(record, diamond_card, health, 11).startswith("定期体检服务与工会服务合并计算")


def test_the_union_service_once_a_year_for_a_gold_holder(gold_card, union):
    record(gold_card, union, 10)
    assert refusal(record, gold_card, union, 10).startswith("工会服务与定期体检服务合并计算")


def test_the_year_turns_at_midnight_in_shanghai(diamond_card, union, health):
    with time_machine.travel(datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI), tick=False):
        record(diamond_card, union, 10)
        with pytest.raises(Refused):
            record(diamond_card, health, 11)
    with time_machine.travel(datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI), tick=False):
        use = record(diamond_card, health, 11)
    assert use.period_starts_on == date(2027, 1, 1)


def test_a_gold_holder_has_no_health_check(gold_card, health):
    assert refusal(record, gold_card, health, 11) == (
        "金卡不包括定期体检服务（第四条：钻石卡第1–13项，金卡第1–10项，银卡第1–7项）。"
    )


# The card ------------------------------------------------------------------------------------------------------------


def test_an_expired_card_is_refused(gold_card, library):
    Card.objects.filter(pk=gold_card.pk).update(valid_until=date(2026, 5, 31))
    assert refusal(gym, Card.objects.get(pk=gold_card.pk), library) == (
        "此卡5年管理期已于2026年5月31日届满，已失效（第六条）。"
    )


def test_a_card_on_its_last_day_is_honoured(gold_card, library):
    Card.objects.filter(pk=gold_card.pk).update(valid_until=date(2026, 6, 1))
    assert gym(Card.objects.get(pk=gold_card.pk), library).pk


def test_a_terminated_card_is_refused(gold_card, library):
    hr = UserFactory(roles=[Role.HR_REVIEWER])
    card_terminate(card_id=gold_card.pk, actor=hr, reason="retired")
    assert refusal(gym, gold_card, library) == "此卡已于2026年6月1日终止，不再有效。"


def test_a_superseded_card_is_refused(gold_card, library):
    Card.objects.filter(pk=gold_card.pk).update(state="superseded")
    assert refusal(gym, gold_card, library) == "此卡已因升级为更高等级的卡而被替换（第八条），不再有效：请出示新卡。"


def test_a_silver_card_has_no_schooling_service(silver_card, desks):
    school = desk_user(desks["education-basic"])
    assert refusal(record, silver_card, school, 8) == (
        "银卡不包括子女入学服务（第四条：钻石卡第1–13项，金卡第1–10项，银卡第1–7项）。"
    )


def test_housing_is_refused_until_the_district_marks_the_apartments_in_use(gold_card, desks):
    housing = desk_user(desks["housing-security"])
    assert refusal(record, gold_card, housing, 9) == (
        "区人才公寓尚未投入使用，暂不能安排住房（第四条第（九）项：人才公寓建成并投入使用后方可安排）。此为区里的设置。"
    )
    BenefitSettings.objects.update_or_create(pk=1, defaults={"talent_apartments_in_use": True})
    assert record(gold_card, housing, 9).pk


# The desk ------------------------------------------------------------------------------------------------------------


def test_a_desk_cannot_record_another_desks_service(gold_card, library):
    assert refusal(record, gold_card, library, 1) == "落户服务不是您窗口提供的服务。"


def test_a_desk_cannot_record_at_another_desks_service_point(gold_card, desks):
    culture = desk_user(desks["cultural-centre"])
    with pytest.raises(Refused) as caught:
        gym(gold_card, culture)
    assert (str(caught.value.message), caught.value.field) == ("该地点不是您窗口负责的服务点。", "point")


def test_a_user_cannot_record_for_a_desk_they_do_not_work_for(gold_card, desks, library):
    assert (
        refusal(
            use_record,
            card_id=gold_card.pk,
            desk_id=desks["trade-union"].pk,
            service_id=Service.objects.get(number=10).pk,
            actor=library,
        )
        == "您不属于该服务窗口。"
    )


def test_the_check_shows_only_the_desks_own_services_with_the_quota_left(gold_card, library):
    gym(gold_card, library)
    problem, checks = desk_check(card=gold_card, desks=list(library.service_desks.all()), today=date(2026, 6, 1))
    assert problem is None
    assert [check.service.number for check in checks] == [4]
    assert [(state.quota.uses, state.used, state.remaining) for state in checks[0].quotas] == [(2, 1, 1)]


def test_the_check_answers_in_a_bounded_number_of_queries(gold_card, library, django_assert_max_num_queries):
    desks = list(library.service_desks.all())
    with django_assert_max_num_queries(6):
        desk_check(card=gold_card, desks=desks, today=date(2026, 6, 1))


# Scanning ------------------------------------------------------------------------------------------------------------


def test_a_scanned_token_finds_its_card(gold_card):
    token = card_token_issue(card=gold_card, lifetime=timedelta(minutes=5))
    assert card_from_scan(text=token, now=timezone.now()) == gold_card


def test_the_scanned_text_of_the_cards_qr_code_finds_its_card(gold_card):
    from cards.tokens import card_qr_text

    text = card_qr_text(card_token_issue(card=gold_card, lifetime=timedelta(minutes=5)))
    assert text.startswith("http")
    assert card_from_scan(text=text, now=timezone.now()) == gold_card


def test_a_typed_number_finds_its_card(gold_card):
    assert card_from_scan(text=f" {gold_card.number.lower()} ", now=timezone.now()) == gold_card


def test_a_stale_wallet_token_is_refused(gold_card):
    token = card_token_issue(card=gold_card, lifetime=timedelta(minutes=5))
    assert refusal(card_from_scan, text=token, now=timezone.now() + timedelta(minutes=5) + CLOCK_SKEW) == (
        "此二维码已过期。持卡人电子卡页面上的二维码只在几分钟内有效，这是旧截图或长时间未刷新的页面："
        "请持卡人重新打开电子卡页面，再扫描新的二维码。"
    )


def test_a_forged_token_is_refused(gold_card, settings, tmp_path):
    from cards.keys import signing_key_generate

    token = card_token_issue(card=gold_card)
    settings.CARD_KEYS_DIR = tmp_path / "other-keys"
    forger = signing_key_generate(activate=True)
    forged = card_token_issue(card=gold_card)
    forger.delete()  # the forger's key is not one the district publishes
    assert token != forged
    assert refusal(card_from_scan, text=forged, now=timezone.now()) == (
        "此二维码不是真实的：并非由本平台签发，请勿受理。"
    )


def test_an_unreadable_code_is_refused(db):
    assert refusal(card_from_scan, text="BYTC1:not-base45", now=timezone.now()) == (
        "这不是云聚英才卡的二维码，或未能完整读取：请重新扫描或粘贴完整内容。"
    )


def test_an_unknown_number_is_refused(db):
    assert refusal(card_from_scan, text="BY-G-2026-999999", now=timezone.now()) == "没有卡号为 BY-G-2026-999999 的卡。"
