"""The generated access matrix: every URL pattern of the project × every role × own and foreign object.

The expectations live in tests/security/access_matrix.py; this module builds a small world, walks the URL resolver and
checks each cell. A URL without a row fails `test_every_url_pattern_has_a_row`.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from applications.models import Application, Material
from benefits.catalogue import catalogue_load
from benefits.models import Booking, ServicePoint
from cards.models import Card, MidtermAssessment
from reviews.models import ExportStatus, QueueExport
from rosters.models import Invitation, Roster, RosterRow
from tests.factories import DepartmentFactory, EmployerFactory, ServiceDeskFactory, UserFactory
from tests.security.access_matrix import ADMIN_DEFAULT, ADMIN_EXCEPTIONS, ALLOW, COLUMNS, DENY, LOGIN, ROWS, Row

pytestmark = pytest.mark.django_db


def url_patterns(resolver: URLResolver | None = None, namespace: str = "", prefix: str = "") -> list[tuple[str, str]]:
    """Every URL pattern of the project as (namespace:name, route), found by walking the resolver.

    An unnamed pattern (the admin's redirects and catch-all) is named by its route.
    """
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            found += url_patterns(pattern, inner, route)
        elif pattern.name:
            found.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, route))
        else:
            found.append((f"{namespace}:{route}", route))
    return found


def test_every_url_pattern_has_a_row():
    portal = {name for name, _route in url_patterns() if not name.startswith("admin:")}
    assert portal == {row.name for row in ROWS}, "add a row to tests/security/access_matrix.py for each new URL"


# The world: two departments, an employer in each, one user a role, an application, a material and an export on
# each side. "Own" objects belong to (or are in the scope of) the user of the column; "foreign" ones do not.


@dataclass
class World:
    users: dict[str, object]
    applications: dict[str, Application]
    materials: dict[str, Material]
    cards: dict[str, Card]
    midterms: dict[str, MidtermAssessment]
    bookings: dict[str, Booking]
    rosters: dict[str, Roster]
    invitations: dict[str, Invitation]


def application_in(*, applicant, employer, state: str, number: str) -> Application:
    now = timezone.now()
    return Application.objects.create(
        applicant=applicant,
        number=number,
        state=state,
        full_name=applicant.full_name,
        employer=employer,
        department=employer.department,
        kind="new",
        requested_tier="gold",
        submitted_at=now - timedelta(days=3),
        stage_entered_at=now - timedelta(days=1),
        passed_initial_at=now if state != "submitted" else None,
        evaluation={"criteria": ["G06"], "tier": "gold", "eligible": True, "evidence": []},
    )


def material_of(application: Application) -> Material:
    name = default_storage.save(f"materials/{application.pk}.jpg", ContentFile(b"\xff\xd8\xff\xe0 scan"))
    return Material.objects.create(
        application=application,
        item="identity",
        file=name,
        original_name="scan.jpg",
        kind="jpeg",
        content_type="image/jpeg",
        size=10,
        sha256="0" * 64,
        revision=1,
        uploaded_by=application.applicant,
    )


@pytest.fixture
def world(signing_key) -> World:
    """The world, with a key that signs the cards' tokens and the published status list."""
    return world_build()


def world_build() -> World:
    own_department, other_department = DepartmentFactory(), DepartmentFactory()
    own_employer, other_employer = (
        EmployerFactory(department=own_department),
        EmployerFactory(department=other_department),
    )
    users = {column: UserFactory(username=column, roles=[Role(column)]) for column in COLUMNS if column in Role.values}
    users["employer"].employers.add(own_employer)
    users["department_reviewer"].departments.add(own_department)
    users["service_desk"].service_desks.add(ServiceDeskFactory())
    users["staff"] = UserFactory(username="staff", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=users["staff"], name="phone", confirmed=True)
    other_applicant = UserFactory(username="other-applicant", roles=[Role.APPLICANT])
    applications = {
        # Past the initial review: in the scope of the applicant, the unit, the department and every reviewer.
        "own": application_in(
            applicant=users["applicant"], employer=own_employer, state="initial_passed", number="BY20260000001"
        ),
        # Waiting for another department: only the talent office and the auditor see it.
        "foreign": application_in(
            applicant=other_applicant, employer=other_employer, state="submitted", number="BY20260000002"
        ),
    }
    materials = {which: material_of(application) for which, application in applications.items()}
    cards = {which: card_of(application) for which, application in applications.items()}
    midterms = {which: midterm_of(card) for which, card in cards.items()}
    bookings = bookings_of(cards, desk=users["service_desk"].service_desks.get())
    rosters = {
        "own": roster_of(own_employer, uploaded_by=users["employer"]),
        "foreign": roster_of(other_employer, uploaded_by=other_applicant),
    }
    invitations = {
        "own": invitation_of(rosters["own"], person=users["applicant"]),
        "foreign": invitation_of(rosters["foreign"], person=other_applicant),
    }
    return World(
        users=users,
        applications=applications,
        materials=materials,
        cards=cards,
        midterms=midterms,
        bookings=bookings,
        rosters=rosters,
        invitations=invitations,
    )


def roster_of(employer, *, uploaded_by) -> Roster:
    """A confirmed roster of the employer, with its private file."""
    name = default_storage.save(f"rosters/{employer.pk}/roster.xlsx", ContentFile(b"PK roster"))
    return Roster.objects.create(
        employer=employer,
        uploaded_by=uploaded_by,
        file=name,
        original_name="roster.xlsx",
        status="confirmed",
        on_date=timezone.localdate(),
        rows_total=1,
    )


def invitation_of(roster: Roster, *, person) -> Invitation:
    """An invitation from the roster's one row, opened by the person."""
    row = RosterRow.objects.create(roster=roster, row_number=2, full_name=person.full_name, eligible=True)
    return Invitation.objects.create(
        row=row,
        employer=roster.employer,
        document_number=f"matrix-{roster.pk}",
        token_hash=f"{roster.pk:064d}",
        expires_at=timezone.now() + timedelta(days=30),
        person=person,
        opened_at=timezone.now(),
        status="opened",
    )


def bookings_of(cards: dict[str, Card], *, desk) -> dict[str, Booking]:
    """A museum visit booked on each card: the own one at a service point of the matrix's desk, the foreign one at a
    point of no desk of the matrix."""
    catalogue_load()
    museum = ServicePoint.objects.get(code="district-museum")
    points = {
        "own": ServicePoint.objects.create(service=museum.service, code="matrix", zh="馆", en="Hall", desk=desk),
        "foreign": museum,
    }
    return {
        which: Booking.objects.create(
            number=f"BK-MATRIX-{which}",
            card=card,
            holder=card.holder,
            service=museum.service,
            point=points[which],
            starts_at=timezone.now() + timedelta(days=2),
        )
        for which, card in cards.items()
    }


def card_of(application: Application) -> Card:
    """A valid card of the application's holder, at its employer and department, with its photo and credential."""
    today = timezone.localdate()
    return Card.objects.create(
        credential=default_storage.save(f"cards/{application.pk}.pdf", ContentFile(b"%PDF-1.7 card")),
        photo=application.materials.first(),
        number=f"BY-G-2026-{application.pk:06d}",
        application=application,
        holder=application.applicant,
        tier="gold",
        state="active",
        holder_name=application.full_name,
        employer=application.employer,
        department=application.department,
        issued_at=timezone.now(),
        valid_from=today,
        valid_until=today + timedelta(days=5 * 365),
    )


def midterm_of(card: Card) -> MidtermAssessment:
    name = default_storage.save(f"midterm/{card.pk}.jpg", ContentFile(b"\xff\xd8\xff\xe0 report"))
    return MidtermAssessment.objects.create(
        card=card, due_on=timezone.localdate(), report_file=name, report_file_name="report.jpg"
    )


def export_of(user, role: str) -> QueueExport:
    name = default_storage.save("exports/queue.csv", ContentFile(b"number\n"))
    return QueueExport.objects.create(user=user, role=role, format="csv", status=ExportStatus.READY, file=name)


def client_for(world: World, column: str) -> Client:
    client = Client()
    if column == "anonymous":
        return client
    user = world.users[column]
    client.force_login(user)
    if column == "staff":
        device = TOTPDevice.objects.get(user=user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def url_of(row: Row, world: World, column: str, which: str) -> str:
    """The row's URL for the column's own or a foreign object."""
    own = which == "own"
    kwargs = dict(row.kwargs if own or not row.foreign_kwargs else row.foreign_kwargs)
    if row.target == "application":
        kwargs["pk"] = world.applications[which].pk
    elif row.target == "material":
        kwargs["pk"] = world.materials[which].pk
    elif row.target == "card":
        kwargs["pk"] = world.cards[which].pk
    elif row.target == "midterm":
        kwargs["pk"] = world.midterms[which].pk
    elif row.target == "booking":
        kwargs["pk"] = world.bookings[which].pk
    elif row.target == "roster":
        kwargs["pk"] = world.rosters[which].pk
    elif row.target == "invitation":
        kwargs["pk"] = world.invitations[which].pk
    elif row.target == "role":
        own_role = column if column in Role.values else Role.APPLICANT.value
        kwargs["role"] = own_role if own else (Role.AUDITOR.value if own_role != "auditor" else Role.HR_REVIEWER.value)
    elif row.target == "export":
        other = "talent_office" if column == "hr_reviewer" else "hr_reviewer"
        holder = world.users.get(column) if own else world.users[other]
        role = column if own and column in Role.values else other
        kwargs["pk"] = export_of(holder or world.users["staff"], role).pk
    return reverse(row.name, kwargs=kwargs)


def outcome(response, *, login_url: str) -> str:
    """allow (the view did its work, whatever it answered), deny (403/404) or login (sent to sign in)."""
    if response.streaming:
        b"".join(response.streaming_content)  # the test client closes a download's file once read
    assert response.status_code < 500, response
    assert response.status_code != 405, "the row's method is not the route's"
    if response.status_code in (403, 404):
        return DENY
    if response.status_code == 302 and response.headers["Location"].startswith(login_url):
        return LOGIN
    return ALLOW


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_portal_access(world, row):
    """One row of the matrix: each column's own and foreign object, in one world (the columns do not interfere)."""
    actual = {}
    for which in row.expectations():
        line = []
        for column in COLUMNS:
            url = url_of(row, world, column, which)
            response = getattr(client_for(world, column), row.method.lower())(url, row.data)
            line.append(outcome(response, login_url="/accounts/login/"))
        actual[which] = line

    assert actual == row.expectations()


def admin_url(route: str, world: World) -> str:
    """A concrete URL of an admin route: a registered app's label; the staff user's own row and device; else the id of
    no object (the admin says so itself)."""
    staff = world.users["staff"]
    object_id = {"accounts/user/": staff.pk, "otp_totp/totpdevice/": TOTPDevice.objects.get(user=staff).pk}
    found = str(next((pk for prefix, pk in object_id.items() if prefix in route), 10**9))
    route = re.sub(r"\(\?P<app_label>[^)]*\)", "accounts", route)
    route = re.sub(r"\(\?P<url>\.\*\)", "unknown/", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: "accounts" if match[1] == "app_label" else found, route)
    return "/" + route.replace("^", "").replace("$", "")


ADMIN_ROUTES = [(name, route) for name, route in url_patterns() if name.startswith("admin:")]


@pytest.mark.parametrize(("name", "route"), ADMIN_ROUTES, ids=[name for name, _route in ADMIN_ROUTES])
def test_admin_access(world, name, route):
    url = admin_url(route, world)
    actual = []
    for column in COLUMNS:
        client = client_for(world, column)
        response = client.post(url) if name == "admin:logout" else client.get(url)
        actual.append(outcome(response, login_url="/admin/login/"))

    assert actual == ADMIN_EXCEPTIONS.get(name, ADMIN_DEFAULT).split()
