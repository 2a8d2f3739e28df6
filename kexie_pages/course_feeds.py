"""iCalendar (RFC 5545) feeds of the lecture hall's courses.

Every session is one VEVENT. Its UID is built from the page id (and the
session id for further sessions) and the site's host name, so it never
changes when a course is edited; a cancelled course or session keeps its UID
and gets ``STATUS:CANCELLED``, so subscribed phones strike it out instead of
keeping a stale appointment. Times carry ``TZID=Asia/Shanghai`` with the
matching VTIMEZONE.
"""

import datetime
from collections.abc import Iterable
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone
from wagtail.models import Site

from .models.courses import CoursePage

PRODID = "-//Kexie//Rural science lecture hall//ZH"


@cache
def _vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE block for ``tzid``, built once per process."""
    return Timezone.from_tzid(
        tzid, first_date=datetime.date(2000, 1, 1), last_date=datetime.date(2038, 1, 1)
    ).to_ical()


def _description(course: CoursePage, note: str) -> str:
    lines = []
    if note:
        lines.append(note)
    if course.cancelled and course.cancellation_notice:
        lines.append(course.cancellation_notice)
    if course.summary:
        lines.append(course.summary)
    names = [lecturer.name for lecturer in course.lecturers.all()]
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
    # UIDs name the site, not the host the feed was fetched through, so they
    # stay the same whichever address a phone subscribed with.
    site = Site.find_for_request(request)
    host = site.hostname if site else "kexie"
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
    for course in courses:
        url = course.get_full_url(request)
        location = "，".join(
            part for part in (course.county.name, course.venue, course.address) if part
        )
        stamp = course.last_published_at or fallback_stamp
        for occurrence in course.occurrences():
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
            event.add("description", _description(course, occurrence.note))
            if url:
                event.add("url", url)
            if course.category_id:
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


def courses_ics_response(
    request: HttpRequest,
    *,
    courses,
    name: str,
    filename: str,
    prefetched: bool = False,
) -> HttpResponse:
    """An ``text/calendar`` response that phones can subscribe to or import."""
    if not prefetched:
        courses = (
            courses.select_related("county", "category")
            .prefetch_related("sessions", "lecturers")
            .order_by("start", "pk")
        )
    response = HttpResponse(
        courses_calendar(request, courses=courses, name=name),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response
