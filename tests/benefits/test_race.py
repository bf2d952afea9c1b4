"""Two desks recording the last use of a quota at the same moment: exactly one wins (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from benefits.models import Service, ServicePoint, Use
from benefits.selectors import Refused
from benefits.services import use_record
from tests.benefits.conftest import desk_user


def race(attempts) -> list[str]:
    """Runs the attempts at once, each in its own thread and database connection; returns their outcomes."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def attempt(call):
        barrier.wait()
        try:
            call()
            outcomes.append("recorded")
        except Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(call,)) for call in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_desks_recording_the_last_use_of_the_year_exactly_one_wins(desks, diamond_card):
    # 工会服务 and 定期体检 count together (one a year): the trade union and the health desk race for it.
    union, health = desk_user(desks["trade-union"]), desk_user(desks["health-medical"])
    calls = [
        lambda: use_record(
            card_id=diamond_card.pk,
            desk_id=desks["trade-union"].pk,
            service_id=Service.objects.get(number=10).pk,
            actor=union,
        ),
        lambda: use_record(
            card_id=diamond_card.pk,
            desk_id=desks["health-medical"].pk,
            service_id=Service.objects.get(number=11).pk,
            actor=health,
        ),
    ]
    for _round in range(3):
        Use.objects.all().delete()
        assert race(calls) == ["recorded", "refused"]
        assert Use.objects.filter(holder=diamond_card.holder, quota_group="union-or-checkup").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_staff_recording_the_last_gym_session_of_the_month_exactly_one_wins(desks, gold_card):
    staff = [desk_user(desks["library"]), desk_user(desks["library"])]
    point = ServicePoint.objects.get(code="fitness-centre")

    def session(user):
        return lambda: use_record(
            card_id=gold_card.pk,
            desk_id=desks["library"].pk,
            service_id=point.service_id,
            actor=user,
            point_id=point.pk,
            minutes=60,
        )

    session(staff[0])()
    assert race([session(user) for user in staff]) == ["recorded", "refused"]
    assert Use.objects.filter(holder=gold_card.holder, quota_group="fitness").count() == 2
