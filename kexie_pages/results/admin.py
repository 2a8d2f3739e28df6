"""Results in the admin: check-in, techniques, trainees, targets, milestones, the leaders' dashboard.

- 课程签到 (check-in): today's and nearby sessions of the user's county; each
  session's sign-up list with one-tap check-in (a POST per tap, no
  JavaScript; big buttons for a phone at the door) and the session's code.
- Snippets under 成效管理: techniques per industry, the techniques of each course,
  trainees (personal data: county-scoped) with their income projects, the
  counties' targets (county-scoped), the year's milestones (city-wide).
- 领导看板 (dashboard): every figure of ``figures.programme_figures`` as SVG charts
  with their tables, for a year, quarter or month, each table as XLSX; scoped to
  a county-bound user's county. 节点督促: the milestone board and reminders.

The leaders' group (``services.leader_group_ensure``, made after each migrate)
holds view permissions only: it sees every list and this dashboard and can change
nothing (Wagtail refuses its edit views).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ..base.models import County
from ..base.scoping import CountyScopedSnippetViewSet, register_county_scope
from ..base.selectors import CountyScope, county_for_user
from ..base.spreadsheets import content_disposition, workbook_bytes
from ..courses.models import CoursePage, CourseRegistration, RegistrationStatus
from .charts import figure_panels
from .figures import programme_figures
from .forms import PeriodForm
from .models import (
    CheckInMethod,
    CourseTechniques,
    MilestoneStep,
    ResultsPage,
    Technique,
    Trainee,
    TrainingTarget,
)
from .selectors import checkin_sessions, milestone_board
from .services import (
    CheckInRefused,
    attendance_cancel,
    attendance_record,
    checkin_sheet_ensure,
)

DASHBOARD_PERMISSION = "kexie_pages.view_dashboard"
CHECKIN_PERMISSION = "kexie_pages.add_attendance"

register_county_scope(Trainee, CountyScope("county"))
register_county_scope(TrainingTarget, CountyScope("county"))
register_county_scope(CourseTechniques, CountyScope("course__county"))


class TechniqueViewSet(SnippetViewSet):
    """The staff-edited list of techniques per industry."""

    model = Technique
    icon = "list-ul"
    list_display = ["name", "category", "sort_order"]
    list_filter = ["category"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False


class CourseTechniquesViewSet(CountyScopedSnippetViewSet):
    """Which techniques each course teaches (its farmers learn them by attending)."""

    model = CourseTechniques
    icon = "list-ul"
    list_display = ["course", "course__county"]
    list_filter = ["course__county"]
    search_fields = ["course__title"]
    search_backend_name = None
    copy_view_enabled = False


class TraineeViewSet(CountyScopedSnippetViewSet):
    """Farmers who attended training, with the income projects they joined. Staff only."""

    model = Trainee
    icon = "group"
    list_display = ["name", "phone", "county", "village", "created_at"]
    list_filter = ["county", "income_projects__kind"]
    search_fields = ["name", "phone", "village"]
    search_backend_name = None
    ordering = ["county", "name"]
    copy_view_enabled = False
    inspect_view_enabled = True


class TrainingTargetViewSet(CountyScopedSnippetViewSet):
    """Each county's yearly target of farmers mastering one and two techniques."""

    model = TrainingTarget
    icon = "success"
    list_display = ["__str__", "one_technique", "two_techniques"]
    list_filter = ["year", "county"]
    search_fields = ["county__name"]
    search_backend_name = None
    copy_view_enabled = False


class MilestoneStepViewSet(SnippetViewSet):
    """The year's steps and due dates (city-wide)."""

    model = MilestoneStep
    icon = "date"
    list_display = ["title", "year", "kind", "starts_on", "due_on", "minimum"]
    list_filter = ["year", "kind"]
    search_fields = ["title"]
    search_backend_name = None


class ResultsViewSetGroup(SnippetViewSetGroup):
    items = (
        TraineeViewSet,
        CourseTechniquesViewSet,
        TechniqueViewSet,
        TrainingTargetViewSet,
        MilestoneStepViewSet,
    )
    menu_icon = "success"
    menu_label = gettext_lazy("Results")
    menu_name = "results"
    menu_order = 320


register_snippet(ResultsViewSetGroup)


# --- check-in ---------------------------------------------------------------------


def _county_courses(request: HttpRequest):
    county = county_for_user(user=request.user)
    courses = CoursePage.objects.all()
    return courses.filter(county=county) if county is not None else courses


@permission_required(CHECKIN_PERMISSION, raise_exception=True)
def checkin_index(request: HttpRequest) -> HttpResponse:
    """Sessions from a week ago to a week ahead (or ``?day=``) of the user's county."""
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", "")) or today
    except ValueError:
        day = today
    first, last = day - datetime.timedelta(days=7), day + datetime.timedelta(days=7)
    sessions = checkin_sessions(
        courses=_county_courses(request), first=first, last=last
    )
    return TemplateResponse(
        request,
        "kexie_pages/admin/results_checkin_index.html",
        {
            "page_title": _("Course check-in"),
            "sessions": sessions,
            "today": today,
            "first": first,
            "last": last,
        },
    )


