"""The catalogue of baiyun-2021 loaded, and what accounts knew of each desk's services (ServiceDesk.benefit_items)
moved here as the desks' links to the services."""

from django.db import migrations


def forwards(apps, schema_editor):
    from benefits.catalogue import POLICY, catalogue_load

    catalogue_load(apps=apps, link_desks=False)
    Service = apps.get_model("benefits", "Service")
    ServiceDepartment = apps.get_model("benefits", "ServiceDepartment")
    ServiceDesk = apps.get_model("accounts", "ServiceDesk")
    services = {service.number: service for service in Service.objects.filter(policy=POLICY)}
    for desk in ServiceDesk.objects.all():
        for number in desk.benefit_items or []:
            if number in services:
                ServiceDepartment.objects.get_or_create(service=services[number], desk=desk)


def backwards(apps, schema_editor):
    ServiceDepartment = apps.get_model("benefits", "ServiceDepartment")
    ServiceDesk = apps.get_model("accounts", "ServiceDesk")
    for desk in ServiceDesk.objects.all():
        numbers = sorted(
            ServiceDepartment.objects.filter(desk=desk).values_list("service__number", flat=True).distinct()
        )
        desk.benefit_items = numbers
        desk.save(update_fields=["benefit_items"])


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
