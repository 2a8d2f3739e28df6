"""The lecture hall in the admin: sign-ups (staff only) and the statistics panel.

Sign-ups are scoped to the county of their course: a county-bound user sees,
exports and chooses only the sign-ups of their county's courses (``base.scoping``).
Course pages themselves are editorial content under Wagtail's page permissions
(give a county's group rights on its part of the tree if courses are filed so);
they hold no personal data. The statistics panel counts courses and attendance
per county, public figures, for everyone.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from ..base.scoping import CountyScopedSnippetViewSet, register_county_scope
from ..base.selectors import CountyScope
from ..base.spreadsheets import SafeSpreadsheetExportMixin
from .models import CourseRegistration
from .selectors import course_statistics
from .services import course_seats_rebalance


class CourseRegistrationIndexView(SafeSpreadsheetExportMixin, SnippetIndexView):
    """The sign-up listing; its exports are formula-safe, in Beijing time."""


register_county_scope(CourseRegistration, CountyScope("course__county"))


class CourseRegistrationViewSet(CountyScopedSnippetViewSet):
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
    if not isinstance(instances, list | tuple):
        instances = [instances]
    for course_id in {
        item.course_id for item in instances if isinstance(item, CourseRegistration)
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
        year = timezone.localdate().year
        return {"year": year, "stats": course_statistics(year=year)}


@hooks.register("construct_homepage_panels")
def add_course_statistics_panel(request, panels) -> None:
    panels.append(CourseStatisticsPanel())
