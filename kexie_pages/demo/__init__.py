"""Demo content, one module per section; ``load_demo_data`` runs them in order.

A section adds its loader to ``LOADERS``: a function taking the home page and
the fixtures folder, returning a line that says what it loaded.
"""

from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from wagtail.models import Page

from . import (
    booklets,
    courses,
    directories,
    needs,
    news,
    programme,
    recognition,
    results,
)

LOADERS: list[Callable[[Page, Path], str]] = [
    booklets.load,
    courses.load,
    directories.load,
    needs.load,
    programme.load,
    results.load,
    # After what its articles link to (needs, courses, tech-leaders, agreements).
    news.load,
]

if apps.is_installed("kexie_forms"):
    from kexie_forms import demo as forms

    LOADERS.append(forms.load)

# After the forms: the awards round's nomination form joins the counties' forms.
LOADERS.append(recognition.load)
