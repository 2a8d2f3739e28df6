"""Booklet downloads: exact counts under 500 concurrent downloads, throughput, page weight.

* 500 downloads started at once from 500 threads (in-process WSGI client, the
  SQLite file database of the embedded default), counted by each strategy:
  the chosen in-memory buffer, an UPDATE per download, an INSERT per download.
  Wall time is a ratio to the same 500 downloads with no counting at all.
* Throughput: a 2 MB booklet through the download view, as a ratio to the
  same file served as a plain static file (``django.views.static.serve``).
* Page weight: the booklet page and the library page, HTML + CSS, in KB.
* Lite edition: a ~2.3 MB four-page booklet of print-quality photographs
  rewritten by ``booklets.lite.pdf_lite`` (Ghostscript), 3 runs: its size as a
  share of the original's (the baseline is the original file itself), whether
  pypdf extracts the same text page by page, and the seconds it takes.
"""

import gzip
import io
import random
import statistics
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Sum
from django.test import Client
from django.test.utils import override_settings
from django.urls import path
from django.views.static import serve as static_serve
from fpdf import FPDF
from PIL import Image as PILImage
from timing import interleaved_medians

CONCURRENT = 500


def _big_pdf(megabytes: float = 2.0) -> bytes:
    """A PDF of about ``megabytes`` MB: pages of incompressible noise images."""
    rng = random.Random(6)
    pdf = FPDF()
    embedded = 0
    while embedded < megabytes * 1024 * 1024:
        image = PILImage.frombytes("RGB", (300, 300), rng.randbytes(300 * 300 * 3))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=95)
        embedded += buffer.tell()
        pdf.add_page()
        pdf.image(buffer, x=10, y=10, w=180)
    return bytes(pdf.output())


def _setup():
    from wagtail.documents import get_document_model

    from kexie_pages.demo import home as demo_home
    from kexie_pages.demo.booklets import make_booklet_pdf
    from kexie_pages.models import BookletIndexPage, BookletPage

    home = demo_home.load()
    index = home.add_child(
        instance=BookletIndexPage(title="科普图书资料", slug="booklets")
    )
    Document = get_document_model()

    def booklet(slug: str, data: bytes) -> BookletPage:
        document = Document(title=slug)
        document.file.save(f"{slug}.pdf", ContentFile(data), save=False)
        document.save()
        return index.add_child(
            instance=BookletPage(
                title="小麦赤霉病防治技术手册",
                slug=slug,
                summary="赤霉病是豫东小麦的头号病害，遇上扬花期连阴雨最易流行。" * 3,
                techniques="抽穗扬花期喷药、品种选择、秸秆处理",
                audience="小麦种植户",
                publisher="周口市农业科学院",
                year=2025,
                document=document,
            )
        )

    chapters = [["认识赤霉病", "赤霉病由镰刀菌侵染穗部引起。" * 20]] * 6
    small = booklet("small", make_booklet_pdf("小麦赤霉病防治技术手册", chapters))
    big = booklet("big", _big_pdf())
    return index, small, big


# --- counting strategies compared ------------------------------------------------


def _count_update(booklet_id: int, source: str = "", month=None) -> None:
    from kexie_pages.booklets.downloads import current_month
    from kexie_pages.models import BookletDownloadCount

    with transaction.atomic():
        row, created = BookletDownloadCount.objects.get_or_create(
            booklet_id=booklet_id,
            month=month or current_month(),
            source=source,
            defaults={"count": 1},
        )
        if not created:
            BookletDownloadCount.objects.filter(pk=row.pk).update(count=F("count") + 1)


def _count_insert(booklet_id: int, source: str = "", month=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_download_log (booklet_id, source, at) VALUES (%s, %s, %s)",
            [booklet_id, source, time.time()],
        )


