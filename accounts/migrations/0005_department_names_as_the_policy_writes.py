from django.db import migrations

# 服务指南 二 names them 区住建交通局 and 区市场监管局; rows loaded from the earlier fixture are renamed.
NAMES = {"housing-transport": "区住建交通局", "market-regulation": "区市场监管局"}


def rename(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code, name in NAMES.items():
        Department.objects.filter(code=code).update(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_verification")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
