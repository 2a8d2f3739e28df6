from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
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
