"""Writes of 免申即享: roster upload and evaluation, confirmation and invitations, the invitee's consent, correction,
application and decline, and the deletion of roster files after the retention period."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Employer, User
from accounts.roles import Role
from applications.lists_port import list_facts, profile_apply
from applications.models import Application
from applications.notices import message_send
from applications.services import WorkflowError, application_create, application_update, today_local
from applications.workflow import State
from eligibility.engine import evaluate, unlockable
from eligibility.profile import ProfileError, parse_profile
from eligibility.selectors import catalogue_published
from rosters.columns import COLUMN_BY_KEY
from rosters.models import (
    Consent,
    Invitation,
    InvitationStatus,
    Roster,
    RosterRow,
    RosterStatus,
)
from rosters.reader import MAX_BYTES, CellReader, ParsedRow, RosterRefused, roster_rows

# Rows stored at once, and the progress written as often.
BATCH_ROWS = 1000
# 免申即享: a declined or ignored invitation is not sent to the same person again for a year.
RESEND_AFTER = timedelta(days=365)
INVITATION_VALID_FOR = timedelta(days=30)


class RosterError(Exception):
    """A refused roster action, in the user's language."""


def employers_of_officer(user: User):
    """The employers whose rosters the officer keeps."""
    if not user.has_role(Role.EMPLOYER):
        return Employer.objects.none()
    return user.employers.all()


