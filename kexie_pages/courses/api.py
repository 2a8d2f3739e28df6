"""``/api/v3/kexie/courses/``: courses filtered by county, category and dates.

Wagtail 8's ``/api/v3/pages/?type=kexie_pages.CoursePage`` already lists
courses with their ``api_fields`` and filters them by exact field values
(``county=<id>``, ``category=<id>``); it has no range filters and knows
counties only by database id. This router adds what that lacks: county by
its GB/T 2260 code, category by slug and a date range. It returns public
fields only: never a sign-up, a name or a phone number.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from wagtail.models import Site

from ..base.api import KexieLimitOffsetPagination
from ..base.openapi import ERROR_RESPONSES, anonymous
from .models import CoursePage, CourseStatus

router = Router(tags=["kexie courses"], auth=[anonymous])

#: Date filters at or beyond these days filter nothing out.
EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(9000, 1, 1)


class CourseSessionOut(Schema):
    start: datetime.datetime
    end: datetime.datetime
    cancelled: bool
    note: str


class CourseOut(Schema):
    id: int
    title: str
    url: str | None
    county_code: str
    county_name: str
    category_slug: str
    category_name: str
    venue: str
    address: str
    start: datetime.datetime
    end: datetime.datetime
    last_end: datetime.datetime
    status: CourseStatus
    summary: str
    techniques: list[str]
    audience: str
    lecturers: list[str]
    capacity: int | None
    registration_required: bool
    cancelled: bool
    cancellation_notice: str
    sessions: list[CourseSessionOut]
    attendance_total: int | None
    attendance_poor: int | None
    report: str

    @staticmethod
    def resolve_url(obj: CoursePage, context) -> str | None:
        return obj.get_full_url(context["request"])

    @staticmethod
    def resolve_techniques(obj: CoursePage) -> list[str]:
        return obj.technique_list

    @staticmethod
    def resolve_lecturers(obj: CoursePage) -> list[str]:
        return obj.lecturer_names

    @staticmethod
    def resolve_sessions(obj: CoursePage) -> list:
        return list(obj.sessions.all())


class CourseFilters(FilterSchema):
    county: str | None = Field(None, description="GB/T 2260 county code, e.g. 411621")
    category: str | None = Field(None, description="Industry category slug")
    date_from: datetime.date | None = Field(
        None, description="Courses still running on or after this day (Beijing time)"
    )
    date_to: datetime.date | None = Field(
        None, description="Courses starting on or before this day (Beijing time)"
    )

    def filter_queryset(self, queryset):
        tz = timezone.get_current_timezone()
        if self.county:
            queryset = queryset.filter(county__code=self.county)
        if self.category:
            queryset = queryset.filter(category__slug=self.category)
        # A bound outside the years a course can have is no bound: "until
        # 9999-12-31" means every course. Taken as it is, the day after it
        # (and 0001-01-01 in UTC) overflowed Python's dates: a 500.
        if self.date_from and self.date_from > EARLIEST_DAY:
            first = datetime.datetime.combine(self.date_from, datetime.time(), tz)
            queryset = queryset.filter(last_end__gte=first)
        if self.date_to and self.date_to < LATEST_DAY:
            after = datetime.datetime.combine(
                self.date_to + datetime.timedelta(days=1), datetime.time(), tz
            )
            queryset = queryset.filter(start__lt=after)
        return queryset


@router.get(
    "/",
    response=list[CourseOut],
    url_name="kexie_courses_list",
    summary="List courses",
    operation_id="kexie_courses_list",
    openapi_extra=ERROR_RESPONSES,
)
@paginate(KexieLimitOffsetPagination)
def list_courses(request: HttpRequest, filters: CourseFilters = Query(...)):  # noqa: B008
    """Live, public courses of the site, earliest first."""
    courses = CoursePage.objects.live().public()
    site = Site.find_for_request(request)
    if site is not None:
        courses = courses.descendant_of(site.root_page, inclusive=True)
    courses = filters.filter_queryset(courses)
    return (
        courses.select_related("county", "category")
        .prefetch_related("sessions", "lecturers")
        .order_by("start", "pk")
    )
