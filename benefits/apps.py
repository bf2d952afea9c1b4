from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "benefits"
    verbose_name = _("Benefits")

    def ready(self) -> None:
        from benefits.selectors import desks_of_services
        from cards.desks_port import desk_finder_register

        desk_finder_register(desks_of_services)