def roster_upload(*, actor: User, employer_id: int, file) -> Roster:
    """Stores the file privately as a roster being read and queues the reading; the request returns at once."""
    employer = employers_of_officer(actor).get(pk=employer_id)
    size = getattr(file, "size", None) or 0
    if size > MAX_BYTES:
        raise RosterError(_("A roster file may not exceed %(limit)d MB.") % {"limit": MAX_BYTES // (1024 * 1024)})
    name = default_storage.save(f"rosters/{employer.pk}/{uuid.uuid4().hex}.xlsx", file)
    original = (getattr(file, "name", "") or "roster.xlsx").rsplit("/", 1)[-1][:150]
    roster = Roster.objects.create(
        employer=employer,
        uploaded_by=actor,
        file=name,
        original_name=original,
        size=size,
        on_date=today_local(),
    )
    from rosters.tasks import process_roster

    transaction.on_commit(lambda: process_roster.delay(roster_id=roster.pk))
    return roster


def _other_employer_numbers(*, employer_id: int, numbers: list[str]) -> set[str]:
    """Identity numbers among `numbers` that another employer has on a confirmed roster or in an application."""
    if not numbers:
        return set()
    on_rosters = RosterRow.objects.filter(document_number__in=numbers, roster__status=RosterStatus.CONFIRMED).exclude(
        roster__employer_id=employer_id
    )
    applied = Application.objects.filter(document_number__in=numbers, employer__isnull=False).exclude(
        Q(employer_id=employer_id) | Q(state__in=[State.DRAFT, State.WITHDRAWN, State.REJECTED])
    )
    return set(on_rosters.values_list("document_number", flat=True)) | set(
        applied.values_list("document_number", flat=True)
    )


class _Evaluator:
    """Evaluates parsed rows with one compiled catalogue and the department lists of the roster's employer."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.catalogue = catalogue_published()
        self.policy = self.catalogue.policy_for(roster.on_date) or self.catalogue.policy_latest(roster.on_date)
        self.reader = CellReader(policy=self.policy, today=roster.on_date)
        self.seen: dict[str, int] = {}
        # The same employer and date for every row: what the department lists say is read once.
        self.facts = list_facts(employer_id=roster.employer_id, on_date=roster.on_date)

    def row(self, parsed: ParsedRow) -> RosterRow:
        number = parsed.person.get("document_number", "")
        if number:
            first = self.seen.setdefault(number, parsed.number)
            if first != parsed.number:
                column = COLUMN_BY_KEY["document_number"]
                parsed.error(column, f"与第 {first} 行的身份证号码相同", f"the same resident ID number as row {first}")
        stored = RosterRow(
            roster=self.roster,
            row_number=parsed.number,
            full_name=parsed.person.get("full_name", ""),
            document_number=number,
            mobile=parsed.person.get("mobile", ""),
            email=parsed.person.get("email", ""),
            job_title=parsed.person.get("job_title", ""),
            unknown=parsed.unknown,
            errors=parsed.errors,
        )
        facts = self.facts
        profile = profile_apply(parsed.profile, facts=facts)

        stored.profile = profile
        stored.list_confirmations = list(facts.confirmations)
        if parsed.errors:
            return stored
        try:
            parsed_profile = parse_profile(
                {**profile, "on_date": self.roster.on_date.isoformat()},
                today=self.roster.on_date,
                known_honours=self.catalogue.honour_codes,
            )
        except ProfileError as error:
            stored.errors = [{"column_zh": error.field, "column_en": error.field, "zh": error.zh, "en": error.en}]
            return stored
        result = evaluate(parsed_profile, catalogue=self.catalogue)
        stored.eligible = result.eligible
        stored.tier = result.tier or ""
        stored.criteria = list(result.criteria)
        stored.blockers = list(result.blockers)
        if parsed.unknown:
            # Only fields the roster asks can be missing: the lists' fields are decided by the lists.
            unknown = [name for name in parsed.unknown if name not in facts.profile]
            open_questions = unlockable(parsed_profile, unknown_fields=unknown, catalogue=self.catalogue)
            stored.undecided = [
                {"code": unlock.code, "tier": unlock.tier, "needs": list(unlock.needs)}
                for unlock in open_questions.unlocks
            ]
        return stored


def _flag_other_employers(roster: Roster, rows: list[RosterRow]) -> None:
    others = _other_employer_numbers(
        employer_id=roster.employer_id, numbers=[row.document_number for row in rows if row.document_number]
    )
    for row in rows:
        if row.document_number in others:
            row.other_employer = True


def _rows_store(rows: list[RosterRow]) -> None:
    """Inserts a batch of rows; on PostgreSQL by COPY, which spares the client a 20,000-placeholder INSERT to build
    and the server its parsing (the rows need no primary key back)."""
    if connection.vendor != "postgresql":
        RosterRow.objects.bulk_create(rows)
        return
    fields = [field for field in RosterRow._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(RosterRow._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields])


def roster_process(*, roster_id: int) -> Roster:
    """Reads, validates and evaluates every row, storing them in batches with the progress; a file that is not the
    template is refused as a whole and keeps no row. The roster stays a draft until its officer confirms it."""
    roster = Roster.objects.get(pk=roster_id)
    if roster.status != RosterStatus.PROCESSING:
        return roster
    RosterRow.objects.filter(roster=roster).delete()
    evaluator = _Evaluator(roster)
    batch: list[RosterRow] = []
    done = qualifying = with_errors = 0

    def flush() -> None:
        nonlocal qualifying, with_errors
        _flag_other_employers(roster, batch)
        _rows_store(batch)
        qualifying += sum(1 for row in batch if row.qualifies)
        with_errors += sum(1 for row in batch if row.errors)
        Roster.objects.filter(pk=roster.pk).update(rows_done=done)
        batch.clear()

    try:
        with default_storage.open(roster.file.name, "rb") as stream:
            for parsed in roster_rows(stream, reader=evaluator.reader):
                batch.append(evaluator.row(parsed))
                done += 1
                if len(batch) >= BATCH_ROWS:
                    flush()
            if batch:
                flush()
    except RosterRefused as refused:
        RosterRow.objects.filter(roster=roster).delete()
        Roster.objects.filter(pk=roster.pk).update(
            status=RosterStatus.REFUSED, refusal=f"{refused.zh}\n{refused.en}", rows_done=0
        )
        roster.refresh_from_db()
        return roster
    if done == 0:
        Roster.objects.filter(pk=roster.pk).update(
            status=RosterStatus.REFUSED,
            refusal="花名册中没有任何人员。\nThe roster lists nobody.",
        )
    else:
        Roster.objects.filter(pk=roster.pk).update(
            status=RosterStatus.DRAFT,
            rows_total=done,
            rows_done=done,
            rows_qualifying=qualifying,
            rows_with_errors=with_errors,
        )
    roster.refresh_from_db()
    return roster


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _recently_invited(numbers: list[str], *, now) -> set[str]:
    """People invited in the last year whose invitation was declined or ignored (or is still open)."""
    return set(
        Invitation.objects.filter(document_number__in=numbers, sent_at__gte=now - RESEND_AFTER)
        .exclude(status=InvitationStatus.APPLIED)
        .values_list("document_number", flat=True)
    )


def roster_confirm(*, roster_id: int, actor: User, row_ids: list[int] | None = None) -> list[Invitation]:
    """Confirms a draft roster and invites the qualifying rows the officer chose (all of them when None).

    A row with errors, of another employer's staff, or of someone invited within the year is never invited. The
    invitations go out by SMS and e-mail once the transaction commits.
    """
    now = timezone.now()
    with transaction.atomic():
        roster = Roster.objects.select_for_update().filter(employer__in=employers_of_officer(actor)).get(pk=roster_id)
        if roster.status != RosterStatus.DRAFT:
            raise RosterError(_("This roster is not a draft awaiting confirmation."))
        rows = list(roster.rows.filter(eligible=True, other_employer=False, errors=[]))
        if row_ids is not None:
            chosen = set(row_ids)
            rows = [row for row in rows if row.pk in chosen]
        recent = _recently_invited([row.document_number for row in rows], now=now)
        invitations: list[tuple[Invitation, str]] = []
        for row in rows:
            if row.document_number in recent or not (row.mobile or row.email):
                continue
            token = secrets.token_urlsafe(32)
            invitation = Invitation.objects.create(
                row=row,
                employer=roster.employer,
                document_number=row.document_number,
                token_hash=_token_hash(token),
                sent_at=now,
                expires_at=now + INVITATION_VALID_FOR,
            )
            invitations.append((invitation, token))
            recent.add(row.document_number)
        roster.status = RosterStatus.CONFIRMED
        roster.confirmed_at = now
        roster.confirmed_by = actor
        roster.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        pending = [(invitation.pk, token) for invitation, token in invitations]
        transaction.on_commit(lambda: [invitation_deliver(invitation_id=pk, token=token) for pk, token in pending])
    return [invitation for invitation, _token in invitations]


def roster_discard(*, roster_id: int, actor: User) -> None:
    """Drops a draft roster: its rows and its file go, nothing was sent."""
    with transaction.atomic():
        roster = Roster.objects.select_for_update().filter(employer__in=employers_of_officer(actor)).get(pk=roster_id)
        if roster.status not in (RosterStatus.DRAFT, RosterStatus.REFUSED):
            raise RosterError(_("Only a draft or refused roster can be discarded."))
        roster.rows.all().delete()
        name = roster.file.name
        roster.status = RosterStatus.DISCARDED
        roster.file = ""
        roster.file_deleted_at = timezone.now()
        roster.save(update_fields=["status", "file", "file_deleted_at"])
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))


def invitation_link(token: str) -> str:
    """The one-time link: the token only, no personal data."""
    return settings.PUBLIC_BASE_URL + reverse("rosters:invitation_open", kwargs={"token": token})


def invitation_deliver(*, invitation_id: int, token: str) -> None:
    """Sends the invitation by SMS and e-mail through the notices; a failed e-mail is recorded, not raised."""
    invitation = Invitation.objects.select_related("row", "employer").get(pk=invitation_id)
    row = invitation.row
    context = {"employer": invitation.employer, "link": invitation_link(token), "expires_at": invitation.expires_at}
    with translation.override("zh-hans"):
        subject_zh = render_to_string("rosters/email/invitation_subject.txt", context).strip()
        body_zh = render_to_string("rosters/email/invitation_body.txt", context).strip()
    with translation.override("en"):
        subject_en = render_to_string("rosters/email/invitation_subject.txt", context).strip()
        body_en = render_to_string("rosters/email/invitation_body.txt", context).strip()
    # Through the portal's notices: SMS and e-mail, a failed e-mail recorded (the SMS carries the same link; the
    # token is kept only as its hash, so the link cannot be sent again later).
    updates = message_send(
        mobile=row.mobile,
        email=row.email,
        subject=f"{subject_zh} / {subject_en}",
        body_zh=body_zh,
        body_en=body_en,
    )
    Invitation.objects.filter(pk=invitation.pk).update(**updates)


class InvitationError(Exception):
    """A refused use of an invitation link, in the user's language."""


def invitation_for_token(*, token: str) -> Invitation:
    """The invitation a link names; InvitationError when it is unknown, spent, declined or expired."""
    invitation = Invitation.objects.select_related("employer", "row").filter(token_hash=_token_hash(token)).first()
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid. Check that the whole link was opened."))
    if invitation.opened_at is not None:
        raise InvitationError(
            _("This invitation link has already been used. Sign in with the account that used it to continue.")
        )
    if invitation.status == InvitationStatus.DECLINED:
        raise InvitationError(_("This invitation was declined."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation link expired on %(date)s. Your employer or the talent office can tell you more.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")}
        )
    return invitation


def invitation_open(*, token: str, person: User) -> Invitation:
    """Spends the one-time link: the invitation becomes the signed-in person's. The link was sent to a mobile and an
    e-mail address; one of them must be the account's, so that a forwarded link does not hand the data over."""
    with transaction.atomic():
        invitation = invitation_for_token(token=token)
        invitation = Invitation.objects.select_for_update().select_related("row").get(pk=invitation.pk)
        if invitation.opened_at is not None:
            raise InvitationError(_("This invitation link has already been used."))
        row = invitation.row
        matches = (row.mobile and row.mobile == person.mobile) or (
            row.email and row.email.lower() == (person.email or "").lower()
        )
        if not matches or not person.has_role(Role.APPLICANT):
            raise InvitationError(
                _(
                    "This invitation was sent to another mobile number or e-mail address. Sign in with the account "
                    "registered with the mobile or e-mail that received it."
                )
            )
        invitation.person = person
        invitation.opened_at = timezone.now()
        invitation.status = InvitationStatus.OPENED
        invitation.save(update_fields=["person", "opened_at", "status"])
    return invitation


def invitation_of_person(*, invitation_id: int, person: User) -> Invitation:
    return Invitation.objects.select_related("row", "employer", "application").get(pk=invitation_id, person=person)


def invitation_statement(invitation: Invitation) -> dict:
    """What the employer stated, with the person's corrections over it: {"person": {...}, "profile": {...}}."""
    row = invitation.row
    stated = {
        "person": {
            "full_name": row.full_name,
            "document_number": row.document_number,
            "mobile": row.mobile,
            "email": row.email,
            "job_title": row.job_title,
        },
        "profile": row.profile,
    }
    if invitation.corrected:
        return {
            "person": {**stated["person"], **invitation.corrected.get("person", {})},
            "profile": invitation.corrected.get("profile", stated["profile"]),
        }
    return stated


def invitation_consent(
    *, invitation_id: int, person: User, purpose: str, data: str, recipients: str, corrected: dict | None
) -> Invitation:
    """Records the consent as it was shown (PIPL 第十四条) and the person's corrections of the employer's statement."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id, person=person)
        if invitation.status in (InvitationStatus.DECLINED, InvitationStatus.APPLIED):
            raise InvitationError(_("This invitation has already been answered."))
        Consent.objects.create(invitation=invitation, person=person, purpose=purpose, data=data, recipients=recipients)
        if corrected is not None:
            invitation.corrected = corrected
        invitation.status = InvitationStatus.CONSENTED
        invitation.save(update_fields=["corrected", "status"])
    return invitation


def invitation_apply(*, invitation_id: int, person: User) -> Application:
    """Opens the person's application filled with the statement they consented to (and corrected)."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("row", "employer")
            .get(pk=invitation_id, person=person)
        )
        if invitation.status != InvitationStatus.CONSENTED or not invitation.consents.exists():
            raise InvitationError(_("Give your consent before the application is filled with this information."))
        statement = invitation_statement(invitation)
        profile = {key: value for key, value in statement["profile"].items() if key not in ("on_date", "case_by_case")}
        try:
            application = application_create(applicant=person, profile=profile)
        except WorkflowError as error:
            raise InvitationError(error.message) from None
        details = statement["person"]
        fields = {
            "full_name": details.get("full_name", ""),
            "document_number": details.get("document_number", ""),
            "mobile": details.get("mobile") or person.mobile,
            "email": details.get("email") or person.email,
            "job_title": details.get("job_title", ""),
            "employer": invitation.employer,
            "is_legal_representative": profile.get("enterprise", {}).get("role") == "principal",
        }
        facts = list_facts(employer_id=invitation.employer_id, on_date=today_local())
        if facts.investment_recommended:
            fields["investment_promotion_recommended"] = True
        application = application_update(application_id=application.pk, actor=person, fields=fields)
        invitation.application = application
        invitation.status = InvitationStatus.APPLIED
        invitation.save(update_fields=["application", "status"])
    return application


def invitation_decline(*, invitation_id: int, person: User) -> Invitation:
    """The person says no: nothing more is sent to them from a roster for a year."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id, person=person)
        if invitation.status == InvitationStatus.APPLIED:
            raise InvitationError(_("An application was started from this invitation; withdraw it instead."))
        invitation.status = InvitationStatus.DECLINED
        invitation.declined_at = timezone.now()
        invitation.save(update_fields=["status", "declined_at"])
    return invitation


def roster_files_purge(*, now=None) -> int:
    """Deletes the files of rosters uploaded more than ROSTER_RETENTION_DAYS ago, and the personal data of their rows
    that were never invited (PIPL 第十九条: kept no longer than needed); the counts of the funnel stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ROSTER_RETENTION_DAYS)
    doomed = list(
        Roster.objects.filter(uploaded_at__lt=cutoff, file_deleted_at__isnull=True)
        .exclude(file="")
        .values_list("pk", "file")
    )
    for pk, name in doomed:
        default_storage.delete(name)
        Roster.objects.filter(pk=pk).update(file="", file_deleted_at=now)
    RosterRow.objects.filter(roster__uploaded_at__lt=cutoff, invitation__isnull=True).exclude(
        document_number="", full_name=""
    ).update(full_name="", document_number="", mobile="", email="", job_title="")
    return len(doomed)


def template_content() -> ContentFile:
    from rosters.reader import template_workbook

    policy = catalogue_published().policy_latest(today_local())
    return ContentFile(template_workbook(policy=policy), name="roster-template.xlsx")
