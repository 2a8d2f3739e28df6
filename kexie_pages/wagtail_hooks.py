"""Each section registers its own admin (menus, viewsets, hooks) in ``<section>/admin.py``."""

from .base import admin as base_admin
from .booklets import admin as booklets_admin
from .courses import admin as courses_admin
from .directories import admin as directories_admin
from .needs import admin as needs_admin
from .news import admin as news_admin
from .programme import admin as programme_admin
from .recognition import admin as recognition_admin
from .results import admin as results_admin

__all__ = [
    "base_admin",
    "booklets_admin",
    "courses_admin",
    "directories_admin",
    "needs_admin",
    "recognition_admin",
    "news_admin",
    "programme_admin",
    "results_admin",
]
