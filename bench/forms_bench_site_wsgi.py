"""WSGI entry point of the benchmark site (``forms_bench_site`` settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forms_bench_site")
application = get_wsgi_application()
