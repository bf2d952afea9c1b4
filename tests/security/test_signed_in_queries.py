"""Every signed-in page costs a number of queries that does not grow with the rows behind it.

Each GET page of the access matrix, for every role the matrix lets in, is read once to settle the session, counted,
then counted again after the world has grown by many applications, materials, histories and cards in every scope.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, HistoryEntry
from tests.factories import UserFactory
from tests.security.access_matrix import ALLOW, COLUMNS, ROWS
from tests.security.test_access_matrix import (
    World,
    application_in,
    card_of,
    client_for,
    material_of,
    url_of,
    world_build,
)

pytestmark = pytest.mark.django_db

GROWTH = 12
SIGNED_IN = [column for column in COLUMNS if column != "anonymous"]
PAGES = [row for row in ROWS if row.method == "GET" and ALLOW in row.own.split()[1:]]


def grow(world: World) -> None:
    """Many more rows in the scopes of the matrix's users: their unit's, their department's, every reviewer's."""
    own = world.applications["own"]
    states = ["submitted", "initial_passed", "second_passed", "approved"]
    now = timezone.now()
    for index in range(GROWTH):
        application = application_in(
            applicant=UserFactory(roles=[Role.APPLICANT]),
            employer=own.employer,
            state=states[index % 4],
            number=f"BY2026{index + 100:07d}",
        )
        Application.objects.filter(pk=application.pk).update(determined_tier="gold" if index % 4 > 1 else "")
        material_of(application)
        HistoryEntry.objects.create(
            application=application,
            transition="submit",
            source_state="draft",
            target_state="submitted",
            actor=application.applicant,
            actor_role="applicant",
            created_at=now - timedelta(days=2),
        )
        if index % 4 == 3:
            card = card_of(application)
            card.number = f"BY-G-2026-9{index:05d}"
            card.save(update_fields=["number"])


@pytest.fixture
def world(signing_key) -> World:
    return world_build()


def read(client, url: str):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # a download's file is closed once read
    return response


@pytest.mark.parametrize("row", PAGES, ids=lambda row: row.name)
def test_signed_in_page_costs_the_same_number_of_queries_with_more_rows(world, row, django_assert_num_queries):
    allowed = [column for column, cell in zip(COLUMNS, row.own.split(), strict=True) if cell == ALLOW]
    clients, counts = {}, {}
    for column in SIGNED_IN:
        if column not in allowed:
            continue
        clients[column] = client_for(world, column)
        url = url_of(row, world, column, "own")
        read(clients[column], url)
        with CaptureQueriesContext(connection) as captured:
            read(clients[column], url)
        counts[column] = (url, len(captured.captured_queries))
    grow(world)
    for column, (url, count) in counts.items():
        with django_assert_num_queries(count):
            response = read(clients[column], url)
        # An unknown or used invitation link is answered by its explanation page, as 410 Gone.
        assert response.status_code < 400 or response.status_code == 410, (column, url)
