"""iCalendar (RFC 5545) feeds of the lecture hall's courses.

Every session is one VEVENT. Its UID is built from the page id (and the
session id for further sessions) and a fixed domain (``KEXIE_CALENDAR_UID_DOMAIN``), so it never
changes when a course is edited; a cancelled course or session keeps its UID
and gets ``STATUS:CANCELLED``, so subscribed phones strike it out instead of
keeping a stale appointment. Times carry ``TZID=Asia/Shanghai`` with the
matching VTIMEZONE.
"""

import datetime
import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone
from wagtail.models import Site

from ..base.spreadsheets import content_disposition
from .models import CourseLecturer, CoursePage, CourseSession

PRODID = "-//Kexie//Rural science lecture hall//ZH"


@functools.cache
def _vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE block for ``tzid``, built once per process."""
    return Timezone.from_tzid(
        tzid, first_date=datetime.date(2000, 1, 1), last_date=datetime.date(2038, 1, 1)
    ).to_ical()


def _description(course: CoursePage, note: str, names: list[str]) -> str:
    lines = []
    if note:
        lines.append(note)
    if course.cancelled and course.cancellation_notice:
        lines.append(course.cancellation_notice)
    if course.summary:
        lines.append(course.summary)
    if names:
        lines.append(_("Lecturers: %(names)s") % {"names": "、".join(names)})
    if course.registration_required:
        lines.append(_("Sign-up needed: see the course page."))
    return "\n".join(lines)


def courses_calendar(
    request: HttpRequest, *, courses: Iterable[CoursePage], name: str
) -> bytes:
    """Serialise the sessions of ``courses`` as one iCalendar document."""
    tz = ZoneInfo(settings.TIME_ZONE)
    # UIDs name a fixed domain, not the host the feed was fetched through nor the
    # site's host, so they stay the same whichever address a phone subscribed
    # with and when the site moves.
    host = getattr(settings, "KEXIE_CALENDAR_UID_DOMAIN", "kexie")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add(
        "refresh-interval",
        datetime.timedelta(hours=12),
        parameters={"VALUE": "DURATION"},
    )
    cal.add("x-published-ttl", "PT12H")
    fallback_stamp = timezone.now()
    if isinstance(courses, QuerySet):
        # Sessions and lecturers for every course in two queries, read into
        # plain lists: cheaper than thousands of prefetched related managers.
        ids = courses.order_by().values("pk")
        courses = list(courses)
        sessions: dict[int, list[CourseSession]] = defaultdict(list)
        for session in CourseSession.objects.filter(course_id__in=ids).order_by(
            "sort_order", "pk"
        ):
            sessions[session.course_id].append(session)
        lecturers: dict[int, list[str]] = defaultdict(list)
        for course_id, lecturer in (
            CourseLecturer.objects.filter(course_id__in=ids)
            .order_by("sort_order", "pk")
            .values_list("course_id", "name")
        ):
            lecturers[course_id].append(lecturer)
    else:
        sessions = {c.pk: list(c.sessions.all()) for c in courses}
        lecturers = {c.pk: c.lecturer_names for c in courses}
    for course in courses:
        url = course.get_full_url(request)
        location = "，".join(
            part for part in (course.county.name, course.venue, course.address) if part
        )
        stamp = course.last_published_at or fallback_stamp
        names = lecturers.get(course.pk, [])
        for occurrence in course.occurrences(sessions.get(course.pk, [])):
            event = Event()
            event.add("uid", f"kexie-course-{course.pk}{occurrence.uid_suffix}@{host}")
            event.add("dtstamp", stamp.astimezone(datetime.UTC))
            event.add("last-modified", stamp.astimezone(datetime.UTC))
            event.add("dtstart", occurrence.start.astimezone(tz))
            event.add("dtend", occurrence.end.astimezone(tz))
            summary = course.title
            if occurrence.cancelled:
                summary = _("[Cancelled] %(title)s") % {"title": course.title}
            event.add("summary", summary)
            event.add("location", location)
            event.add("description", _description(course, occurrence.note, names))
            if url:
                event.add("url", url)
            if course.category is not None:
                event.add("categories", [course.category.name])
            event.add("status", "CANCELLED" if occurrence.cancelled else "CONFIRMED")
            event.add("transp", "OPAQUE")
            cal.add_component(event)
    body = cal.to_ical()
    # The VTIMEZONE goes right after the calendar's own properties, before
    # the events that refer to it (RFC 5545 allows any order, Outlook not).
    head, sep, rest = body.partition(b"BEGIN:VEVENT")
    if not sep:
        head, sep, rest = body.partition(b"END:VCALENDAR")
    return head + _vtimezone(settings.TIME_ZONE) + sep + rest


def _feed_version(courses: QuerySet) -> str:
    """A cheap fingerprint of what a feed shows: changes whenever a course is
    published, unpublished, added or removed (sessions and lecturers are
    part of the page, so they change with it)."""
    version = courses.order_by().aggregate(
        count=Count("pk"),
        pks=Sum("pk"),
        published=Max("last_published_at"),
        revised=Max("latest_revision_created_at"),
    )
    return repr(sorted(version.items()))


def courses_ics_response(
    request: HttpRequest,
    *,
    courses,
    name: str,
    filename: str,
    prefetched: bool = False,
) -> HttpResponse:
    """A ``text/calendar`` response that phones can subscribe to or import.

    Whole feeds (a queryset) are cached for ``KEXIE_FEED_CACHE_SECONDS``
    (default 15 minutes) under a key that changes with every publish, and
    carry an ETag so polling calendar apps mostly get a 304.
    """
    body = etag = None
    if not prefetched:
        site = Site.find_for_request(request)
        fingerprint = "|".join(
            [
                _feed_version(courses),
                str(courses.query),
                name,
                site.hostname if site else "",
                request.get_host(),
                translation.get_language() or "",
            ]
        )
        etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
        if request.headers.get("If-None-Match", "").strip('W/"') == etag:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = f'"{etag}"'
            return not_modified
        cache_key = f"kexie:courses-ics:{etag}"
        body = cache.get(cache_key)
        if body is None:
            courses = courses.select_related("county", "category").order_by(
                "start", "pk"
            )
            body = courses_calendar(request, courses=courses, name=name)
            cache.set(
                cache_key,
                body,
                getattr(settings, "KEXIE_FEED_CACHE_SECONDS", 15 * 60),
            )
    else:
        body = courses_calendar(request, courses=courses, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename, inline=True)
    response["Cache-Control"] = "public, max-age=900"
    if etag:
        response["ETag"] = f'"{etag}"'
    return response
