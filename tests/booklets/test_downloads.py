"""Booklet downloads: the whole file under its Chinese name, ranges to resume,
private and draft booklets withheld, and each download counted once."""

import re
import threading
import time
import urllib.parse
from datetime import date

import pytest
from django.test import Client

from kexie_pages.booklets.downloads import download_counter, parse_range
from kexie_pages.models import BookletDownloadCount, BookletPage

from .helpers import TITLE


def route_url(booklet: BookletPage) -> str:
    return booklet.url + booklet.reverse_subpage("download")


@pytest.mark.django_db
def test_download_sends_the_whole_file_named_after_the_chinese_title(
    booklet, download_url
):
    response = Client().get(download_url(booklet))  # anonymous: no login needed
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body == booklet.document.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(body))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the charset name is case-insensitive (Django writes utf-8).
    quoted = re.search(r"filename\*=UTF-8''(\S+)", disposition, re.IGNORECASE).group(1)
    assert urllib.parse.unquote(quoted) == f"{TITLE}.pdf"
    assert f'filename="booklet-{booklet.pk}.pdf"' in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_the_page_route_serves_the_same_file(booklet):
    response = Client().get(route_url(booklet), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == booklet.document.file.open(
        "rb"
    ).read(10)
    assert response["Content-Range"] == f"bytes 0-9/{booklet.file_size}"


@pytest.mark.django_db
def test_private_and_draft_booklets_are_not_served(booklet, download_url):
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=booklet, restriction_type=PageViewRestriction.LOGIN
    )
    assert Client().get(download_url(booklet)).status_code == 302  # to login
    assert Client().get(route_url(booklet)).status_code == 302
    restriction.delete()
    booklet.unpublish()
    assert Client().get(download_url(booklet)).status_code == 404
    assert Client().get(route_url(booklet)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=10-", 10, None),
        ("bytes=-5", -5, None),
        ("bytes=100-99999999", 100, None),
    ],
)
def test_range_requests_resume_a_download(booklet, header, start, end, download_url):
    data = booklet.document.file.open("rb").read()
    response = Client().get(download_url(booklet), HTTP_RANGE=header)
    body = b"".join(response.streaming_content)
    expected = data[start : None if end is None else end + 1]
    assert response.status_code == 206
    assert body == expected
    assert response["Content-Length"] == str(len(expected))
    first = start % len(data)
    assert (
        response["Content-Range"]
        == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["bytes=99999999-", "bytes=-0"])
def test_range_past_the_end_is_416(booklet, header, download_url):
    response = Client().get(download_url(booklet), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{booklet.file_size}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        "bytes=abc",
        "items=0-5",
        "bytes=9-3",
        "bytes=0-1,4-5",
        "bytes=-",
        "bytes=1-2-3",
        "😀",
    ],
)
def test_malformed_range_gets_the_whole_file(booklet, header, download_url):
    response = Client().get(download_url(booklet), HTTP_RANGE=header)
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) == booklet.file_size


@pytest.mark.django_db
def test_if_range_with_an_old_etag_restarts_from_zero(booklet, download_url):
    response = Client().get(
        download_url(booklet), HTTP_RANGE="bytes=10-", HTTP_IF_RANGE='"stale"'
    )
    assert response.status_code == 200
    assert (
        Client()
        .get(download_url(booklet), HTTP_IF_NONE_MATCH=response["ETag"])
        .status_code
        == 304
    )


def test_parse_range_edges():
    assert parse_range(None, 10) is None
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=-20", 10) == (0, 9)
    assert parse_range("bytes=9-", 10) == (9, 9)


@pytest.mark.django_db
def test_a_missing_file_is_404_not_500(booklet, download_url):
    booklet.document.file.storage.delete(booklet.document.file.name)
    booklet.document.file_size = None
    booklet.document.save()
    assert Client().get(download_url(booklet)).status_code == 404


