# Everything a fresh machine needs, with only Python 3.11+ installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python site/manage.py
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
ADMIN_USER ?= admin
ADMIN_PASSWORD ?= kexie-demo-2026

.PHONY: install demo demo-data test lint format messages bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[testing]"
	touch $(STAMP)

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data
	@DJANGO_SUPERUSER_PASSWORD=$(ADMIN_PASSWORD) $(MANAGE) createsuperuser --noinput \
		--username $(ADMIN_USER) --email admin@example.com >/dev/null 2>&1 || true
	@echo ""
	@echo "  Site:  http://127.0.0.1:$(PORT)/"
	@echo "  Admin: http://127.0.0.1:$(PORT)/admin/  login: $(ADMIN_USER) / $(ADMIN_PASSWORD)"
	@echo ""
	$(MANAGE) runserver 127.0.0.1:$(PORT)

demo-data: install
	$(MANAGE) load_demo_data

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	cd kexie_pages && ../$(MANAGE) makemessages -l zh_Hans --no-obsolete
	cd kexie_forms && ../$(MANAGE) makemessages -l zh_Hans --no-obsolete
	cd site/kexie_site && ../../$(MANAGE) makemessages -l zh_Hans --no-obsolete
	$(MANAGE) compilemessages -l zh_Hans --ignore=.venv

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
