"""People and organisations: the custom user, industry departments, employers and service desks."""

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.validators import validate_uscc, validate_username
from baiyun_talent.i18n import chinese_active


class BilingualNameMixin(models.Model):
    """An organisation named in Chinese, with an English name for the English interface."""

    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and not chinese_active():
            return self.name_en
        return self.name


class CodeManager(models.Manager):
    def get_by_natural_key(self, code: str):
        return self.get(code=code)


class Department(BilingualNameMixin):
    """行业主管部门: does the 初审 of the applications of the employers it oversees (第五条（二）)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)

    objects = CodeManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry department")
        verbose_name_plural = _("industry departments")

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class EmployerManager(models.Manager):
    def get_by_natural_key(self, uscc: str):
        return self.get(uscc=uscc, confirmed=True)


class Employer(BilingualNameMixin):
    """用人单位: registered or paying tax in Baiyun (第三条); its department reviews its applicants."""

    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        validators=[validate_uscc],
        help_text=_("The 18-character 统一社会信用代码 on the business licence."),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="employers", verbose_name=_("industry department")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    # An employer an applicant typed in stays private to that application until its department confirms it;
    # until then it is listed nowhere else, and another applicant typing the same code gets an entry of their own.
    confirmed = models.BooleanField(_("confirmed by its department"), default=True)

    objects = EmployerManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=models.Q(confirmed=True), name="accounts_employer_unique_confirmed_uscc"
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        self.uscc = self.uscc.strip().upper()
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str]:
        return (self.uscc,)


class ServiceDesk(BilingualNameMixin):
    """服务承办部门: honours the card for the 第四条 services it provides (服务指南; the services name their desks)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    phone = models.CharField(_("enquiry phone"), max_length=50)

    objects = CodeManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("service desk")
        verbose_name_plural = _("service desks")

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class User(AbstractUser):
    """Anyone who signs in: applicants, employer officers, reviewers, service desks and auditors."""

    # One may sign in with the username, the mobile or the e-mail: a username never looks like either.
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("150 characters or fewer: letters, digits and . + - _ only; not an e-mail address or a mobile."),
        validators=[validate_username],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    # Raised when every other session of the user must end (enrolling a second factor): part of the session hash.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    full_name = models.CharField(_("real name"), max_length=100, blank=True)
    # The language the person registered in or last chose: their notices and e-mails are written in it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="reviewers", verbose_name=_("industry departments")
    )
    employers = models.ManyToManyField(Employer, blank=True, related_name="officers", verbose_name=_("employers"))
    service_desks = models.ManyToManyField(
        ServiceDesk, blank=True, related_name="staff", verbose_name=_("service desks")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Among accounts in use: a registration not yet confirmed holds no one's mobile (it may be anyone's).
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~models.Q(mobile="") & models.Q(is_active=True),
                name="accounts_user_unique_mobile",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_session_auth_hash(self) -> str:
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)

    def _session_hash(self, *, secret: str | None) -> str:
        """Django's hash of the password, and of the session generation once raised: raising it ends other sessions."""
        value = self.password if not self.session_generation else f"{self.password}:{self.session_generation}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @cached_property
    def role_codes(self) -> frozenset[str]:
        """The user's role codes, read once per request."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True)) & frozenset(Role.values)

    def has_role(self, role: Role) -> bool:
        return role in self.role_codes

    @property
    def roles(self) -> list[Role]:
        """Held roles in the order of the spec's table."""
        return [role for role in Role if role in self.role_codes]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are never changed.")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are never deleted.")


class AppendOnlyModel(models.Model):
    """A record that is written once and then only read: no update or delete, one row or many."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are never deleted.")


class AccessLog(AppendOnlyModel):
    """Who read or downloaded what, when: every read of an auditor and every download of personal data."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=30, blank=True)
    action = models.CharField(_("action"), max_length=30)
    object_type = models.CharField(_("object type"), max_length=50)
    object_id = models.CharField(_("object id"), max_length=64)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.object_type}:{self.object_id}"


class VerificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    MOBILE = "mobile", _("Mobile phone")


class VerificationCode(models.Model):
    """A one-time code proving that a new account's holder reads its e-mail or mobile; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    channel = models.CharField(_("channel"), max_length=10, choices=VerificationChannel.choices)
    destination = models.CharField(_("sent to"), max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "channel", "created_at"], name="verification_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel}"


class VerificationMessage(models.Model):
    """What the default verification sender delivered: the demo reads its codes here, not in a mailbox or phone."""

    channel = models.CharField(_("channel"), max_length=10, choices=VerificationChannel.choices)
    destination = models.CharField(_("sent to"), max_length=254)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification message")
        verbose_name_plural = _("verification messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["destination", "created_at"], name="verification_message_idx")]

    def __str__(self) -> str:
        return f"{self.channel} {self.created_at:%Y-%m-%d %H:%M}"