@pytest.mark.django_db
def test_each_download_is_counted_once_by_month_and_source(booklet, download_url):
    url = download_url(booklet)  # each download from another farmer's phone
    Client(REMOTE_ADDR="10.0.0.1").get(url)
    Client(REMOTE_ADDR="10.0.0.2").get(url, {"src": "poster"})
    resuming = Client(REMOTE_ADDR="10.0.0.3")
    resuming.get(
        url, {"src": "poster"}, HTTP_RANGE="bytes=0-99"
    )  # a first part: counts
    resuming.get(
        url, {"src": "poster"}, HTTP_RANGE="bytes=100-"
    )  # its resumption: does not
    Client(REMOTE_ADDR="10.0.0.4").head(url)
    # an unusable tag counts as direct
    Client(REMOTE_ADDR="10.0.0.5").get(url, {"src": "<script>"})
    assert BookletDownloadCount.objects.count() == 0  # nothing written while serving
    assert download_counter.flush() == 4
    counts = {
        (row.month, row.source): row.count for row in BookletDownloadCount.objects.all()
    }
    month = date.today().replace(day=1)
    assert counts == {(month, ""): 2, (month, "poster"): 2}
    assert booklet.download_count == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_downloads_are_counted_exactly(booklet, download_url):
    url = download_url(booklet)
    errors = []

    def fetch(thread: int, times: int) -> None:
        for number in range(times):  # each download from another phone
            client = Client(REMOTE_ADDR=f"10.0.{thread}.{number + 1}")
            response = client.get(url, {"src": "qr"})
            if len(b"".join(response.streaming_content)) != booklet.file_size:
                errors.append(response.status_code)

    threads = [threading.Thread(target=fetch, args=(n, 10)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A flush while counting goes on loses nothing either.
    adders = [
        threading.Thread(
            target=lambda: [download_counter.add(booklet.pk, "x") for _ in range(500)]
        )
        for _ in range(4)
    ]
    for thread in adders:
        thread.start()
    download_counter.flush()
    for thread in adders:
        thread.join()
    download_counter.flush()
    assert errors == []
    assert BookletDownloadCount.objects.get(source="qr").count == 200
    assert BookletDownloadCount.objects.get(source="x").count == 2000


@pytest.mark.django_db
def test_a_failed_flush_keeps_the_counts(booklet, monkeypatch):
    download_counter.add(booklet.pk, "poster")
    monkeypatch.setattr(
        BookletDownloadCount.objects, "get_or_create", lambda **kw: 1 / 0
    )
    with pytest.raises(ZeroDivisionError):
        download_counter.flush()
    monkeypatch.undo()
    assert download_counter.pending() == 1
    assert download_counter.flush() == 1


# --- counters nobody can inflate (issue 11, item 10) ---------------------------------


@pytest.mark.django_db
def test_a_repeated_download_within_the_hour_counts_once(booklet, download_url):
    url = download_url(booklet)
    phone = Client(REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT="Mozilla/5.0 (Linux; HM)")
    for _ in range(5):
        assert phone.get(url, {"src": "poster"}).status_code == 200
    phone.get(url, HTTP_RANGE="bytes=0-99")  # a download manager's first part
    phone.get(url, HTTP_RANGE="bytes=100-")  # and its resumption
    assert download_counter.flush() == 1
    # Another phone behind the same address (another browser) is another reader.
    Client(REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT="MicroMessenger/8.0").get(url)
    assert download_counter.flush() == 1
    assert booklet.download_count == 2


@pytest.mark.django_db
def test_a_download_counts_again_after_the_hour(booklet, download_url, settings):
    settings.KEXIE_DOWNLOAD_REPEAT_SECONDS = 1
    url = download_url(booklet)
    phone = Client(REMOTE_ADDR="10.0.0.1")
    phone.get(url)
    phone.get(url)
    time.sleep(1.1)
    phone.get(url)
    assert download_counter.flush() == 2


@pytest.mark.django_db
def test_a_flood_of_made_up_sources_adds_a_bounded_number_of_rows(
    booklet, download_url, settings
):
    settings.KEXIE_DOWNLOAD_MAX_EXTRA_SOURCES = 3
    url = download_url(booklet)
    for number in range(200):
        client = Client(REMOTE_ADDR=f"10.1.{number // 250}.{number % 250}")
        client.get(url, {"src": f"spam{number:03d}"})
    for number, source in enumerate(("poster", "wechat", "qr", "")):
        Client(REMOTE_ADDR=f"10.2.0.{number}").get(url, {"src": source})
    download_counter.flush()
    Client(REMOTE_ADDR="10.3.0.1").get(url, {"src": "spam-late"})
    download_counter.flush()
    rows = dict(BookletDownloadCount.objects.values_list("source", "count"))
    assert len(rows) == 4 + 3 + 1  # the known tags and direct, 3 others, "other"
    assert rows["other"] == 200 - 3 + 1
    assert rows["poster"] == rows["wechat"] == rows["qr"] == rows[""] == 1
    assert sum(rows.values()) == 205


@pytest.mark.django_db
def test_made_up_user_agents_from_one_address_count_a_bounded_number(
    booklet, download_url, settings
):
    settings.KEXIE_RATE_LIMITS = {"booklet_download": (5, 3600)}
    url = download_url(booklet)
    for number in range(40):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT=f"bot/{number}").get(url)
    Client(REMOTE_ADDR="10.0.0.2").get(url)
    assert download_counter.flush() == 5 + 1
