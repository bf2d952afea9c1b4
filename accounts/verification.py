"""Registration of applicants and the verification of their e-mail and mobile with one-time codes.

Codes go out through a pluggable sender (settings.VERIFICATION_SENDER, a dotted path to a class with
`send(*, channel, destination, body)`). The default keeps the message in the database, where the demo reads the
code, and logs only that a message went out: never the code, never the address.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accounts.models import User, VerificationChannel, VerificationCode, VerificationMessage
from accounts.roles import Role
from accounts.selectors import PENDING_ACCOUNT_LIFETIME

logger = logging.getLogger(__name__)

CODE_VALIDITY = timedelta(minutes=15)
MAX_ATTEMPTS = 5
RESEND_INTERVAL = timedelta(seconds=60)


class VerificationError(Exception):
    """A refused verification; `errors` maps form fields to messages."""

    def __init__(self, errors: dict[str, list]) -> None:
        super().__init__("verification refused")
        self.errors = errors


class DatabaseSender:
    """The default sender: the message is kept in VerificationMessage; the log line names neither code nor address."""

    def send(self, *, channel: str, destination: str, body: str) -> None:
        message = VerificationMessage.objects.create(channel=channel, destination=destination, body=body)
        logger.info("Verification message %s sent by %s.", message.pk, channel)


def verification_sender():
    """The configured sender (an SMS gateway or mail relay in production)."""
    return import_string(settings.VERIFICATION_SENDER)()


def _destinations(user: User) -> list[tuple[str, str]]:
    return [
        (channel, destination)
        for channel, destination in ((VerificationChannel.EMAIL, user.email), (VerificationChannel.MOBILE, user.mobile))
        if destination
    ]


def verification_codes_send(*, user: User) -> None:
    """Sends a fresh code to each of the account's e-mail and mobile; earlier codes stop working."""
    sender = verification_sender()
    now = timezone.now()
    for channel, destination in _destinations(user):
        code = f"{secrets.randbelow(1_000_000):06d}"
        VerificationCode.objects.filter(user=user, channel=channel, confirmed_at__isnull=True).delete()
        VerificationCode.objects.create(
            user=user,
            channel=channel,
            destination=destination,
            code_hash=make_password(code),
            expires_at=now + CODE_VALIDITY,
        )
        body = render_to_string(
            "accounts/verify_message.txt",
            {"code": code, "minutes": int(CODE_VALIDITY.total_seconds() // 60), "channel": channel},
        ).strip()
        sender.send(channel=channel, destination=destination, body=body)


@transaction.atomic
def applicant_register(
    *, full_name: str, mobile: str, email: str, password: str, language: str = settings.LANGUAGE_CODE
) -> User:
    """Creates an applicant's account, inactive until both codes are confirmed, and sends the codes on commit.

    Whether the mobile or e-mail already has an account is not checked here (that would tell an outsider who is
    registered): the codes go to them either way, and `verification_confirm` refuses a taken one.
    """
    user = User(
        username=username_generate(),
        full_name=full_name,
        mobile=mobile,
        email=email,
        language=language,
        is_active=False,
    )
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
    transaction.on_commit(lambda: verification_codes_send(user=user))
    return user


def username_generate() -> str:
    """A username for a new applicant, who signs in with the mobile or e-mail (it never looks like either)."""
    while True:
        username = f"applicant-{secrets.token_hex(4)}"
        if not User.objects.filter(username=username).exists():
            return username


def verification_resend(*, user: User) -> None:
    """Sends new codes, at most once a minute (an SMS costs money and can be abused)."""
    latest = VerificationCode.objects.filter(user=user).order_by("-created_at").first()
    if latest is not None and timezone.now() - latest.created_at < RESEND_INTERVAL:
        raise VerificationError(
            {None: [_("A code was sent less than a minute ago; please wait before asking for another.")]}
        )
    verification_codes_send(user=user)


def verification_confirm(*, user: User, codes: dict[str, str]) -> User:
    """Checks the code of each channel; when all are right the account becomes active. Wrong codes are counted."""
    errors: dict[str, list] = {}
    now = timezone.now()
    with transaction.atomic():
        pending = {
            code.channel: code
            for code in VerificationCode.objects.select_for_update().filter(user=user, confirmed_at__isnull=True)
        }
        confirmed = []
        for channel, _destination in _destinations(user):
            record = pending.get(channel)
            typed = (codes.get(channel) or "").strip()
            if record is None or record.expires_at < now:
                errors[channel] = [_("This code has expired; ask for new codes.")]
            elif record.attempts >= MAX_ATTEMPTS:
                errors[channel] = [_("Too many wrong codes; ask for new codes.")]
            elif not check_password(typed, record.code_hash):
                # Counted even though the whole confirmation fails: guessing must run out of attempts.
                VerificationCode.objects.filter(pk=record.pk).update(attempts=record.attempts + 1)
                errors[channel] = [_("This code is not right; check the latest message.")]
            else:
                confirmed.append(record.pk)
        if not errors and _taken(user):
            # Told only to the holder of both codes, that is the owner of the address.
            errors[None] = [_("An account with this e-mail address or mobile already exists: log in with it instead.")]
        if not errors:
            VerificationCode.objects.filter(pk__in=confirmed).update(confirmed_at=now)
            User.objects.filter(pk=user.pk).update(is_active=True)
    if errors:
        raise VerificationError(errors)
    user.is_active = True
    return user


def _taken(user: User) -> bool:
    """Whether an account in use already has the new account's mobile or e-mail."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(mobile=user.mobile) | Q(email__iexact=user.email))
        .exclude(pk=user.pk)
        .exists()
    )


def verification_messages_for(*, user: User, limit: int = 4) -> list[VerificationMessage]:
    """The latest messages the default sender kept for the account's destinations (shown in the demo only)."""
    destinations = [destination for _channel, destination in _destinations(user)]
    return list(VerificationMessage.objects.filter(destination__in=destinations)[:limit])


def pending_accounts_expire() -> int:
    """Deletes the registrations never confirmed within PENDING_ACCOUNT_LIFETIME, freeing their e-mail and mobile."""
    expired = User.objects.filter(
        is_active=False,
        last_login__isnull=True,
        date_joined__lt=timezone.now() - PENDING_ACCOUNT_LIFETIME,
        verification_codes__isnull=False,
    ).exclude(verification_codes__confirmed_at__isnull=False)
    _rows, deleted = User.objects.filter(pk__in=expired.values("pk")).delete()
    count = deleted.get(User._meta.label, 0)
    logger.info("Expired registrations deleted: %s.", count)
    return count
