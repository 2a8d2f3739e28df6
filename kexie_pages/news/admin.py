"""The news section's admin: its categories (as snippets) and the chooser the
article editor picks agreements with."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..base.scoping import CountyScopedViewSetMixin
from .models import NewsCategory


class NewsCategoryViewSet(SnippetViewSet):
    model = NewsCategory
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


register_snippet(NewsCategoryViewSet)


class AgreementChooserViewSet(CountyScopedViewSetMixin, ChooserViewSet):
    """Agreements for an article's "what it is about" (searchable by title).

    Registered as the widget of foreign keys to agreements; where the programme
    section registers a chooser of its own, the later registration wins and
    either serves.
    """

    model = "kexie_pages.Agreement"
    icon = "doc-full"
    choose_one_text = _("Choose an agreement")
    per_page = 20


agreement_chooser = AgreementChooserViewSet(
    "news_agreement_chooser", url_prefix="kexie/choose/agreement"
)


@hooks.register("register_admin_viewset")
def register_agreement_chooser() -> ChooserViewSet:
    return agreement_chooser
