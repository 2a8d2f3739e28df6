from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.options import modeladmin_register

from .directory_admin import ThinkTankAdminGroup
from .models import County, IndustryCategory
from .needs_admin import NeedsDashboardPanel, NeedsViewSetGroup


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


modeladmin_register(ThinkTankAdminGroup)


register_snippet(NeedsViewSetGroup)


@hooks.register("construct_homepage_panels")
def add_needs_panel(request, panels) -> None:
    """The needs statistics on the dashboard, for staff who may edit needs."""
    if request.user.has_perm("kexie_pages.change_need"):
        panels.append(NeedsDashboardPanel())
