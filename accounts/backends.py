"""Sign in with the username, the mobile number or the e-mail address of the account."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from accounts.models import User


class UsernameMobileEmailBackend(ModelBackend):
    """The username wins; a mobile is unique; an e-mail address counts only when one account alone has it."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if username is None or password is None:
            return None
        identifier = username.strip()
        candidates = list(
            User.objects.filter(Q(username=identifier) | Q(mobile=identifier) | Q(email__iexact=identifier))[:10]
        )
        user = (
            next((candidate for candidate in candidates if candidate.username == identifier), None)
            or next((candidate for candidate in candidates if candidate.mobile == identifier), None)
            or (candidates[0] if len(candidates) == 1 and identifier else None)
        )
        if user is None:
            # The same hashing work as a real check, so the time taken does not tell which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
