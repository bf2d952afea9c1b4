"""Bookings (第四条（十三）, 服务指南 十三（三）): two uses a year, the lead times, the ten items, changes and
cancellations recorded, the holder told; and the museum visit booked ahead (第四条（四）)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from benefits.models import BenefitSettings, Booking, BookingEvent, Service, ServicePoint, Use
from benefits.selectors import Refused
from benefits.services import booking_cancel, booking_change, booking_confirm, booking_file
from tests.benefits.conftest import desk_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def airport_fields(**overrides) -> dict:
    """The ten items of 服务指南 十三（三）2 for a domestic drop-off."""
    fields = {
        "holder_name": "张明",
        "direction": Booking.Direction.DROP_OFF,
        "international": False,
        "flight_number": "CZ3101",
        "passengers": 1,
        "passenger_names": "张明",
        "phone": "13800138000",
        "escorts": 1,
        "escort_names": "李华",
        "vehicles": 1,
        "plates": "粤A12345",
        "checked_baggage": True,
        "name_sign": None,
    }
    return fields | overrides


def book_flight(card, *, starts_at=None, **overrides) -> Booking:
    return booking_file(
        holder=card.holder,
        service_id=Service.objects.get(number=13).pk,
        point_id=None,
        starts_at=starts_at or timezone.now() + timedelta(days=3),
        fields=airport_fields(**overrides),
    )


def refused(callable_, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        callable_(*args, **kwargs)
    return caught.value


@pytest.fixture
def airport(desks):
    return desk_user(desks["investment-airport"])


def test_a_booking_holds_one_use_at_its_service_point(diamond_card, desks):
    booking = book_flight(diamond_card)
    assert (booking.state, booking.point.code, booking.name_sign) == ("requested", "domestic-vip-lounge", None)
    assert (booking.use.quota_group, booking.use.desk.code) == ("airport", "investment-airport")
    international = book_flight(diamond_card, international=True, direction=Booking.Direction.PICK_UP, name_sign=True)
    assert (international.point.code, international.name_sign) == ("international-reception", True)


def test_the_third_airport_use_of_a_year_is_refused(diamond_card, desks):
    book_flight(diamond_card)
    book_flight(diamond_card)
    assert str(refused(book_flight, diamond_card).message) == (
        "便捷通关服务：持卡人2026年的 2 次已用 2 次（每个自然年最多 2 次）。下一次最早可于 2027年1月1日 使用。"
    )


def test_a_flight_next_year_counts_in_next_years_quota(diamond_card, desks):
    book_flight(diamond_card)
    book_flight(diamond_card)
    next_year = book_flight(diamond_card, starts_at=datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI))
    assert str(next_year.use.period_starts_on) == "2027-01-01"


def test_a_cancellation_gives_the_use_back(diamond_card, desks):
    first = book_flight(diamond_card)
    book_flight(diamond_card)
    booking_cancel(booking_id=first.pk, actor=diamond_card.holder, reason="行程取消")
    assert Use.objects.get(pk=first.use_id).cancelled_at is not None
    assert Booking.objects.get(pk=first.pk).use is None
    assert book_flight(diamond_card).pk


def test_a_gold_holder_has_no_airport_service(gold_card, desks):
    assert str(refused(book_flight, gold_card).message) == (
        "金卡不包括便捷通关服务（第四条：钻石卡第1–13项，金卡第1–10项，银卡第1–7项）。"
    )


@pytest.mark.parametrize(
    ("international", "lead", "accepted"),
    [
        (False, timedelta(hours=1, minutes=59), False),
        (False, timedelta(hours=2), True),
        (True, timedelta(hours=2, minutes=59), False),
        (True, timedelta(hours=3), True),
    ],
)
def test_the_lead_time_at_its_boundary(diamond_card, desks, international, lead, accepted):
    with time_machine.travel(datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        if accepted:
            assert book_flight(diamond_card, starts_at=timezone.now() + lead, international=international).pk
        else:
            error = refused(book_flight, diamond_card, starts_at=timezone.now() + lead, international=international)
            expected = {
                False: "国内航班须不迟于航班起飞/抵达（2026年6月1日 11:59）前 2 小时预约，现已超过预约时限。",
                True: "国际航班须不迟于航班起飞/抵达（2026年6月1日 12:59）前 3 小时预约，现已超过预约时限。",
            }[international]
            assert (str(error.message), error.field) == (expected + "如需帮助请致电预约电话。", "starts_at")
            assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("holder_name", "", "请填写持卡人姓名。"),
        ("direction", "", "请选择接机或送机。"),
        ("international", None, "请选择国内航班或国际航班。"),
        ("flight_number", "", "请填写航班号。"),
        ("passengers", None, "请填写乘机人数。"),
        ("passenger_names", "", "请填写乘机人姓名。"),
        ("phone", "", "请填写联系电话。"),
        ("escorts", None, "请填写送机/接机人员人数（没有请填0）。"),
        ("escort_names", "", "请填写送机/接机人员姓名。"),
        ("vehicles", None, "请填写车辆数量（没有请填0）。"),
        ("plates", "", "请填写车牌号。"),
        ("checked_baggage", None, "请选择是否有托运行李。"),
    ],
)
def test_a_booking_missing_one_of_the_ten_items_is_refused(diamond_card, desks, field, value, message):
    error = refused(book_flight, diamond_card, **{field: value})
    assert (str(error.message), error.field) == (message, field)
    assert not Booking.objects.exists()


def test_a_pick_up_must_say_whether_to_hold_up_a_name_sign(diamond_card, desks):
    error = refused(book_flight, diamond_card, direction=Booking.Direction.PICK_UP, name_sign=None)
    assert (str(error.message), error.field) == ("请选择接机时是否举牌。", "name_sign")


def test_no_escorts_and_no_vehicles_need_no_names_or_plates(diamond_card, desks):
    assert book_flight(diamond_card, escorts=0, escort_names="", vehicles=0, plates="").pk


def test_the_flight_date_must_be_given(diamond_card, desks):
    error = refused(
        booking_file,
        holder=diamond_card.holder,
        service_id=Service.objects.get(number=13).pk,
        point_id=None,
        starts_at=None,
        fields=airport_fields(),
    )
    assert (str(error.message), error.field) == ("请填写航班日期及起飞/抵达时间。", "starts_at")


def test_the_desk_confirms_changes_and_cancels_and_the_holder_is_told(
    diamond_card, airport, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_flight(diamond_card, starts_at=datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI))
        booking_confirm(booking_id=booking.pk, actor=airport)
        booking_change(
            booking_id=booking.pk,
            actor=airport,
            changes={"flight_number": "CZ3103", "starts_at": datetime(2026, 6, 5, 15, 0, tzinfo=SHANGHAI)},
        )
        booking_cancel(booking_id=booking.pk, actor=airport, reason="航班取消")
    events = list(BookingEvent.objects.filter(booking=booking).values_list("action", "note"))
    assert events == [
        ("file", ""),
        ("confirm", ""),
        ("change", "航班号: CZ3101 → CZ3103\n日期和时间: 2026年6月5日 09:00 → 2026年6月5日 15:00"),
        ("cancel", "航班取消"),
    ]
    assert [mail.to for mail in mailoutbox] == [[diamond_card.holder.email]] * 4
    # In the holder's language only (Chinese unless they chose English).
    assert mailoutbox[2].subject == f"预约 {booking.number}：已修改"
    assert "航班号: CZ3101 → CZ3103" in mailoutbox[2].body
    assert Use.objects.get(pk=booking.use_id).cancelled_at is not None
    assert Booking.objects.get(pk=booking.pk).use is None


def test_a_change_into_next_year_moves_the_use(diamond_card, airport):
    booking = book_flight(diamond_card)
    old_use = booking.use_id
    booking_change(
        booking_id=booking.pk, actor=airport, changes={"starts_at": datetime(2027, 2, 1, 9, 0, tzinfo=SHANGHAI)}
    )
    booking.refresh_from_db()
    assert Use.objects.get(pk=old_use).cancelled_at is not None
    assert str(booking.use.period_starts_on) == "2027-01-01"


def test_a_change_keeps_the_lead_time(diamond_card, airport):
    booking = book_flight(diamond_card)
    error = refused(
        booking_change,
        booking_id=booking.pk,
        actor=airport,
        changes={"starts_at": timezone.now() + timedelta(minutes=90)},
    )
    assert error.field == "starts_at"


def test_only_the_desk_confirms_and_changes(diamond_card, desks):
    booking = book_flight(diamond_card)
    assert str(refused(booking_confirm, booking_id=booking.pk, actor=diamond_card.holder).message) == (
        "预约只能由服务窗口确认。"
    )
    with pytest.raises(Booking.DoesNotExist):
        booking_confirm(booking_id=booking.pk, actor=desk_user(desks["library"]))


def test_another_holder_cannot_cancel_a_booking(diamond_card, signing_key, desks):
    from tests.factories import issued_card

    booking = book_flight(diamond_card)
    other = issued_card(route="diamond")
    with pytest.raises(Booking.DoesNotExist):
        booking_cancel(booking_id=booking.pk, actor=other.holder)


def test_round_trip_counting_lets_a_return_pick_up_hold_no_use(diamond_card, desks):
    BenefitSettings.objects.update_or_create(pk=1, defaults={"airport_count": "round_trip"})
    drop_off = book_flight(diamond_card)
    pick_up = book_flight(diamond_card, direction=Booking.Direction.PICK_UP, name_sign=True, return_of=drop_off)
    assert pick_up.use is None
    assert book_flight(diamond_card).use is not None
    # Cancelling the drop-off leaves its use with the return pick-up that still stands.
    held = drop_off.use_id
    booking_cancel(booking_id=drop_off.pk, actor=diamond_card.holder)
    assert Booking.objects.get(pk=pick_up.pk).use_id == held
    assert Use.objects.get(pk=held).cancelled_at is None


def test_a_museum_visit_is_booked_ahead_without_a_quota(gold_card, desks):
    museum = ServicePoint.objects.get(code="district-museum")
    booking = booking_file(
        holder=gold_card.holder,
        service_id=museum.service_id,
        point_id=museum.pk,
        starts_at=timezone.now() + timedelta(days=2),
        fields={"note": "3人"},
    )
    assert (booking.point, booking.use, booking.note, booking.point.desk.code) == (
        museum,
        None,
        "3人",
        "cultural-centre",
    )
