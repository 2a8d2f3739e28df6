# Everything a fresh machine needs, with only Python 3.11+ installed.
PYTHON ?= python3
VENV := .venv
# Absolute paths, so recipes that cd into an app still find the venv and manage.py.
BIN := $(abspath $(VENV)/bin)
MANAGE := $(BIN)/python $(CURDIR)/site/manage.py
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
ADMIN_USER ?= admin
ADMIN_PASSWORD ?= kexie-demo-2026
LOCALE := zh_Hans
MESSAGE_APPS := kexie_pages kexie_forms site/kexie_site
MESSAGES_IGNORE := --ignore=.venv --ignore=venv --ignore=build --ignore=dist --ignore=node_modules --ignore=var
MAKEMESSAGES_ARGS := --locale=$(LOCALE) --no-obsolete $(MESSAGES_IGNORE)
TEMPLATE_DIRS := kexie_pages/templates kexie_forms/templates site/kexie_site/templates
# Same tabwidth as the djhtml hook in .pre-commit-config.yaml.
DJHTML_ARGS := --tabwidth 2

.PHONY: install demo demo-data test lint typecheck format messages messages-check bench serve load clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[testing]"
	touch $(STAMP)

demo: install
	KEXIE_SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) migrate --noinput
	KEXIE_SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) load_demo_data
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
	$(BIN)/djhtml --check $(DJHTML_ARGS) $(TEMPLATE_DIRS)

# Separate from lint: mypy loads Django (the settings in [tool.django-stubs]).
typecheck: install
	$(BIN)/mypy kexie_pages kexie_forms

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $(DJHTML_ARGS) $(TEMPLATE_DIRS)

# makemessages runs inside each app so that each keeps its own catalogue.
messages: install
	for app in $(MESSAGE_APPS); do \
		(cd $(CURDIR)/$$app && $(MANAGE) makemessages $(MAKEMESSAGES_ARGS)) || exit 1; \
	done
	$(MANAGE) compilemessages --locale=$(LOCALE) $(MESSAGES_IGNORE)

# Fails if make messages would change a msgid, or a msgstr is empty, fuzzy or not compiled.
messages-check: install
	$(BIN)/python .ci/check_messages.py $(MESSAGE_APPS)

bench: install
	$(BIN)/python bench/run.py

# The production settings on gunicorn (site/gunicorn.conf.py) plus the django-tasks
# worker, on this machine, with one command; Ctrl-C stops both. DATABASE_URL and
# REDIS_URL are used when set. Plain http on 127.0.0.1: no TLS redirect, no Secure
# cookies, no HSTS (README, "Serving").
SERVE_ENV = DJANGO_SETTINGS_MODULE=kexie_site.settings.production \
	SECRET_KEY="$$(cat $(CURDIR)/var/secret_key)" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	KEXIE_SITE_URL="$${KEXIE_SITE_URL:-http://127.0.0.1:$(PORT)}" \
	KEXIE_SSL_REDIRECT=0 KEXIE_SECURE_COOKIES=0 KEXIE_HSTS_SECONDS=0

serve: install
	@mkdir -p var && test -s var/secret_key || $(BIN)/python -c \
		"import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput -v0
	@echo "  Site: http://127.0.0.1:$(PORT)/  (gunicorn + db_worker; Ctrl-C stops both)"
	$(SERVE_ENV) KEXIE_BIND=127.0.0.1:$(PORT) bash -c 'trap "kill 0" EXIT; \
		$(MANAGE) db_worker & \
		$(BIN)/gunicorn -c $(CURDIR)/site/gunicorn.conf.py; wait'

# A bounded mixed workload against a running `make serve` on 127.0.0.1:$(PORT)
# (bench/load.py: LOAD_SECONDS, LOAD_CLIENTS); prints throughput, p95 and checks,
# reading the database with the same settings and environment as `make serve`.
LOAD_SECONDS ?= 60
LOAD_CLIENTS ?= 20
load: install
	$(SERVE_ENV) $(BIN)/python bench/load.py --url http://127.0.0.1:$(PORT) \
		--seconds $(LOAD_SECONDS) --clients $(LOAD_CLIENTS)

clean:
	rm -rf $(VENV) var
