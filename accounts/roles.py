"""The roles of ../shared/spec/workflow.md, one Django group each (the group name is the role code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    EMPLOYER = "employer", _("Employer officer")
    DEPARTMENT_REVIEWER = "department_reviewer", _("Industry department reviewer")
    HR_REVIEWER = "hr_reviewer", _("HR bureau reviewer")
    TALENT_OFFICE = "talent_office", _("District talent office")
    SERVICE_DESK = "service_desk", _("Service desk")
    AUDITOR = "auditor", _("Auditor")


REVIEWER_ROLES = frozenset({Role.DEPARTMENT_REVIEWER, Role.HR_REVIEWER, Role.TALENT_OFFICE})