def _concurrent_downloads(url: str, size: int) -> tuple[list[float], int]:
    """Start CONCURRENT downloads at once; return each one's seconds and the failures."""
    barrier = threading.Barrier(CONCURRENT)
    failures = []
    durations = []

    def fetch() -> None:
        client = Client()
        barrier.wait()
        started = time.perf_counter()
        try:
            response = client.get(url, {"src": "bench"})
            if len(b"".join(response.streaming_content)) != size:
                failures.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - counted and reported
            failures.append(repr(error))
        finally:
            durations.append(time.perf_counter() - started)
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return durations, len(failures)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_counting(small) -> list[str]:
    from kexie_pages.booklets import downloads
    from kexie_pages.models import BookletDownloadCount

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_download_log "
            "(id INTEGER PRIMARY KEY, booklet_id INTEGER, source TEXT, at REAL)"
        )
    url = small.download_path
    buffered = downloads.download_counter.add
    strategies = {
        "no counting (baseline)": lambda *a, **k: None,
        "in-memory buffer, batch flush (chosen)": buffered,
        "UPDATE … SET count = count + 1 per download": _count_update,
        "INSERT a row per download": _count_insert,
    }
    counting: dict[str, list[float]] = {name: [] for name in strategies}
    whole: dict[str, list[float]] = {name: [] for name in strategies}
    counted: dict[str, list[int]] = {name: [] for name in strategies}
    failures = dict.fromkeys(strategies, 0)
    flushes = []

    def timed(name, add):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            add(*args, **kwargs)
            counting[name].append(time.perf_counter() - started)

        return wrapper

    try:
        for _round in range(3):  # interleaved, so machine noise hits every strategy
            for name, add in strategies.items():
                BookletDownloadCount.objects.all().delete()
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM bench_download_log")
                downloads.download_counter.add = timed(name, add)
                durations, failed = _concurrent_downloads(url, small.file_size)
                whole[name] += durations
                failures[name] += failed
                started = time.perf_counter()
                downloads.download_counter.flush()
                if "chosen" in name:
                    flushes.append(time.perf_counter() - started)
                total = BookletDownloadCount.objects.aggregate(n=Sum("count"))["n"] or 0
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM bench_download_log")
                    total += cursor.fetchone()[0]
                counted[name].append(total)
    finally:
        downloads.download_counter.add = buffered
    base = statistics.median(whole["no counting (baseline)"])
    lines = [
        f"### {CONCURRENT} concurrent downloads of a {small.file_size / 1024:.0f} KB booklet (3 rounds)",
        "",
        f"Times are shares of the median download with no counting ({base * 1000:.0f} ms "
        f"with {CONCURRENT} threads on a shared 2-core machine).",
        "",
        "| counting | counting step p50 | counting step p99 | whole download p50 | counted per round | failed |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name in strategies:
        if "baseline" in name:
            lines.append(f"| {name} | — | — | 1.00× | — | {failures[name]} |")
            continue
        lines.append(
            f"| {name} | {statistics.median(counting[name]) / base * 100:.3f} % "
            f"| {_percentile(counting[name], 0.99) / base * 100:.3f} % "
            f"| {statistics.median(whole[name]) / base:.2f}× "
            f"| {', '.join(map(str, counted[name]))} | {failures[name]} |"
        )
    exact = all(
        n == CONCURRENT for n in counted["in-memory buffer, batch flush (chosen)"]
    )
    lines += [
        "",
        f"The buffer writes all {CONCURRENT} in one transaction, off the download path: "
        f"{statistics.median(flushes) / base * 100:.1f} % of one median download. "
        f"Counted exactly in every round: {'yes' if exact else 'NO'}.",
    ]
    return lines


# --- throughput -------------------------------------------------------------------


def bench_throughput(big) -> list[str]:
    document_root = Path(big.document.file.path).parent
    name = Path(big.document.file.name).name
    url = big.download_path
    route = big.url + big.reverse_subpage("download")
    size = big.file_size
    client = Client()

    def view() -> None:
        response = client.get(url)
        assert sum(len(c) for c in response.streaming_content) == size

    def static() -> None:
        response = client.get(f"/static-file/{name}")
        assert sum(len(c) for c in response.streaming_content) == size

    def page_route() -> None:
        response = client.get(route)
        assert sum(len(c) for c in response.streaming_content) == size

    def view_range() -> None:
        response = client.get(url, HTTP_RANGE=f"bytes={size // 2}-")
        assert sum(len(c) for c in response.streaming_content) == size - size // 2

    # The same URLconf for both: the site's, plus a plain static route.
    from kexie_site import urls as site_urls

    bench_urls = type("BenchUrls", (), {})()
    bench_urls.urlpatterns = [
        path("static-file/<path:path>", static_serve, {"document_root": document_root}),
        *site_urls.urlpatterns,
    ]
    with override_settings(ROOT_URLCONF=bench_urls):
        medians = interleaved_medians(
            {"static": static, "view": view, "route": page_route, "range": view_range},
            repeat=40,
            warmup=3,
        )
    base = medians["static"]
    mb = size / 1024 / 1024
    return [
        f"### Throughput: a {mb:.1f} MB booklet, in-process WSGI client",
        "",
        "| served by | time per download vs plain static file | MB/s |",
        "| --- | --- | --- |",
        f"| `django.views.static.serve` (baseline) | 1.00× | {mb / base:.0f} |",
        f"| stable `/b/<id>/download/` (counted) | {medians['view'] / base:.2f}× | {mb / medians['view']:.0f} |",
        f"| page route `…/download/` (counted) | {medians['route'] / base:.2f}× | {mb / medians['route']:.0f} |",
        f"| stable URL, second half (Range) | {medians['range'] / base:.2f}× (for half the bytes) | {mb / 2 / medians['range']:.0f} |",
    ]


# --- page weight --------------------------------------------------------------------


def bench_page_weight(index, small) -> list[str]:
    import re

    client = Client()
    lines = [
        "### Page weight before the cover image (HTML + CSS)",
        "",
        "| page | KB | KB gzipped | vs 50 KB budget |",
        "| --- | --- | --- | --- |",
    ]
    for label, url in (("booklet page", small.url), ("booklet library", index.url)):
        html = client.get(url).content
        css = b"".join(
            Path(finders.find(href)).read_bytes()
            for href in re.findall(
                rb'<link rel="stylesheet" href="/static/([^"]+)"', html
            )
            for href in [href.decode()]
        )
        raw = len(html) + len(css)
        zipped = len(gzip.compress(html)) + len(gzip.compress(css))
        lines.append(
            f"| {label} | {raw / 1024:.1f} | {zipped / 1024:.1f} | {raw / (50 * 1024):.2f}× |"
        )
    return lines


def _picture_pdf(pages: int = 4) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(pages):
        pdf.add_page()
        pdf.multi_cell(
            0, 8, f"Page {number + 1}. Wheat scab control: spray at flowering. " * 3
        )
        buffer = io.BytesIO()
        PILImage.effect_noise((1000, 800), 60).convert("RGB").save(
            buffer, format="JPEG", quality=90
        )
        pdf.image(buffer, x=10, y=60, w=190)
    return bytes(pdf.output())


def bench_lite() -> list[str]:
    """Size, text and time of the lite edition of a picture-heavy booklet."""
    from pypdf import PdfReader

    from kexie_pages.booklets.lite import pdf_lite

    def texts(data: bytes) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]

    original = _picture_pdf()
    seconds, sizes = [], []
    for _ in range(3):
        started = time.perf_counter()
        lite = pdf_lite(original)
        seconds.append(time.perf_counter() - started)
        assert lite is not None
        sizes.append(len(lite))
    same_text = texts(lite) == texts(original)
    return [
        f"Lite edition of a {len(original) / 1e6:.2f} MB four-page picture booklet: "
        f"{statistics.median(sizes) / 1e6:.2f} MB, "
        f"**{statistics.median(sizes) / len(original):.1%}** of the original; "
        f"text extracted by pypdf {'identical' if same_text else 'DIFFERENT'} page by "
        f"page; Ghostscript {min(seconds):.1f} / {statistics.median(seconds):.1f} / "
        f"{max(seconds):.1f} s (min / median / max of 3).",
    ]


def main() -> list[str]:
    settings.KEXIE_DOWNLOAD_FLUSH_SECONDS = None
    index, small, big = _setup()
    return [
        *bench_counting(small),
        "",
        *bench_throughput(big),
        "",
        *bench_page_weight(index, small),
        "",
        *bench_lite(),
    ]
