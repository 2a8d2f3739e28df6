"""Demo content, one module per section; ``load_demo_data`` runs them in order.

A section adds its loader to ``LOADERS``: a function taking the home page and
the fixtures folder, returning a line that says what it loaded.
"""

from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from wagtail.models import Page

from . import booklets, courses, directories, needs, news, programme, results

LOADERS: list[Callable[[Page, Path], str]] = [
    news.load,
    booklets.load,
    courses.load,
    directories.load,
    needs.load,
    programme.load,
    results.load,
]

if apps.is_installed("kexie_forms"):
    from kexie_forms import demo as forms

    LOADERS.append(forms.load)
