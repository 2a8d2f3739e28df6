"""The public views of the lecture hall and its courses, routed by ``LectureHallPage``
and ``CoursePage``: the listing, the month calendar, calendar feeds and sign-up."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from ..base.guards import TOKEN_FIELD, body_digest, form_refusal, submit_once
from ..base.models import County
from ..base.selectors import counties_all
from .feeds import courses_ics_response
from .forms import CourseFilterForm, CourseRegistrationForm
from .models import COURSES_PER_PAGE, WEEKDAY_INITIALS, CoursePage, LectureHallPage
from .selectors import course_month_calendar, course_session_counts
from .services import RegistrationRefused, course_register


def course_page(request: HttpRequest, course: CoursePage) -> HttpResponse:
    """The course page; while sign-up is open its form carries a one-time token,
    so the page is then private and never stored by a cache or the browser."""
    if not course.registration_open():
        return course.render(request)
    form = CourseRegistrationForm(course_id=course.pk)
    response = course.render(request, context_overrides={"registration_form": form})
    add_never_cache_headers(response)
    return response


@require_POST
def course_register_view(request: HttpRequest, *, course: CoursePage) -> HttpResponse:
    """Take a sign-up; on success redirect back to the course with the outcome.

    The county forms' defences apply: per-address rate limit (scope
    ``signup``), honeypot, a one-time token bound to the course; an identical
    replay gets the first outcome without signing up twice. Capacity and the
    one-sign-up-per-phone rule are the service's. The redirect carries only
    ``confirmed`` or ``waitlisted``: never a name or a phone number, so
    nothing personal lands in logs, history or caches.
    """
    if not course.registration_required:
        raise Http404
    form = CourseRegistrationForm(request.POST, course_id=course.pk)
    status, error = 400, ""
    refusal = form_refusal(request, form, scope="signup")
    if refusal:
        status, error = refusal.status, refusal.message
    elif form.is_valid():
        data = form.submitted_data()
        try:
            outcome, _new = submit_once(
                scope=f"signup:{course.pk}",
                token=form.cleaned_data[TOKEN_FIELD],
                digest=body_digest(data),
                store=lambda: course_register(course=course, **data).status,
            )
        except RegistrationRefused as refusal_reason:
            form.add_error(None, refusal_reason)
        else:
            return HttpResponseRedirect(f"{course.url}?signup={outcome}#signup")
        form.refresh_token()
    else:
        form.refresh_token()
    response = course.render(
        request,
        context_overrides={"registration_form": form, "form_error": error},
    )
    response.status_code = status
    add_never_cache_headers(response)
    return response


def _filter_query(request: HttpRequest) -> str:
    """The county/industry/month part of the query string, for tab links."""
    query = request.GET.copy()
    for key in list(query):
        if key not in ("county", "industry", "month"):
            del query[key]
    return query.urlencode()


def lecture_hall(request: HttpRequest, page: LectureHallPage) -> HttpResponse:
    """Upcoming (or, with ``?when=past``, past) courses, filtered, 12 a page."""
    form = CourseFilterForm(request.GET or None)
    courses = page.courses()
    past = request.GET.get("when") == "past"
    if form.is_valid():
        courses = form.filter(courses)
    now = timezone.now()
    if past:
        courses = courses.filter(last_end__lt=now).order_by("-start", "-id")
    else:
        courses = courses.filter(last_end__gte=now).order_by("start", "id")
    page_obj = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    page_obj.object_list = list(page_obj.object_list)
    counts = course_session_counts(courses=page_obj.object_list)
    for course in page_obj.object_list:
        course.session_count = counts.get(course.pk, 0)
    return page.render(
        request,
        context_overrides={
            "filter_query": _filter_query(request),
            "filter_form": form,
            "courses": page_obj,
            "past": past,
            "filtered": form.is_bound and form.is_valid() and form.has_filters(),
            "counties": counties_all(),
            "selected_county": form.is_valid() and form.cleaned_data.get("county"),
        },
    )


def lecture_hall_calendar(
    request: HttpRequest,
    page: LectureHallPage,
    *,
    year: int | None = None,
    month: int | None = None,
) -> HttpResponse:
    """A month of courses as a calendar grid (this month by default)."""
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    form = CourseFilterForm(request.GET or None)
    courses = page.courses()
    if form.is_valid():
        courses = form.filter(courses, use_month=False)
    return page.render(
        request,
        template="kexie_pages/lecture_hall_calendar.html",
        context_overrides={
            "filter_query": _filter_query(request),
            "filter_form": form,
            "month_view": course_month_calendar(
                courses=courses, year=year, month=month
            ),
            "weekday_names": [str(name) for name in WEEKDAY_INITIALS],
        },
    )


def lecture_hall_feed(
    request: HttpRequest, page: LectureHallPage, *, county_code: str = ""
) -> HttpResponse:
    """The iCalendar feed of every course, or of one county's (by GB/T 2260 code)."""
    if not county_code:
        return courses_ics_response(
            request, courses=page.courses(), name=page.title, filename="courses.ics"
        )
    county = get_object_or_404(County, code=county_code)
    return courses_ics_response(
        request,
        courses=page.courses().filter(county=county),
        name=f"{page.title} · {county.name}",
        filename=f"courses-{county.code}.ics",
    )


def course_feed(request: HttpRequest, course: CoursePage) -> HttpResponse:
    """One course's sessions as an iCalendar file."""
    return courses_ics_response(
        request,
        courses=[course],
        name=course.title,
        filename=f"course-{course.pk}.ics",
        prefetched=True,
    )
