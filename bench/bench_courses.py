"""Lecture hall with 5,000 courses: the listing and the full .ics feed.

Each figure is the median latency of the real view (through the whole
middleware stack, via Django's test client) divided by the median of a bare
Django view over the same rows in the same run: for the listing, a raw query
of the first 12 upcoming courses written out as HTML list items; for the
feed, every course row written out as one text line.
"""

import datetime
import time

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone
from django.utils.html import escape
from timing import interleaved_medians

COURSES = 5_000


def bare_listing(request):
    now = timezone.now()
    from kexie_pages.models import CoursePage

    rows = (
        CoursePage.objects.filter(last_end__gte=now)
        .order_by("start", "id")
        .values_list("title", "start", "venue", "county__name")[:12]
    )
    items = "".join(
        f"<li>{escape(t)} {s:%Y-%m-%d %H:%M} {escape(c)} {escape(v)}</li>"
        for t, s, v, c in rows
    )
    return HttpResponse(f"<ul>{items}</ul>")


def bare_feed(request):
    from kexie_pages.models import CoursePage

    rows = CoursePage.objects.order_by("start", "id").values_list(
        "id", "title", "start", "end", "venue", "county__name"
    )
    lines = [
        f"{i}\t{t}\t{s:%Y%m%dT%H%M%S}\t{e:%Y%m%dT%H%M%S}\t{c}{v}"
        for i, t, s, e, v, c in rows
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bare/listing/", bare_listing),
    path("bare/feed/", bare_feed),
    path("", include("kexie_site.urls")),
]


def build(count: int) -> str:
    """Create ``count`` live courses (every tenth a four-session series)."""
    from kexie_pages.demo.base import child_page
    from kexie_pages.demo.home import load as load_home
    from kexie_pages.models import (
        County,
        CourseLecturer,
        CoursePage,
        CourseSession,
        IndustryCategory,
        LectureHallPage,
    )

    home = load_home()
    hall = child_page(home, LectureHallPage, "lecture-hall", title="农村科普大讲堂")
    counties = list(County.objects.all())
    categories = list(IndustryCategory.objects.all())
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(
        timezone.localdate() - datetime.timedelta(days=365), datetime.time(9), tz
    )
    # The search index is not what is measured: skip updating it per page.
    no_index = {
        "default": {"BACKEND": "kexie_pages.search_backend", "AUTO_UPDATE": False}
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=no_index), transaction.atomic():
        for number in range(count):
            start = first + datetime.timedelta(hours=(number * 7) % (24 * 730))
            sessions = (
                [
                    CourseSession(
                        start=start + datetime.timedelta(weeks=w),
                        end=start + datetime.timedelta(weeks=w, hours=2),
                        sort_order=w,
                    )
                    for w in range(1, 4)
                ]
                if number % 10 == 0
                else []
            )
            hall.add_child(
                instance=CoursePage(
                    title=f"小麦赤霉病绿色防控技术培训班 {number}",
                    slug=f"course-{number}",
                    county=counties[number % len(counties)],
                    category=categories[number % len(categories)],
                    venue="城郊乡王庄村党群服务中心",
                    start=start,
                    end=start + datetime.timedelta(hours=2, minutes=30),
                    summary="面向贫困户和种养大户，现场讲解赤霉病识别与适期喷药技术。",
                    sessions=sessions,
                    lecturers=[CourseLecturer(name="李建国", affiliation="市农科院")],
                )
            )
    assert CoursePage.objects.count() == count
    return hall.url


def main() -> list[str]:
    started = time.perf_counter()
    hall_url = build(COURSES)
    built = time.perf_counter() - started
    client = Client()
    lines = [
        f"{COURSES:,} live courses (every tenth a four-session series), "
        f"built in {built:.0f} s; SQLite, DEBUG off. Median of interleaved runs; "
        "each figure relative to a bare Django view over the same rows. "
        "'cold' clears the cache before each fetch; 'cached' is what a second "
        "subscriber gets until the next publish (ETag 304s are cheaper still).",
        "",
        "| view | median | bare view | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    with override_settings(ROOT_URLCONF="bench_courses"):

        def get(url: str):
            def fetch():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return fetch

        month = timezone.localdate().strftime("%Y-%m")
        listing = interleaved_medians(
            {
                "listing": get(hall_url),
                "filtered": get(
                    f"{hall_url}?county=411621&industry=zhongzhi&month={month}"
                ),
                "past": get(f"{hall_url}?when=past&page=20"),
                "calendar": get(f"{hall_url}calendar/"),
                "bare": get("/bare/listing/"),
            },
            repeat=30,
            warmup=3,
        )
        fetch_feed = get(f"{hall_url}ics/")

        def cold_feed():
            cache.clear()
            return fetch_feed()

        feed = interleaved_medians(
            {"cold": cold_feed, "feed": fetch_feed, "bare": get("/bare/feed/")},
            repeat=7,
            warmup=1,
        )
        size = len(client.get(f"{hall_url}ics/").content)

    def row(name: str, value: float, base: float) -> str:
        return f"| {name} | {value * 1000:.1f} ms | {base * 1000:.1f} ms | {value / base:.1f}× |"

    lines += [
        row("listing, upcoming, page 1", listing["listing"], listing["bare"]),
        row("listing, county + industry + month", listing["filtered"], listing["bare"]),
        row("listing, past courses, page 20", listing["past"], listing["bare"]),
        row("month calendar", listing["calendar"], listing["bare"]),
        row(f"full .ics feed, cold ({size / 1e6:.1f} MB)", feed["cold"], feed["bare"]),
        row("full .ics feed, cached", feed["feed"], feed["bare"]),
    ]
    return lines
