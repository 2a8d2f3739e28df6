"""A booklet's download count on its cached page: the counters' flush purges it."""

import pytest
from django.test import Client

from kexie_pages.base.cache import STATUS_HEADER
from kexie_pages.booklets.downloads import download_counter

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_flush_of_download_counts_purges_the_booklet_page(
    page_cache, site_settings, booklet
):
    visitor = Client()
    first = visitor.get(booklet.url)
    assert first[STATUS_HEADER] == "miss" and "已下载0次" in first.content.decode()
    assert visitor.get(booklet.url)[STATUS_HEADER] == "hit"
    download_counter.add(booklet.pk, "web")
    download_counter.add(booklet.pk, "qr")
    assert download_counter.flush() == 2
    after = visitor.get(booklet.url)
    assert after[STATUS_HEADER] == "miss"
    assert "已下载2次" in after.content.decode()
