"""Booklets in the pages API: download address, size, pages and counts."""

import pytest

from kexie_pages.booklets.downloads import download_counter

from .helpers import TITLE


@pytest.mark.django_db
def test_api_gives_download_url_size_pages_and_counts(booklet, client):
    download_counter.add(booklet.pk)
    download_counter.flush()
    data = client.get(f"/api/v3/pages/{booklet.pk}/").json()
    assert data["download_url"].endswith(f"/b/{booklet.pk}/download/")
    assert data["file_size"] == booklet.file_size
    assert data["page_count"] == 3
    assert data["download_count"] == 1
    assert data["category_name"] == "种植"
    listing = client.get("/api/v3/pages/", {"type": "kexie_pages.BookletPage"}).json()
    assert [item["title"] for item in listing["items"]] == [TITLE]
