from django.db import migrations

# 第五条（四）/第九条: the talent office loads, previews and publishes policy versions; the permissions are its own.
CODENAMES = {
    "view_policyversion": "Can view policy version",
    "add_policyversion": "Can add policy version",
    "delete_policyversion": "Can delete policy version",
    "publish_policyversion": "Can publish a policy version",
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="eligibility", model="policyversion")
    group, _created = Group.objects.get_or_create(name="talent_office")
    for codename, name in CODENAMES.items():
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0001_policy_version"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
