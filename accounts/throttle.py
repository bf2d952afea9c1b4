"""Login throttling: repeated failures for one account or from one address lock logins out for a while."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.forms import LoginForm
from accounts.verification import account_awaiting_verification


def _keys(*, request: HttpRequest, username: str) -> tuple[str, str]:
    address = request.META.get("REMOTE_ADDR", "unknown")
    return f"login-fail:user:{username.strip().lower()}", f"login-fail:ip:{address}"


def login_is_locked(*, request: HttpRequest, username: str) -> bool:
    """True while the account or the address has failed too often within the window."""
    user_key, address_key = _keys(request=request, username=username)
    counts = cache.get_many([user_key, address_key])
    return (
        counts.get(user_key, 0) >= settings.LOGIN_FAILURE_LIMIT
        or counts.get(address_key, 0) >= settings.LOGIN_FAILURE_LIMIT * 4
    )


def login_failure_record(*, request: HttpRequest, username: str) -> None:
    """Counts one failed login for the account and for the address."""
    for key in _keys(request=request, username=username):
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_failures_clear(*, request: HttpRequest, username: str) -> None:
    """A successful login forgets the account's failures (the address's stay, against spraying)."""
    cache.delete(_keys(request=request, username=username)[0])


class ThrottledLoginMixin:
    """For the login form: refuses while locked, counts failures, forgets them on success.

    A new account whose codes were never confirmed is not a failure: `awaiting_verification` names it, so that the
    login page can send its owner on to the confirmation.
    """

    awaiting_verification = None

    def clean(self):
        username = self.data.get("username", "")
        if login_is_locked(request=self.request, username=username):
            raise ValidationError(
                _("Too many failed attempts. For your security, wait %(minutes)d minutes and try again."),
                code="locked",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            self.awaiting_verification = account_awaiting_verification(
                identifier=username, password=self.data.get("password", "")
            )
            if self.awaiting_verification is not None:
                raise ValidationError(
                    _("Your account is not confirmed yet: enter the codes sent to your e-mail and mobile."),
                    code="unconfirmed",
                ) from None
            login_failure_record(request=self.request, username=username)
            raise
        login_failures_clear(request=self.request, username=username)
        return cleaned


class ThrottledLoginForm(ThrottledLoginMixin, LoginForm):
    """The login form of the portal."""
