"""Choosers for the think-tank directories: the admin's pop-up that picks
experts, achievements, associations, demonstration bases and tech-leaders
(one or several at a time) wherever a form links one, e.g. a news article's
"what the article is about". Each is scoped to the user's county like the
directory's own admin, and registered as the widget of every foreign key to
its model."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm, SearchFilterMixin
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from ..base.scoping import CountyScopedViewSetMixin
from .models import Achievement, Association, DemonstrationBase, Expert, TechLeader
from .selectors import directory_search


class DirectorySearchForm(SearchFilterMixin, BaseFilterForm):
    """The chooser's search box, searching as the directory's own admin does:
    Chinese-aware, and on a queryset the county scope has already narrowed
    (the search backend cannot filter on that scope itself)."""

    def filter(self, objects):
        objects = BaseFilterForm.filter(self, objects)
        query = self.cleaned_data.get("q")
        if query:
            objects = directory_search(queryset=objects, query=query)
            self.is_searching = True
            self.search_query = query
        return objects


class DirectoryChooseView(ChooseView):
    filter_form_class = DirectorySearchForm


class DirectoryChooseResultsView(ChooseResultsView):
    filter_form_class = DirectorySearchForm


class DirectoryChooserViewSet(CountyScopedViewSetMixin, ChooserViewSet):
    """A directory's chooser: search by name, no creation from the pop-up
    (entries come from the directory's admin and imports)."""

    icon = "group"
    per_page = 20
    choose_view_class = DirectoryChooseView
    choose_results_view_class = DirectoryChooseResultsView


CHOOSERS = [
    DirectoryChooserViewSet(
        f"{model._meta.model_name}_chooser",
        model=model,
        url_prefix=f"kexie/choose/{model._meta.model_name}",
        choose_one_text=choose_one,
    )
    for model, choose_one in (
        (Expert, _("Choose an expert")),
        (Achievement, _("Choose an achievement")),
        (Association, _("Choose an association")),
        (DemonstrationBase, _("Choose a demonstration base")),
        (TechLeader, _("Choose a tech-leader")),
    )
]


@hooks.register("register_admin_viewset")
def register_directory_choosers() -> list[ChooserViewSet]:
    return CHOOSERS
