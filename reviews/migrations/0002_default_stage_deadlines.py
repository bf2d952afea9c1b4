from django.db import migrations

# The policy sets no 办结时限 for the review stages; these defaults are editable in the admin.
DEFAULTS = (
    ("submitted", 10, "working_days"),
    ("initial_passed", 10, "working_days"),
    ("second_passed", 10, "working_days"),
    ("leading_group", 30, "calendar_days"),
    ("approved", 5, "working_days"),
    ("produced", 10, "working_days"),
)


def seed(apps, schema_editor):
    StageDeadline = apps.get_model("reviews", "StageDeadline")
    for state, days, unit in DEFAULTS:
        StageDeadline.objects.get_or_create(state=state, defaults={"days": days, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
