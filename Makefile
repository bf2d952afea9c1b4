# 白云区云聚英才卡 portal. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Debian packages the portal needs: CJK fonts and pango for PDF cards and guides, gettext for translations.
SYSTEM_PACKAGES := fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
BROWSER_PACKAGES := chromium chromium-driver

.PHONY: run test install system-packages browser-packages messages translations lint format migrate demo screenshots clean

run: install messages migrate demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install browser-packages messages
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
	rm -rf $(VENV) var
