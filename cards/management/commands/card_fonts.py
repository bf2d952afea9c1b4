"""Builds the credential's font, cut to the common repertoire from the system's Noto Sans CJK SC (cards.fonts)."""

from django.core.management.base import BaseCommand, CommandError

from cards.fonts import FontSourceMissing, card_fonts_build, fonts_dir


class Command(BaseCommand):
    help = "Cuts Noto Sans CJK SC to the characters of GB 2312 for the card PDFs (skipped when up to date)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="build again even when up to date")

    def handle(self, *args, force: bool = False, **options) -> None:
        try:
            written = card_fonts_build(force=force)
        except FontSourceMissing as error:
            raise CommandError(str(error)) from None
        for path in written:
            self.stdout.write(f"Built {path}")
        if not written:
            self.stdout.write(f"The card fonts in {fonts_dir()} are up to date.")
