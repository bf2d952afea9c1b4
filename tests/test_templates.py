"""House rules of the templates that a page's look depends on."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUTTON = re.compile(r"<button\b[^>]*>", re.S)
# A button is drawn as the portal's button, as a link, or is the header's language switch (styled by its place).
STYLED = re.compile(r'class="[^"]*\b(button|link-button)\b|name="language"')


def templates() -> list[Path]:
    return [path for path in ROOT.glob("*/templates/**/*.html") if ".venv" not in path.parts] + list(
        (ROOT / "templates").glob("**/*.html")
    )


def test_the_templates_are_found():
    assert len(templates()) > 50


def test_every_button_is_drawn_as_the_portals_button_or_a_link():
    unstyled = [
        f"{path.relative_to(ROOT)}: {tag}"
        for path in templates()
        for tag in BUTTON.findall(path.read_text(encoding="utf-8"))
        if not STYLED.search(tag)
    ]
    assert unstyled == []
