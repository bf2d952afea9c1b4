"""Sign in with the username, the mobile number or the e-mail address of the account."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.selectors import user_for_login


class UsernameMobileEmailBackend(ModelBackend):
    """The account `accounts.selectors.user_for_login` names, when the password is right.

    An inactive account is returned too: the login forms refuse it in `confirm_login_allowed` (Django's own check),
    where ours tells a registration awaiting its codes apart. Exactly one password hash is computed whatever the
    account, so the time taken does not tell which accounts exist or which are confirmed. Sessions still need an
    active account (`get_user` is ModelBackend's).
    """

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if username is None or password is None:
            return None
        user = user_for_login(identifier=username)
        if user is None:
            User().set_password(password)
            return None
        return user if user.check_password(password) else None
