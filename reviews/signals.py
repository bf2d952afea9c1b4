"""Every write that changes what a dashboard shows replaces the version its cached pages were stored under.

Saves and deletes come as Django's signals, bulk writes (update(), bulk_create(), bulk_update(), a fast delete) as
accounts.writes.rows_written, which the models' querysets send: no write path has to bump a version itself.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import Department, Employer, User
from accounts.writes import rows_written
from applications.models import Application
from reviews.caching import CHOICES_VERSION, DEADLINES_VERSION, QUEUE_VERSION, cache_versions_bump
from reviews.models import StageDeadline


@receiver(post_save, sender=Application, dispatch_uid="reviews_application_saved")
@receiver(post_delete, sender=Application, dispatch_uid="reviews_application_deleted")
@receiver(rows_written, sender=Application, dispatch_uid="reviews_applications_written")
def application_changed(sender, **kwargs) -> None:
    # The queues and the statistics (whose stage times are written with the application's transition).
    cache_versions_bump(QUEUE_VERSION)


@receiver(post_save, sender=Department, dispatch_uid="reviews_department_saved")
@receiver(post_delete, sender=Department, dispatch_uid="reviews_department_deleted")
@receiver(rows_written, sender=Department, dispatch_uid="reviews_departments_written")
@receiver(post_save, sender=Employer, dispatch_uid="reviews_employer_saved")
@receiver(post_delete, sender=Employer, dispatch_uid="reviews_employer_deleted")
@receiver(rows_written, sender=Employer, dispatch_uid="reviews_employers_written")
def organisation_changed(sender, **kwargs) -> None:
    # Rows show the names; the filters offer them.
    cache_versions_bump(QUEUE_VERSION, CHOICES_VERSION)


@receiver(post_save, sender=StageDeadline, dispatch_uid="reviews_deadline_saved")
@receiver(post_delete, sender=StageDeadline, dispatch_uid="reviews_deadline_deleted")
@receiver(rows_written, sender=StageDeadline, dispatch_uid="reviews_deadlines_written")
def deadline_changed(sender, **kwargs) -> None:
    cache_versions_bump(QUEUE_VERSION, DEADLINES_VERSION)


@receiver(m2m_changed, sender=User.departments.through, dispatch_uid="reviews_user_departments")
@receiver(m2m_changed, sender=User.employers.through, dispatch_uid="reviews_user_employers")
@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="reviews_user_groups")
def scope_changed(sender, action: str, **kwargs) -> None:
    # What a user may see follows their roles and organisations (applications_visible_to).
    if action in {"post_add", "post_remove", "post_clear"}:
        cache_versions_bump(QUEUE_VERSION, CHOICES_VERSION)
