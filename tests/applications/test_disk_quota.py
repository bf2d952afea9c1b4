"""The disk cannot be filled by one person: removed and withdrawn draft files are deleted, what a person keeps is
limited across their applications, and so is how often they start a new one."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import translation

from accounts.roles import Role
from applications.models import Material
from applications.services import (
    WorkflowError,
    application_create,
    application_transition,
    material_upload,
    material_withdraw,
)
from tests.factories import PROFILES, UserFactory, application_with_materials, id_photo, jpeg_file

pytestmark = pytest.mark.django_db
MEBIBYTE = 1024 * 1024


def stored(material: Material) -> bool:
    return default_storage.exists(material.file.name)


def test_the_upload_remove_withdraw_cycle_keeps_nothing_stored(applicant, settings, django_capture_on_commit_callbacks):
    settings.APPLICATION_MAX_BYTES = MEBIBYTE
    with django_capture_on_commit_callbacks(execute=True):
        for _round in range(4):
            draft = application_create(applicant=applicant, profile=PROFILES["gold"])
            material_upload(application_id=draft.pk, actor=applicant, item="photo", file=id_photo())
            removed = material_upload(
                application_id=draft.pk,
                actor=applicant,
                item="degree_certificates",
                file=jpeg_file(size=(600, 800)),
                scan_of="original",
            )
            material_withdraw(material_id=removed.pk, actor=applicant)
            application_transition(application_id=draft.pk, name="withdraw", actor=applicant)

    materials = Material.objects.filter(application__applicant=applicant)
    assert materials.count() == 8
    assert [stored(material) for material in materials] == [False] * 8
    assert materials.filter(content_deleted_at__isnull=True).count() == 0


def test_submitted_files_are_kept_when_removed_or_withdrawn(django_capture_on_commit_callbacks):
    application = application_with_materials(submit=True)
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(application.department)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application_id=application.pk,
            name="return_for_supplement",
            actor=reviewer,
            reasons="照片不清晰。",
            supplement_items=["degree_certificates"],
        )
        submitted = application.materials.get(item="degree_certificates")
        material_withdraw(material_id=submitted.pk, actor=application.applicant)
        unsent = material_upload(
            application_id=application.pk,
            actor=application.applicant,
            item="degree_certificates",
            file=jpeg_file(),
            scan_of="original",
        )
        application_transition(application_id=application.pk, name="withdraw", actor=application.applicant)

    submitted.refresh_from_db()
    unsent.refresh_from_db()
    assert (stored(submitted), submitted.content_deleted_at is None) == (True, True)
    assert (stored(unsent), unsent.content_deleted_at is not None) == (False, True)
    assert all(stored(material) for material in application.submissions.get().materials.all())


def test_replacing_a_draft_file_deletes_the_replaced_one(applicant, django_capture_on_commit_callbacks):
    draft = application_create(applicant=applicant, profile=PROFILES["gold"])
    with django_capture_on_commit_callbacks(execute=True):
        first = material_upload(application_id=draft.pk, actor=applicant, item="photo", file=id_photo())
        second = material_upload(application_id=draft.pk, actor=applicant, item="photo", file=id_photo())

    assert (stored(first), stored(second)) == (False, True)


def test_the_quota_counts_what_a_person_keeps_across_applications(settings):
    earlier = application_with_materials(submit=True)
    applicant = earlier.applicant
    application_transition(application_id=earlier.pk, name="withdraw", actor=applicant)
    # The submitted scans stay stored; one of them as large as the whole allowance leaves no room.
    settings.APPLICANT_MAX_BYTES = MEBIBYTE
    Material.objects.filter(pk=earlier.materials.first().pk).update(size=MEBIBYTE)
    draft = application_create(applicant=applicant, profile=PROFILES["gold"])

    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            material_upload(application_id=draft.pk, actor=applicant, item="photo", file=id_photo())
        messages = caught.value.messages

    assert caught.value.code == "applicant_too_large"
    assert messages == [
        "The files you keep stored, across all your applications, may not exceed 1 MB; remove files you no longer need."
    ]
    assert Material.objects.filter(application=draft).count() == 0


def test_starting_applications_is_limited_per_30_days(applicant, settings):
    settings.APPLICATIONS_PER_30_DAYS = 2
    for _round in range(2):
        draft = application_create(applicant=applicant)
        application_transition(application_id=draft.pk, name="withdraw", actor=applicant)

    with pytest.raises(WorkflowError) as caught, translation.override("en"):
        application_create(applicant=applicant)

    assert caught.value.errors == {}
    assert str(caught.value.message) == (
        "You have started 2 applications in the last 30 days, the most allowed; "
        "continue your latest one, or contact the district talent office."
    )
