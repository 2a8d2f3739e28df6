"""Reads of the lecture hall: seat counts, the month calendar, statistics."""

import calendar
import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..base.models import County
from .forms import month_bounds
from .models import (
    CoursePage,
    CourseRegistration,
    CourseSession,
    Occurrence,
    RegistrationStatus,
)


def course_seat_counts(*, course: CoursePage) -> dict:
    """Confirmed and waiting sign-ups and seats left: counts only, no names."""
    counts = CourseRegistration.objects.filter(course_id=course.pk).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    left = None
    if course.capacity is not None:
        left = max(course.capacity - counts["confirmed"], 0)
    return {**counts, "capacity": course.capacity, "left": left, "full": left == 0}


def course_occurrences(
    *,
    courses: QuerySet,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> list[Occurrence]:
    """Every session of ``courses`` (optionally those starting in [start, end))."""
    if start is not None and end is not None:
        courses = courses.filter(
            Q(start__gte=start, start__lt=end)
            | Exists(
                CourseSession.objects.filter(
                    course=OuterRef("pk"), start__gte=start, start__lt=end
                )
            )
        )
    items = []
    for course in courses.prefetch_related("sessions"):
        for occurrence in course.occurrences():
            if start is None or start <= occurrence.start < end:
                items.append(occurrence)
    return sorted(items, key=lambda o: (o.start, o.course.pk))


def course_month_calendar(*, courses: QuerySet, year: int, month: int) -> dict:
    """A month grid (weeks of days, Monday first) with the sessions on each day."""
    first, after = month_bounds(year, month)
    by_day: dict[datetime.date, list[Occurrence]] = defaultdict(list)
    for occurrence in course_occurrences(courses=courses, start=first, end=after):
        by_day[timezone.localtime(occurrence.start).date()].append(occurrence)
    weeks = [
        [
            {"date": day, "in_month": day.month == month, "items": by_day.get(day, [])}
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return {
        "year": year,
        "month": month,
        "first": first.date(),
        "weeks": weeks,
        "days": sorted(by_day.items()),
        "previous": previous,
        "next": following,
        "today": timezone.localdate(),
    }


def course_statistics(
    *,
    courses: QuerySet | None = None,
    year: int | None = None,
    now: datetime.datetime | None = None,
) -> dict:
    """Courses held and attendance per county and per month.

    A course counts as held once its last session ended and it was not
    cancelled; it is filed under the month its first session started in
    (Beijing time). Returns ``{"by_county": [...], "by_month": [...],
    "total": {...}}``, each row with ``courses``, ``attendance`` and
    ``attendance_poor``; every county is listed, with zeros where nothing
    was held.
    """
    now = now or timezone.now()
    held = (courses if courses is not None else CoursePage.objects.live()).filter(
        cancelled=False, last_end__lt=now
    )
    if year is not None:
        first, _ = month_bounds(year, 1)
        after, _ = month_bounds(year + 1, 1)
        held = held.filter(start__gte=first, start__lt=after)
    sums = {
        "courses": Count("pk"),
        "attendance": Sum("attendance_total"),
        "attendance_poor": Sum("attendance_poor"),
    }
    per_county = {
        row["county"]: row for row in held.order_by().values("county").annotate(**sums)
    }
    by_county = []
    for county in County.objects.all():
        row = per_county.get(county.pk, {})
        by_county.append(
            {
                "county": county,
                "courses": row.get("courses", 0),
                "attendance": row.get("attendance") or 0,
                "attendance_poor": row.get("attendance_poor") or 0,
            }
        )
    by_month = [
        {
            "month": row["month"].date()
            if hasattr(row["month"], "date")
            else row["month"],
            "courses": row["courses"],
            "attendance": row["attendance"] or 0,
            "attendance_poor": row["attendance_poor"] or 0,
        }
        for row in held.order_by()
        .annotate(month=TruncMonth("start", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(**sums)
        .order_by("month")
    ]
    total = held.order_by().aggregate(**sums)
    return {
        "by_county": by_county,
        "by_month": by_month,
        "total": {key: value or 0 for key, value in total.items()},
    }


def course_session_counts(*, courses: list[CoursePage]) -> dict[int, int]:
    """How many sessions each of ``courses`` has, by course id, in one query.

    For the twelve cards of a listing page only: annotating the whole queryset
    would turn the paginator's COUNT into a GROUP BY.
    """
    return dict(
        CourseSession.objects.filter(course__in=courses)
        .values_list("course")
        .annotate(n=Count("pk"))
    )
