"""Compression of answers: what the client accepts, brotli for public pages,
gzip with random padding for answers that carry a token (BREACH)."""

import gzip
import json

import brotli
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory
from django.utils.cache import add_never_cache_headers

from kexie_pages.base.compression import CompressionMiddleware

PAGE = "<html><body>" + "小麦赤霉病防治技术培训。" * 200 + "</body></html>"


def serve(response: HttpResponse, accept: str = "gzip, deflate, br", method="get"):
    """Pass ``response`` through the middleware for a request accepting ``accept``."""
    request = getattr(RequestFactory(), method)("/", HTTP_ACCEPT_ENCODING=accept)
    return CompressionMiddleware(lambda r: response)(request)


def test_public_html_gets_brotli_then_gzip_then_nothing():
    body = PAGE.encode()
    br = serve(HttpResponse(PAGE))
    assert br["Content-Encoding"] == "br" and brotli.decompress(br.content) == body
    assert int(br["Content-Length"]) == len(br.content) < len(body) / 5
    gz = serve(HttpResponse(PAGE), accept="gzip")
    assert gz["Content-Encoding"] == "gzip" and gzip.decompress(gz.content) == body
    plain = serve(HttpResponse(PAGE), accept="")
    assert not plain.has_header("Content-Encoding") and plain.content == body
    assert all("Accept-Encoding" in r["Vary"] for r in (br, gz, plain))


def test_json_and_calendars_are_compressed_images_and_pdfs_are_not():
    data = {"results": [{"title": "小麦赤霉病", "county": "扶沟县"}] * 100}
    answer = serve(JsonResponse(data))
    assert json.loads(brotli.decompress(answer.content)) == data
    ics = serve(HttpResponse("BEGIN:VCALENDAR\r\n" * 200, content_type="text/calendar"))
    assert ics["Content-Encoding"] == "br"
    pdf = serve(HttpResponse(b"%PDF-1.4" * 200, content_type="application/pdf"))
    assert not pdf.has_header("Content-Encoding")


def test_an_answer_with_a_token_gets_padded_gzip_never_brotli():
    sizes = set()
    for _ in range(8):
        response = HttpResponse(PAGE)
        add_never_cache_headers(response)  # form pages: private, no-store
        answer = serve(response)
        assert answer["Content-Encoding"] == "gzip"
        assert gzip.decompress(answer.content) == PAGE.encode()
        sizes.add(len(answer.content))
    # Heal-the-BREACH: random bytes in the gzip header vary the length.
    assert len(sizes) > 1


def test_head_and_tiny_answers_are_left_alone():
    assert not serve(HttpResponse("ok")).has_header("Content-Encoding")
    assert not serve(HttpResponse(PAGE), method="head").has_header("Content-Encoding")
