"""The holder's guide PDF and the desk's check of a card, warm, against 100,000 recorded uses in PostgreSQL.

Usage: SECRET_KEY=... .venv/bin/python bench/guide_pdf.py [--runs 15] [--checks 300]
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/baiyun_bench_benefits); the data is
made once and kept. Prints the median of each measurement and of its baseline, measured in the same run:
- a diamond holder's guide (13 services, zh-hans) against a one-page WeasyPrint PDF of one line (target < 300 ms),
  and the same guide when the shared pages of the tier are not in the cache yet (the first holder of a kind);
- the desk's check of a scanned token and the holder's quotas (card_from_scan + desk_check for the desks of services
  4, 6, 10 and 11) against one primary-key query of the card (target < 20 ms).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/baiyun_bench_benefits"
USES = 100_000
HOLDERS = 8


def database_create(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def median_ms(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def seed() -> None:
    """Desks, the catalogue, a few holders with cards, and 100,000 uses over five years (once)."""
    from django.core.management import call_command

    from benefits.catalogue import catalogue_load
    from benefits.models import Quota, Service, Use
    from cards.models import Card
    from tests.factories import issued_card

    call_command("loaddata", "service_desks", verbosity=0)
    catalogue_load()
    cards = list(Card.objects.filter(state="active", tier="diamond"))
    while len(cards) < HOLDERS:
        cards.append(issued_card(route="diamond"))
    existing = Use.objects.count()
    if existing >= USES:
        return
    rng = random.Random(7)
    services = list(Service.objects.prefetch_related("department_links", "quotas"))
    quota_of = {quota.service_id: quota for quota in Quota.objects.all()}
    staff = cards[0].holder  # recorded_by only needs a user
    batch = []
    for _ in range(USES - existing):
        card = rng.choice(cards)
        service = rng.choice(services)
        used_on = date(2021, 12, 24) + timedelta(days=rng.randrange(0, 1600))
        quota = quota_of.get(service.pk)
        start = None
        if quota:
            start = used_on.replace(day=1) if quota.period == "month" else used_on.replace(month=1, day=1)
        batch.append(
            Use(
                card=card,
                holder_id=card.holder_id,
                service=service,
                desk_id=service.department_links.all()[0].desk_id,
                used_on=used_on,
                quota_group=quota.group if quota else "",
                period_starts_on=start,
                recorded_by=staff,
            )
        )
        if len(batch) == 5000:
            Use.objects.bulk_create(batch)
            batch = []
    Use.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--checks", type=int, default=300)
    arguments = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    database_create(url)
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiyun_talent.settings")
    import django
    from django.conf import settings

    settings.CARD_KEYS_DIR = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.utils import timezone, translation

    call_command("migrate", verbosity=0)
    from cards.keys import signing_key_generate

    signing_key_generate(activate=True)
    seed()

    from accounts.models import ServiceDesk
    from benefits.guide import guide_pdf
    from benefits.models import Use
    from benefits.selectors import card_from_scan, desk_check
    from cards.credential import weasyprint_classes
    from cards.models import Card
    from cards.tokens import card_token_issue

    card = Card.objects.filter(state="active", tier="diamond").order_by("id").first()
    today = timezone.localdate()
    translation.activate("zh-hans")
    html_class, _css, _fonts, fetcher_class = weasyprint_classes()

    def baseline_pdf() -> bytes:
        html = '<html lang="zh-Hans"><body style="font-family: Noto Sans CJK SC">白云区云聚英才卡</body></html>'
        return html_class(string=html, url_fetcher=fetcher_class(allowed_protocols=set())).write_pdf()

    def guide() -> bytes:
        return guide_pdf(card=card, today=today, language="zh-hans")

    from django.core.cache import cache

    def guide_uncached() -> bytes:
        cache.clear()
        return guide()

    for warm in (baseline_pdf, guide, baseline_pdf, guide):
        warm()
    pdf_baseline = median_ms(baseline_pdf, arguments.runs)
    pdf_guide = median_ms(guide, arguments.runs)
    pdf_uncached = median_ms(guide_uncached, max(3, arguments.runs // 5))
    pages = len(__import__("pypdf").PdfReader(__import__("io").BytesIO(guide())).pages)

    desks = list(ServiceDesk.objects.filter(code__in=["library", "health-medical", "trade-union"]))
    token = card_token_issue(card=card, lifetime=timedelta(minutes=10))

    def baseline_query() -> Card:
        return Card.objects.get(pk=card.pk)

    def check() -> None:
        scanned = card_from_scan(text=token, now=timezone.now())
        desk_check(card=scanned, desks=desks, today=today)

    for _ in range(20):
        baseline_query()
        check()
    query_baseline = median_ms(baseline_query, arguments.checks)
    desk = median_ms(check, arguments.checks)

    print(f"uses recorded: {Use.objects.count():,}; the holder's: {Use.objects.filter(holder=card.holder).count():,}")
    print(f"guide PDF (diamond, 13 services, {pages} pages): median {pdf_guide:.0f} ms (target < 300 ms)")
    print(f"  baseline, one-line PDF: median {pdf_baseline:.0f} ms; ratio {pdf_guide / pdf_baseline:.1f}x")
    print(f"  shared pages not cached yet: median {pdf_uncached:.0f} ms; ratio {pdf_uncached / pdf_baseline:.1f}x")
    print(f"desk check (token, card, quotas): median {desk:.2f} ms (target < 20 ms)")
    print(f"  baseline, one card by primary key: median {query_baseline:.2f} ms; ratio {desk / query_baseline:.1f}x")


if __name__ == "__main__":
    main()