@permission_required(CHECKIN_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def checkin_session(
    request: HttpRequest, course_id: int, session_id: int
) -> HttpResponse:
    """One session's sign-ups, each with a check-in button; the session's code on top.

    ``session_id`` 0 is the course's first session. A course of another county
    is a 404 for a county-bound user, as everywhere in the admin.
    """
    course = get_object_or_404(_county_courses(request), pk=course_id)
    if session_id and not course.sessions.filter(pk=session_id).exists():
        raise Http404
    sheet = checkin_sheet_ensure(course=course, session_id=session_id or None)
    registrations = CourseRegistration.objects.filter(course=course).exclude(
        status=RegistrationStatus.WITHDRAWN
    )
    here = reverse("kexie_results_checkin_session", args=[course.pk, session_id])
    if request.method == "POST":
        registration = get_object_or_404(
            registrations, pk=request.POST.get("registration")
        )
        if request.POST.get("action") == "undo":
            attendance_cancel(sheet=sheet, registration_id=registration.pk)
        else:
            try:
                attendance_record(
                    sheet=sheet,
                    registration=registration,
                    method=CheckInMethod.STAFF,
                    user=request.user,
                )
            except CheckInRefused as refused:
                messages.error(request, str(refused))
        return HttpResponseRedirect(f"{here}#signup-{registration.pk}")
    present = set(sheet.attendances.values_list("registration_id", flat=True))
    results_page = ResultsPage.objects.live().first()
    checkin_url = ""
    if results_page is not None:
        checkin_url = (
            results_page.get_full_url(request)
            + results_page.reverse_subpage("checkin")
            + f"?code={sheet.code}"
        )
    rows = [(r, r.pk in present) for r in registrations.order_by("name", "pk")]
    return TemplateResponse(
        request,
        "kexie_pages/admin/results_checkin_session.html",
        {
            "page_title": _("Check-in: %(course)s") % {"course": course.title},
            "course": course,
            "sheet": sheet,
            "rows": rows,
            "present": len(present),
            "checkin_url": checkin_url,
            "here": here,
        },
    )


# --- the leaders' dashboard and the milestone board -----------------------------------


def _dashboard_county(request: HttpRequest, form: PeriodForm) -> County | None:
    """The user's county if bound to one; else the county chosen (``?county=``)."""
    bound = county_for_user(user=request.user)
    if bound is not None:
        return bound
    code = request.GET.get("county", "")
    return County.objects.filter(code=code).first() if code else None


@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every figure for the chosen period as SVG charts and tables; ``?export=<table>`` as XLSX."""
    form = PeriodForm(request.GET or None)
    period = form.chosen_period()
    county = _dashboard_county(request, form)
    figures = programme_figures(period=period, county=county)
    export = request.GET.get("export", "")
    if export:
        table = next((t for t in figures.tables() if t.key == export), None)
        if table is None:
            raise Http404
        body = workbook_bytes(
            [str(h) for h in table.headers],
            {
                table.title: [
                    [str(c) if not isinstance(c, int) else c for c in row]
                    for row in table.rows
                ]
            },
        )
        response = HttpResponse(
            body,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{table.key}-{period.slug}{'-' + county.code if county else ''}.xlsx"
        response["Content-Disposition"] = content_disposition(name)
        return response
    query = request.GET.copy()
    query.pop("export", None)
    board = milestone_board(year=period.year, county=county)
    return TemplateResponse(
        request,
        "kexie_pages/admin/results_dashboard.html",
        {
            "page_title": _("Leaders' dashboard"),
            "period_form": form,
            "period": period,
            "county": county,
            "bound": county_for_user(user=request.user) is not None,
            "counties": County.objects.all(),
            "figures": figures,
            "panels": figure_panels(figures),
            "export_base": "?" + (query.urlencode() or "period=year"),
            "board": board,
            "reminders": board.reminders()[:10],
        },
    )


@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def milestones(request: HttpRequest) -> HttpResponse:
    """The year's steps against every county (or the user's), with the reminder list."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        raise Http404
    board = milestone_board(year=year, county=county_for_user(user=request.user))
    return TemplateResponse(
        request,
        "kexie_pages/admin/results_milestones.html",
        {
            "page_title": _("Milestones %(year)d") % {"year": year},
            "board": board,
            "reminders": board.reminders(),
            "year": year,
            "years": [year - 1, year, year + 1],
            "can_edit": request.user.has_perm("kexie_pages.change_milestonestep"),
        },
    )


@hooks.register("register_admin_urls")
def register_results_urls():
    return [
        path("results/checkin/", checkin_index, name="kexie_results_checkin"),
        path(
            "results/checkin/<int:course_id>/<int:session_id>/",
            checkin_session,
            name="kexie_results_checkin_session",
        ),
        path("results/dashboard/", dashboard, name="kexie_results_dashboard"),
        path("results/milestones/", milestones, name="kexie_results_milestones"),
    ]


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with ``permission``."""

    def __init__(self, *args, permission: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Leaders' dashboard"),
        reverse("kexie_results_dashboard"),
        icon_name="view",
        order=90,
        name="kexie-dashboard",
        permission=DASHBOARD_PERMISSION,
    )


@hooks.register("register_admin_menu_item")
def register_milestones_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Milestones"),
        reverse("kexie_results_milestones"),
        icon_name="date",
        order=91,
        name="kexie-milestones",
        permission=DASHBOARD_PERMISSION,
    )


@hooks.register("register_admin_menu_item")
def register_checkin_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Course check-in"),
        reverse("kexie_results_checkin"),
        icon_name="check",
        order=311,
        name="kexie-checkin",
        permission=CHECKIN_PERMISSION,
    )
