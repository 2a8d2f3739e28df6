"""The programme's public pages in the anonymous page cache: an agreement's move
shows at once on the agreements list, a new award on the whole site."""

import pytest
from django.test import Client

from kexie_pages.base.cache import STATUS_HEADER
from kexie_pages.programme.services import agreement_set_status

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def state(client: Client, url: str) -> str:
    """What the page cache did with an anonymous GET of ``url``."""
    return client.get(url).get(STATUS_HEADER, "")


def test_signing_an_agreement_shows_at_once_on_the_list(
    page_cache, site_settings, agreements_page, make_agreement, client
):
    agreement = make_agreement(status="signed", title="葡萄避雨栽培协作")
    url = agreements_page.url + "?status=in_progress"
    assert state(client, url) == "miss"
    assert state(client, url) == "hit"
    assert "葡萄避雨栽培协作" not in client.get(url).content.decode()
    agreement_set_status(agreement=agreement, status="in_progress")
    response = client.get(url)
    assert response[STATUS_HEADER] == "miss"
    assert "葡萄避雨栽培协作" in response.content.decode()


def test_a_progress_report_purges_the_agreements_page(
    page_cache, site_settings, agreements_page, make_agreement, client
):
    from kexie_pages.models import AgreementProgressReport

    agreement = make_agreement(status="in_progress")
    url = agreements_page.url
    assert state(client, url) == "miss"
    assert state(client, url) == "hit"
    AgreementProgressReport.objects.create(agreement=agreement, text="培训班已举办")
    assert state(client, url) == "miss"
