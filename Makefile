# 白云区云聚英才卡 portal. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Debian packages the portal needs: pango and fonts for the PDF cards and guides (Noto CJK, cut by `make fonts`;
# HanaMin for CJK Extensions A to F; Noto Sans Arabic and Noto Serif Tibetan for Uyghur and Tibetan names;
# fontconfig's fc-match finds them), gettext for translations.
SYSTEM_PACKAGES := fonts-noto-cjk fonts-hanazono fonts-noto-core fontconfig gettext \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
BROWSER_PACKAGES := chromium chromium-driver

.PHONY: run test install system-packages browser-packages messages fonts translations lint format migrate demo \
	screenshots clean

run: install messages fonts migrate demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install browser-packages messages fonts
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz} \
		$(BIN)/pytest -n 2 $(PYTEST_ARGS)

install: system-packages $(INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Installs the missing Debian packages when this machine allows it (root with apt-get), else says what is missing.
system-packages:
	@./scripts/ensure-packages $(SYSTEM_PACKAGES)

browser-packages:
	@./scripts/ensure-packages $(BROWSER_PACKAGES)

messages: $(INSTALLED)
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv -v 0

# The card PDFs' font, cut from the system's Noto Sans CJK SC to GB 2312 (skipped when up to date).
fonts: $(INSTALLED)
	DEBUG=true $(BIN)/python manage.py card_fonts

# Refreshes the Chinese catalogue from the code; translate the new entries, then `make messages`.
translations: $(INSTALLED)
	DEBUG=true $(BIN)/python manage.py makemessages --locale=zh_Hans --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=var

migrate: $(INSTALLED)
	DEBUG=true $(BIN)/python manage.py migrate --no-input -v 0

demo: $(INSTALLED)
	DEBUG=true $(BIN)/python manage.py seed_demo

# Every main page as each role sees it, at 1280 and 390 px, in both languages, into var/screenshots/.
screenshots: install browser-packages
	$(BIN)/python scripts/screenshots.py

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var build
