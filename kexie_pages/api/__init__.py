"""The plugin's django-ninja routers, added to Wagtail's v3 NinjaAPI in ``apps.py``."""
