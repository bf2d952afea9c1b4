from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.services import DEMO_PASSWORD, demo_data_seed
from applications.demo import demo_applications_seed
from cards.demo import demo_cards_seed


class Command(BaseCommand):
    help = (
        "Creates departments, employers, service desks, one demo account per role, a few demo applications "
        "at different review stages, a signing key and two issued cards (idempotent)."
    )

    def handle(self, *args, **options) -> None:
        accounts = demo_data_seed()
        # The desks loaded above get their services (服务指南: each service's 承办部门).
        call_command("benefits", "catalogue", verbosity=0)
        applications = demo_applications_seed(password=DEMO_PASSWORD)
        cards = demo_cards_seed(password=DEMO_PASSWORD)
        self.stdout.write("Demo accounts (username / password / role):")
        for username, password, role in accounts:
            self.stdout.write(f"  {username:<12} {password}  {role.value}")
        if applications:
            self.stdout.write("Demo applications:")
            for application in applications:
                self.stdout.write(f"  {application.number}  {application.full_name}  {application.state}")
        if cards:
            self.stdout.write("Demo cards:")
            for card in cards:
                self.stdout.write(f"  {card.number}  {card.holder_name}  {card.tier}  {card.state}")
