"""The site's public address: applied from the environment at each migrate, and
then every absolute link the site writes names it."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_migrate
from wagtail.models import Site

from kexie_pages.base.services import site_url_apply

pytestmark = pytest.mark.django_db


def test_site_url_sets_host_and_port(home):
    site = site_url_apply(url="https://kx.example.cn")
    assert (site.hostname, site.port) == ("kx.example.cn", 443)
    assert site.root_url == "https://kx.example.cn"
    site = site_url_apply(url="http://127.0.0.1:8080/")
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize("bad", ["kx.example.cn", "ftp://kx.example.cn", "https://"])
def test_a_malformed_site_url_says_what_is_expected(home, bad):
    with pytest.raises(ImproperlyConfigured, match="https://kx.example.cn"):
        site_url_apply(url=bad)


def test_migrate_applies_the_site_url_from_settings(home, settings, client):
    settings.KEXIE_SITE_URL = "https://kx.example.cn"
    post_migrate.send(
        sender=apps.get_app_config("kexie_pages"),
        app_config=apps.get_app_config("kexie_pages"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    home.save_revision().publish()
    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost").content.decode()
    assert "<loc>https://kx.example.cn/</loc>" in sitemap
    assert "localhost" not in sitemap
