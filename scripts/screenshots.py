"""`make screenshots`: every main page, as each role sees it, at 1280 px and 390 px, in Chinese and English.

Builds a demo site of its own (SQLite under var/screenshot-site, seeded by `seed_demo`), serves it on a free local
port and drives headless Chromium through the pages, writing var/screenshots/<lang>-<width>/<who>-<page>.png.
"""

import os
import sys
import threading
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiyun_talent.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("VAR_DIR", str(BASE_DIR / "var" / "screenshot-site"))
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

OUTPUT = BASE_DIR / "var" / "screenshots"
WIDTHS = (1280, 390)
LANGUAGES = ("zh-hans", "en")


def pages() -> list[tuple[str, str, str]]:
    """(who signs in — "" for nobody —, a short name, the path) of every page worth looking at."""
    from django.urls import reverse

    from applications.models import Application

    def application_of(username: str) -> int | None:
        found = Application.objects.filter(applicant__username=username).order_by("-id").first()
        return found.pk if found else None

    listed = [
        ("", "landing", "/"),
        ("", "self-check", reverse("eligibility:self_check")),
        ("", "login", reverse("accounts:login")),
        ("", "register", reverse("accounts:register")),
        ("", "verify-card", reverse("cards:verify")),
        ("", "services", reverse("benefits:catalogue")),
        ("", "service-guide", reverse("benefits:service", kwargs={"number": 1})),
        ("applicant", "my-applications", reverse("applications:home")),
        ("applicant", "start", reverse("applications:start")),
        ("employer", "employer-home", reverse("applications:employer_home")),
        ("employer", "midterm", reverse("cards:midterm_list")),
        ("department", "queue", reverse("reviews:queue", kwargs={"role": "department_reviewer"})),
        ("department", "statistics", reverse("reviews:statistics")),
        ("hr", "queue", reverse("reviews:queue", kwargs={"role": "hr_reviewer"})),
        ("hr", "statistics", reverse("reviews:statistics")),
        ("hr", "exports", reverse("reviews:exports")),
        ("hr", "card-register", reverse("cards:register")),
        ("talent", "queue", reverse("reviews:queue", kwargs={"role": "talent_office"})),
        ("desk", "desk", reverse("benefits:desk")),
        ("desk", "records", reverse("benefits:desk_records")),
        ("demo-lin", "my-card", reverse("cards:mine")),
        ("demo-lin", "my-services", reverse("benefits:mine")),
        ("auditor", "queue", reverse("reviews:queue", kwargs={"role": "auditor"})),
        ("talent", "service-uses", reverse("benefits:statistics")),
        ("auditor", "deleted-files", reverse("applications:deleted_files")),
        ("employer", "rosters", reverse("rosters:home")),
        ("department", "enterprise-lists", reverse("rosters:lists")),
        ("talent", "roster-funnel", reverse("rosters:funnel")),
    ]
    from rosters.models import Roster

    roster = Roster.objects.order_by("-id").first()
    if roster is not None:
        listed.append(("employer", "roster", reverse("rosters:detail", kwargs={"pk": roster.pk})))
    draft = application_of("applicant")
    if draft:
        for step in ("identity", "eligibility", "materials", "submit"):
            path = reverse("applications:edit", kwargs={"pk": draft, "step": step})
            listed.append(("applicant", f"form-{step}", path))
    for username, reviewer in (("demo-wu", "department"), ("demo-zhou", "hr")):
        pk = application_of(username)
        if pk:
            listed.append((username, "application", reverse("applications:detail", kwargs={"pk": pk})))
            listed.append((reviewer, "review-file", reverse("reviews:application", kwargs={"pk": pk})))
    return listed


def site_build() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("compilemessages", verbosity=0, ignore=[".venv"])
    call_command("seed_demo", verbosity=0)
    applicant_draft()


def applicant_draft() -> None:
    """The demo applicant's draft, opened with a self-check's answers (a doctorate: gold), for the form's pages."""
    from accounts.models import User
    from applications.models import Application
    from applications.services import EDITABLE_STATES, application_create

    applicant = User.objects.get(username="applicant")
    if not Application.objects.filter(applicant=applicant, state__in=EDITABLE_STATES).exists():
        profile = {
            "employer": {"registered_in_district": True},
            "education": {"degree": "doctorate", "postgraduate": True, "full_time": True, "university": "other"},
        }
        application_create(applicant=applicant, profile=profile)


def serve() -> str:
    """The site on a free local port, in a background thread, with the static files."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    return driver


def log_in(driver, base: str, username: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from accounts.services import DEMO_PASSWORD

    driver.delete_all_cookies()
    if not username:
        return
    driver.get(base + "/accounts/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda current: "/accounts/login/" not in current.current_url)


# The self-check answered as the guide's example: registered in the district, a senior title 不确定.
SELF_CHECK_ANSWERS = {
    "employer__registered_in_district": "yes",
    "honour_kinds": ["titles"],
    "honour__senior_professional_title": "unsure",
}


def capture(driver, base: str, who: str, name: str, path: str) -> int:
    """The page at both widths in both languages, each whole; the number of screenshots written."""
    written = 0
    for language in LANGUAGES:
        driver.get(base + "/")
        driver.add_cookie({"name": "django_language", "value": language, "path": "/"})
        for width in WIDTHS:
            folder = OUTPUT / f"{language}-{width}"
            folder.mkdir(parents=True, exist_ok=True)
            driver.set_window_size(width, 900)
            driver.get(base + path)
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height, 600), 8000))
            driver.save_screenshot(str(folder / f"{who or 'public'}-{name}.png"))
            written += 1
    return written


def self_check_pages(driver, base: str) -> int:
    """The self-check's question page, check-your-answers and the result, for answers with a 不确定 in them."""
    from django.urls import reverse

    from tests.browser.selfcheck_steps import answer_pages

    log_in(driver, base, "")
    first = reverse("eligibility:self_check_page", kwargs={"slug": "employer"})
    driver.get(base + first)
    answer_pages(driver, SELF_CHECK_ANSWERS)
    written = capture(driver, base, "", "self-check-question", first)
    written += capture(driver, base, "", "self-check-answers", reverse("eligibility:self_check_answers"))
    return written + capture(driver, base, "", "self-check-result", reverse("eligibility:self_check_result"))


def main() -> int:
    site_build()
    base = serve()
    driver = browser()
    written = 0
    try:
        signed_in = None
        for who, name, path in pages():
            if who != signed_in:
                log_in(driver, base, who)
                signed_in = who
            written += capture(driver, base, who, name, path)
        written += self_check_pages(driver, base)
    finally:
        driver.quit()
    print(f"{written} screenshots in {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
