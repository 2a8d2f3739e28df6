"""Writes every section relies on: the site's public address."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from wagtail.models import Site


def site_url_apply(*, url: str) -> Site | None:
    """Point the default ``Site`` at the public address ``url`` (``https://kx.example.cn``).

    Every absolute link the plugin writes (the sitemap, iCalendar ``URL:``, the
    needs export's link column, the API's URL fields) is built from the Site
    record, so it must carry the host and port people reach the site on, not
    Wagtail's initial ``localhost:80``. Returns the site, or None without one.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"KEXIE_SITE_URL must look like https://kx.example.cn, not {url!r}"
        )
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    if (site.hostname, site.port) != (parts.hostname, port):
        site.hostname, site.port = parts.hostname, port
        site.save(update_fields=["hostname", "port"])
    return site
