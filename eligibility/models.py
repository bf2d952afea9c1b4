"""Policy versions the district loads (第九条: the rules are revised when they expire): drafts until published."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PolicyVersion(models.Model):
    """One version's policy file as loaded. A draft may be replaced or deleted; a published one never changes, so
    that every evaluation that names its code can be read against it.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100)
    source = models.TextField(_("policy file (YAML)"))
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    in_force_from = models.DateField(_("in force from"))
    in_force_until = models.DateField(_("in force until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    created_at = models.DateTimeField(_("loaded"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["in_force_from", "code"]
        permissions = [("publish_policyversion", _("Can publish a policy version"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(in_force_until__gte=models.F("in_force_from")),
                name="policy_version_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="policy_version_published_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.in_force_from} – {self.in_force_until})"

    @property
    def is_published(self) -> bool:
        return self.status == PolicyStatus.PUBLISHED
