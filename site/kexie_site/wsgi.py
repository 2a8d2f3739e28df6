"""WSGI entry point: ``gunicorn kexie_site.wsgi`` (run from ``site/``)."""

import os
import sys
from pathlib import Path

from django.core.wsgi import get_wsgi_application

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie_site.settings.production")

application = get_wsgi_application()
