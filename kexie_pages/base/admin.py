"""Admin for the shared taxonomy (counties and industry categories, as snippets)
and, through ``page_admin``, the page editor's hooks."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import page_admin  # noqa: F401  (registers the page editor's hooks)
from .models import County, IndustryCategory


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
