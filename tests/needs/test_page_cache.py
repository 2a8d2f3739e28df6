"""The needs library's pages in the anonymous page cache: purged when a need's
status changes or a need is published, never cached while showing a form."""

import pytest
from django.test import Client

from kexie_pages.base.cache import STATUS_HEADER
from kexie_pages.needs.services import need_set_status

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def state(client: Client, url: str) -> str:
    """What the page cache did with an anonymous GET of ``url``."""
    return client.get(url).get(STATUS_HEADER, "")


def test_a_status_change_purges_the_library_and_the_need(
    page_cache, site_settings, library, needs, client
):
    need = needs["wheat"]
    listing = library.url + "?status=matched"
    assert state(client, listing) == "miss"
    assert state(client, library.url) == "miss"
    assert state(client, listing) == "hit"
    need_set_status(need=need, status="matched")
    response = client.get(listing)
    assert response[STATUS_HEADER] == "miss"
    assert need.title in response.content.decode()
    assert state(client, library.url) == "miss"


def test_a_new_published_need_shows_at_once(
    page_cache, site_settings, library, needs, make_need, client
):
    assert state(client, library.url) == "miss"
    assert state(client, library.url) == "hit"
    make_need(title="葡萄霜霉病防治需求")
    response = client.get(library.url)
    assert "葡萄霜霉病防治需求" in response.content.decode()


def test_a_need_page_with_its_enquiry_form_is_never_cached(
    page_cache, site_settings, library, needs, client
):
    url = library.need_url(needs["wheat"])
    assert client.get(url).status_code == 200
    assert state(client, url) == ""
