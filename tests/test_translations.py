import os
import shutil
import subprocess
import sys

import polib
from django.conf import settings

CATALOGUE_PATH = ("locale", "zh_Hans", "LC_MESSAGES", "django.po")
NOT_SOURCE = shutil.ignore_patterns(
    ".*", "var", "build", "locale", "tests", "bench", "__pycache__", "*.mo", "*.sqlite3"
)


def test_chinese_catalogue_translates_every_message():
    catalogue = polib.pofile(str(settings.BASE_DIR.joinpath(*CATALOGUE_PATH)))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_chinese_catalogue_is_up_to_date_with_the_code(tmp_path):
    """makemessages on a copy of the sources finds exactly the messages of the committed catalogue."""
    copy = tmp_path / "project"
    shutil.copytree(settings.BASE_DIR, copy, ignore=NOT_SOURCE)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale=zh_Hans", "--no-obsolete", "--verbosity=0"],
        cwd=copy,
        env={"PATH": os.environ["PATH"], "DEBUG": "true"},
        check=True,
        timeout=120,
    )
    fresh = {entry.msgid for entry in polib.pofile(str(copy.joinpath(*CATALOGUE_PATH)))}
    committed = {entry.msgid for entry in polib.pofile(str(settings.BASE_DIR.joinpath(*CATALOGUE_PATH)))}
    assert sorted(fresh - committed) == []
    assert sorted(committed - fresh) == []
