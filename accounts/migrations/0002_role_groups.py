from django.db import migrations

# The role codes of ../shared/spec/workflow.md; the group name is the code.
ROLE_CODES = (
    "applicant",
    "employer",
    "department_reviewer",
    "hr_reviewer",
    "talent_office",
    "service_desk",
    "auditor",
)


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for code in ROLE_CODES:
        Group.objects.get_or_create(name=code)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
