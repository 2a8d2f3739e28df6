"""The news section's admin: its categories, as snippets.

The article editor's choosers come from the sections that own what is chosen:
needs and agreements (their snippet choosers, county-scoped), courses (the
page chooser) and the think-tank directories (``directories.choosers``).
"""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import NewsCategory


class NewsCategoryViewSet(SnippetViewSet):
    model = NewsCategory
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


register_snippet(NewsCategoryViewSet)
