from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cards"
    verbose_name = _("Cards")

    def ready(self) -> None:
        from applications.cards_port import card_finder_register
        from applications.models import Application
        from applications.signals import transition_fired
        from cards.selectors import card_latest_issued

        card_finder_register(card_latest_issued)
        transition_fired.connect(_on_transition, sender=Application, dispatch_uid="cards.on_transition")


def _on_transition(sender, *, application, entry, **kwargs) -> None:
    from cards.services import card_on_transition

    card_on_transition(application=application, entry=entry)
