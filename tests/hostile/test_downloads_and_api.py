"""Hostile requests to the booklet downloads and the HTTP API: bad ranges,
ids past 64 bits, NUL bytes, malformed and nested JSON bodies, pagination
past the database's integers, edge dates. Never a 5xx; a Chinese message
for what is refused; nothing written."""

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]{2,}")


@pytest.fixture
def download(public_site) -> str:
    return f"/b/{public_site['booklet'].pk}/download/"


@pytest.mark.parametrize(
    ("header", "statuses"),
    [
        ("bytes=abc", {200}),
        ("bytes=999999999-", {416}),
        ("bytes=-0", {200, 416}),
        ("bytes=0-99999999999999999999999999", {200, 206}),
        ("bytes=99999999999999999999999999-", {416}),
        (
            ",".join(f"{i}-{i}" for i in range(2000)).join(["bytes=", ""]),
            {200, 206, 416},
        ),
        ("bytes=5-1", {200, 416}),
        ("bytes=\x00", {200, 400}),
        ("items=0-10", {200}),
    ],
    ids=[
        "garbage",
        "past-the-end",
        "minus-zero",
        "huge-end",
        "huge-start",
        "2000-ranges",
        "reversed",
        "nul",
        "wrong-unit",
    ],
)
def test_bad_ranges_never_break_a_download(header, statuses, download):
    response = Client(raise_request_exception=False).get(download, HTTP_RANGE=header)
    assert response.status_code in statuses, response.status_code


@pytest.mark.parametrize(
    "path",
    [
        "/b/9223372036854775808/download/",
        "/b/99999999999999999999999/download/",
        "/b/0/download/",
        "/b/9223372036854775808/",
        "/b/-1/",
    ],
)
def test_impossible_booklet_ids_are_a_chinese_404(path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404
    assert CJK.search(response.content.decode())


def test_a_nul_in_the_source_tag_is_a_chinese_400(download):
    response = Client(raise_request_exception=False).get(download + "?src=qr%00x")
    assert response.status_code == 400
    assert CJK.search(response.content.decode())


def test_each_new_source_tag_does_not_add_a_counter_row(public_site, download):
    from kexie_pages.booklets.downloads import download_counter
    from kexie_pages.models import BookletDownloadCount

    client = Client()
    for number in range(50):
        client.get(download + f"?src=spam{number}")
    download_counter.flush()
    assert BookletDownloadCount.objects.values("source").distinct().count() <= 10


# --- the API


def problem(response) -> str:
    """The Chinese sentence of a problem+json (or ``{"message"}``) answer."""
    body = response.json()
    return body.get("detail") or body.get("message") or ""


@pytest.mark.parametrize(
    "url",
    [
        "/api/v3/kexie/needs/?offset=9223372036854775808",
        "/api/v3/kexie/courses/?offset=99999999999999999999",
        "/api/v3/kexie/experts/?offset=-1",
        "/api/v3/kexie/leaders/?limit=-1",
        "/api/v3/kexie/achievements/?limit=1000000",
        "/api/v3/kexie/associations/?limit=abc",
        "/api/v3/pages/?offset=9223372036854775808",
        "/api/v3/pages/?limit=99999999999999999999",
        "/api/v3/kexie/courses/?date_from=2026-02-30",
        "/api/v3/kexie/needs/?county=%00",
        "/api/v3/kexie/experts/?q=%00",
        "/api/v3/pages/?search=%00",
    ],
)
def test_bad_parameters_are_a_chinese_400(url, public_site):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400, response.status_code
    assert CJK.search(problem(response)), response.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v3/kexie/forms/9223372036854775808",
        "/api/v3/kexie/needs/99999999999999999999999/",
        "/api/v3/kexie/experts/0/",
        "/api/v3/kexie/demo-bases/9223372036854775807/",
    ],
)
def test_impossible_ids_are_a_chinese_404(path, public_site):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404
    assert CJK.search(problem(response))


@pytest.mark.parametrize(
    "params",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"date_from": "9999-12-31"},
    ],
)
def test_edge_dates_are_no_bound(params, public_site):
    response = Client(raise_request_exception=False).get(
        "/api/v3/kexie/courses/", params
    )
    assert response.status_code == 200
    expected = 0 if params.get("date_from") == "9999-12-31" else 1
    assert response.json()["count"] == expected


@pytest.mark.parametrize(
    ("search", "found"),
    [('"', 0), ("*", 0), ("NEAR(", 0), ("AND", 0), ("((", 0), ("-", 0), ("小麦", 1)],
)
def test_fts_syntax_in_the_api_search_finds_nothing(search, found, public_site):
    response = Client(raise_request_exception=False).get(
        "/api/v3/pages/", {"search": search, "type": "kexie_pages.NewsPage"}
    )
    assert response.status_code == 200
    assert len(response.json()["items"]) == found


def post_body(page, body: bytes, content_type="application/json", **headers):
    return Client(raise_request_exception=False).post(
        f"/api/v3/kexie/forms/{page.pk}/submissions",
        body,
        content_type=content_type,
        **headers,
    )


def good_answers() -> dict:
    return {
        "county": "411621",
        "village": "前进村",
        "need": "小麦赤霉病防治技术",
        "mobile": "13803940001",
    }


BODIES = {
    "api-deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "api-deep-object": b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    "api-nested-value": json.dumps({**good_answers(), "village": {"$gt": ""}}).encode(),
    "api-list-of-objects": json.dumps(
        {**good_answers(), "county": [{"x": 1}]}
    ).encode(),
    "api-list-body": json.dumps([good_answers()]).encode(),
    "api-not-json": b"{village: 1",
    "api-not-utf8": b'{"village": "\xff\xfe"}',
    "api-nul-in-field": json.dumps(
        {**good_answers(), "village": "前\u0000进"}
    ).encode(),
    "api-nul-in-county": json.dumps(
        {**good_answers(), "county": "4116\u000021"}
    ).encode(),
    "api-huge-number": b'{"county": 1e400, "village": 99999999999999999999999999999}',
}


@pytest.mark.parametrize("case", sorted(BODIES))
def test_bad_bodies_are_a_chinese_400_and_store_nothing(case, public_site, row_counts):
    before = row_counts()
    response = post_body(public_site["form_page"], BODIES[case])
    assert response.status_code == 400, (case, response.status_code)
    body = response.json()
    said = " ".join(
        [body.get("message", "")]
        + [m for v in body.get("errors", {}).values() for m in v]
    )
    assert CJK.search(said), body
    assert row_counts() == before


def test_a_body_over_the_cap_is_a_chinese_413(public_site, row_counts, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    before = row_counts()
    body = json.dumps({**good_answers(), "need": "小麦" * 60_000}).encode()
    response = post_body(public_site["form_page"], body)
    assert response.status_code == 413
    assert CJK.search(response.json()["message"])
    assert row_counts() == before


def test_a_nul_in_the_idempotency_key_is_harmless(public_site):
    response = post_body(
        public_site["form_page"],
        json.dumps(good_answers()).encode(),
        HTTP_IDEMPOTENCY_KEY="abc\x00def",
    )
    assert response.status_code in (201, 400)


@pytest.mark.parametrize(
    "receipt",
    ["%00", "XQ-2019-000007%00", "x" * 5000, "%ED%A0%80", "../../etc/passwd"],
)
def test_receipt_lookups_with_garbage_never_break(receipt, public_site):
    client = Client(raise_request_exception=False)
    for url in (
        f"/api/v3/kexie/forms/receipts/{receipt}",
        f"/forms/receipt/?receipt={receipt}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 400, 404, 429), (url, response.status_code)
