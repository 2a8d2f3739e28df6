from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.options import modeladmin_register

from . import admin_views
from .directory_admin import ThinkTankAdminGroup
from .models import County, CourseRegistration, IndustryCategory
from .needs_admin import NeedsDashboardPanel, NeedsViewSetGroup
from .widgets import formula_safe


class CountyViewSet(SnippetViewSet):
    model = County
    icon = "site"
    list_display = ["name", "code", "sort_order"]
    search_fields = ["name", "code"]
    ordering = ["sort_order", "code"]


class IndustryCategoryViewSet(SnippetViewSet):
    model = IndustryCategory
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    items = (CountyViewSet, IndustryCategoryViewSet)
    menu_icon = "tag"
    menu_label = _("Taxonomy")
    menu_name = "taxonomy"


register_snippet(TaxonomyViewSetGroup)


@hooks.register("register_admin_urls")
def register_booklet_report_urls():
    return [
        path(
            "booklet-downloads/",
            admin_views.booklet_downloads,
            name="kexie_booklet_downloads",
        ),
        path(
            "booklet-downloads/<int:booklet_id>/",
            admin_views.booklet_download_detail,
            name="kexie_booklet_download_detail",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_booklet_report_menu_item():
    return MenuItem(
        _("Booklet downloads"),
        reverse("kexie_booklet_downloads"),
        icon_name="download",
        order=700,
    )


# --- The lecture hall: sign-ups (staff only) and the statistics panel -------


class CourseRegistrationIndexView(SnippetIndexView):
    """The sign-up listing; its CSV export is formula-safe like the XLSX one."""

    def write_csv_row(self, writer, row_dict):
        return super().write_csv_row(
            writer, {field: formula_safe(value) for field, value in row_dict.items()}
        )

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        return {field: formula_safe(value) for field, value in row.items()}


class CourseRegistrationViewSet(SnippetViewSet):
    """Sign-ups for courses: personal data, so only staff with permission see them."""

    model = CourseRegistration
    index_view_class = CourseRegistrationIndexView
    icon = "list-ul"
    menu_label = _("Course sign-ups")
    menu_name = "course-signups"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "phone", "village", "course", "status", "created_at"]
    list_filter = ["status", "course__county", "course"]
    list_export = ["course", "name", "phone", "village", "status", "created_at"]
    export_filename = "course-signups"
    search_fields = ["name", "phone", "village", "course__title"]
    search_backend_name = None
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True


register_snippet(CourseRegistrationViewSet)


def _rebalance_after_staff_change(request, instances) -> None:
    """A sign-up edited, added or deleted by staff may free a seat."""
    from .course_services import course_seats_rebalance

    if not isinstance(instances, list | tuple):
        instances = [instances]
    for course_id in {
        getattr(item, "course_id", None)
        for item in instances
        if isinstance(item, CourseRegistration)
    } - {None}:
        course_seats_rebalance(course_id=course_id)


hooks.register("after_edit_snippet", _rebalance_after_staff_change)
hooks.register("after_create_snippet", _rebalance_after_staff_change)
hooks.register("after_delete_snippet", _rebalance_after_staff_change)


class CourseStatisticsPanel(Component):
    """Dashboard panel: courses held and attendance per county, this year."""

    name = "course_statistics"
    order = 150
    template_name = "kexie_pages/admin/course_statistics_panel.html"

    def get_context_data(self, parent_context):
        from .course_selectors import course_statistics

        year = timezone.localdate().year
        return {"year": year, "stats": course_statistics(year=year)}


@hooks.register("construct_homepage_panels")
def add_course_statistics_panel(request, panels) -> None:
    panels.append(CourseStatisticsPanel())


modeladmin_register(ThinkTankAdminGroup)


register_snippet(NeedsViewSetGroup)


@hooks.register("construct_homepage_panels")
def add_needs_panel(request, panels) -> None:
    """The needs statistics on the dashboard, for staff who may edit needs."""
    if request.user.has_perm("kexie_pages.change_need"):
        panels.append(NeedsDashboardPanel())


@hooks.register("kexie_forms_promote_submission")
def promote_submission_to_need(submission, data: dict, user):
    """kexie_forms' promote hook: an accepted needs survey becomes a draft need."""
    from django.core.exceptions import ValidationError

    from kexie_forms.exceptions import PromotionUnavailable

    from .needs_services import need_from_submission

    try:
        return need_from_submission(
            data=data,
            county=submission.county,
            reported_on=timezone.localtime(submission.submit_time).date(),
            source=submission.receipt_number,
        )
    except ValidationError as error:
        raise PromotionUnavailable(" ".join(error.messages)) from error
