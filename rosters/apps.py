from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rosters"
    verbose_name = _("Rosters and invitations")

    def ready(self) -> None:
        from applications.lists_port import list_facts_register
        from rosters.lists import list_facts_for

        list_facts_register(list_facts_for)
