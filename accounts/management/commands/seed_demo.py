from django.core.management.base import BaseCommand

from accounts.services import demo_data_seed


class Command(BaseCommand):
    help = "Creates departments, employers, service desks and one demo account per role (idempotent)."

    def handle(self, *args, **options) -> None:
        accounts = demo_data_seed()
        self.stdout.write("Demo accounts (username / password / role):")
        for username, password, role in accounts:
            self.stdout.write(f"  {username:<12} {password}  {role.value}")
