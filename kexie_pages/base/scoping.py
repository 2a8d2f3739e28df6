"""County scoping in the admin: the scoped models and what applies their scope.

A staff user bound to a county (设置 → 县区工作人员绑定, see
:func:`.selectors.county_for_user`) sees only that county's records of every
model registered here with :func:`register_county_scope`, in every admin view:

* every URL of the model's viewset that names one record (``pk``) answers 404
  for a record outside the user's scope before the view runs (404, not 403: the
  record's existence is not confirmed). Guarding the URLs rather than each view
  covers the views Wagtail adds (revisions, workflow, locking, usage, preview)
  and the section's own (the needs matching screen) without listing them;
* lists, search, filters, exports and choosers read the scoped queryset
  (:class:`CountyScopedViewMixin`, put in front of each view of the viewset);
* the permission policy refuses other counties' records, so buttons, Wagtail's
  admin URL finder and bulk actions leave them out, and the snippet bulk delete
  drops them from its confirmation page (:class:`CountyScopedDeleteBulkAction`);
* the county fields of forms and filters offer only the user's county;
* the dashboard's "awaiting your review" panel leaves other counties' out.

City staff (no binding) and superusers see everything, as before. A model's
viewset opts in by subclassing :class:`CountyScopedSnippetViewSet` or
:class:`CountyScopedModelViewSet` after registering its scope.
"""

from collections.abc import Callable, Iterable
from functools import cache, wraps
from typing import TYPE_CHECKING, Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.urls import URLPattern, URLResolver
from django.utils.functional import cached_property, classproperty
from wagtail import hooks
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.coreutils import resolve_model_string
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import get_snippet_models
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import County
from .selectors import CountyScope, county_for_user

if TYPE_CHECKING:
    # The mixins below go in front of Wagtail's classes; as their base, mypy
    # takes super() and self.request from there (Wagtail has no types).
    from wagtail.admin.views.generic.base import BaseListingView as _WagtailView
    from wagtail.admin.viewsets.model import ModelViewSet as _WagtailViewSet
else:
    _WagtailView = object
    _WagtailViewSet = object

#: Every model whose admin is scoped to the user's county, with its scope.
COUNTY_SCOPES: dict[type[Model], CountyScope] = {}

#: Permission actions that only read a record; the others need it editable.
READ_ACTIONS = frozenset({"view", "inspect"})


class CountyPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, narrowed to the records of the user's county."""

    def __init__(self, model, *, scope: CountyScope, **kwargs):
        super().__init__(model, **kwargs)
        self.scope = scope

    def user_has_permission_for_instance(self, user, action, instance):
        return super().user_has_permission_for_instance(
            user, action, instance
        ) and self.scope.allows(
            user=user, instance=instance, action=_scope_action(action)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if all(action in READ_ACTIONS for action in actions):
            return self.scope.visible(user=user, queryset=queryset)
        return self.scope.editable(user=user, queryset=queryset)


def _scope_action(action: str) -> str:
    return "view" if action in READ_ACTIONS else action


def register_county_scope(
    model: type[Model],
    scope: CountyScope,
    *,
    policy_class: type[CountyPermissionPolicy] = CountyPermissionPolicy,
) -> None:
    """Scope ``model``'s admin to the user's county (call before registering its viewset)."""
    COUNTY_SCOPES[model] = scope
    register_permission_policy(model, policy_class(model, scope=scope))


def county_scoped(*, user, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may see, if its model is scoped."""
    scope = COUNTY_SCOPES.get(queryset.model)
    if scope is None:
        return queryset
    return scope.visible(user=user, queryset=queryset)


def county_fields_narrow(fields: Iterable[Any], *, user, required: bool) -> None:
    """Offer a county-bound user only their county in these form fields.

    A choice of counties keeps the user's own; a choice of scoped records (an
    achievement's contact expert) keeps the ones they see; a choice of records
    with a county (a sign-up's course) keeps their county's. With ``required``
    (edit forms, not filters) a county field must be filled: a record the user
    saves without a county would vanish from their own lists.
    """
    county = county_for_user(user=user)
    if county is None:
        return
    for field in fields:
        queryset = getattr(field, "queryset", None)
        if not isinstance(queryset, QuerySet):
            continue
        model = queryset.model
        if issubclass(model, County):
            field.queryset = queryset.filter(pk=county.pk)
            field.required = field.required or required
        elif model in COUNTY_SCOPES:
            field.queryset = county_scoped(user=user, queryset=queryset)
        elif any(
            getattr(f, "related_model", None) is County and f.name == "county"
            for f in model._meta.get_fields()
        ):
            field.queryset = queryset.filter(county=county)


# ---------------------------------------------------------------------------
# One record per URL: 404 outside the user's county


def county_guard(view: Callable, *, model: type[Model], kwarg: str = "pk") -> Callable:
    """Wrap ``view`` so that a record of ``model`` outside the user's scope is a 404.

    Runs before the view (after Wagtail's login check), whatever the view does
    with the record; ``kwarg`` names the URL argument holding the record's key.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if kwarg in kwargs and county_for_user(user=request.user) is not None:
            queryset = model._default_manager.all()
            try:
                queryset = queryset.filter(pk=unquote(str(kwargs[kwarg])))
                found = county_scoped(user=request.user, queryset=queryset).exists()
            except (ValueError, ValidationError):
                found = False
            if not found:
                raise Http404
        return view(request, *args, **kwargs)

    return guarded


def county_guarded_urls(
    patterns: list, *, model: type[Model], kwarg: str = "pk"
) -> list:
    """``patterns`` with every view guarded by :func:`county_guard`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            county_guarded_urls(pattern.url_patterns, model=model, kwarg=kwarg)
        elif isinstance(pattern, URLPattern):
            pattern.callback = county_guard(pattern.callback, model=model, kwarg=kwarg)
    return patterns


# ---------------------------------------------------------------------------
# Wagtail's generic views and viewsets


class CountyScopedViewMixin(_WagtailView):
    """Put in front of every view of a scoped viewset: what it lists is scoped.

    Each override narrows a queryset only if its model is scoped (a history
    view's log entries are not: its record is guarded by its URL).
    """

    def get_base_queryset(self):
        return county_scoped(
            user=self.request.user, queryset=super().get_base_queryset()
        )

    def get_base_object_queryset(self):
        return county_scoped(
            user=self.request.user, queryset=super().get_base_object_queryset()
        )

    @cached_property
    def filters(self):
        filters = super().filters
        if filters is not None:
            county_fields_narrow(
                filters.form.fields.values(), user=self.request.user, required=False
            )
        return filters

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if form is not None:
            county_fields_narrow(
                form.fields.values(), user=self.request.user, required=True
            )
        return form

    # Choosers

    def get_object_list(self, *args, **kwargs):
        objects = super().get_object_list(*args, **kwargs)
        return county_scoped(user=self.request.user, queryset=objects)

    def get_objects(self, *args, **kwargs):
        objects = super().get_objects(*args, **kwargs)
        return county_scoped(user=self.request.user, queryset=objects)

    def get_creation_form(self, *args, **kwargs):
        form = super().get_creation_form(*args, **kwargs)
        if form is not None:  # a chooser without a creation form
            county_fields_narrow(
                form.fields.values(), user=self.request.user, required=True
            )
        return form


@cache
def county_scoped_view_class(view_class: type) -> type:
    """``view_class`` with :class:`CountyScopedViewMixin` in front (made once)."""
    if issubclass(view_class, CountyScopedViewMixin):
        return view_class
    return type(
        view_class.__name__,
        (CountyScopedViewMixin, view_class),
        {"__module__": view_class.__module__, "__doc__": view_class.__doc__},
    )


class CountyScopedViewSetMixin(_WagtailViewSet):
    """Every view of the viewset scoped, every URL naming a record guarded."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(county_scoped_view_class(view_class), **kwargs)

    def get_urlpatterns(self):
        return county_guarded_urls(
            super().get_urlpatterns(), model=resolve_model_string(self.model)
        )


class CountyScopedSnippetChooserViewSet(
    CountyScopedViewSetMixin, SnippetChooserViewSet
):
    """A snippet chooser listing and returning only the user's county's records."""


class CountyScopedSnippetViewSet(CountyScopedViewSetMixin, SnippetViewSet):
    """A snippet viewset (with its chooser) scoped to the user's county."""

    chooser_viewset_class = CountyScopedSnippetChooserViewSet


class CountyScopedModelViewSet(CountyScopedViewSetMixin, ModelViewSet):
    """A model viewset scoped to the user's county."""


class CountyScopedDeleteBulkAction(DeleteBulkAction):
    """The snippets' bulk delete, not naming other counties' records.

    Wagtail's lists the records a user may not delete by name on its
    confirmation page (a sign-up's name is the farmer's); records outside the
    user's county are dropped instead, and a request naming only those is a 404.
    """

    @classproperty
    def models(cls):
        return [model for model in get_snippet_models() if model in COUNTY_SCOPES]

    @cached_property
    def _actionable_objects(self):
        objects, extra = BulkAction.get_actionable_objects(self)
        no_access = extra["items_with_no_access"]
        visible = set(
            county_scoped(
                user=self.request.user,
                queryset=self.model._default_manager.filter(
                    pk__in=[obj.pk for obj in [*objects, *no_access]]
                ),
            ).values_list("pk", flat=True)
        )
        objects = [obj for obj in objects if obj.pk in visible]
        no_access = [obj for obj in no_access if obj.pk in visible]
        if not objects and not no_access:
            raise Http404
        return objects, {"items_with_no_access": no_access}


# After Wagtail's own bulk delete, which it replaces for the scoped snippets.
hooks.register("register_bulk_action", CountyScopedDeleteBulkAction, order=100)


class CountyScopedModerationPanel(WorkflowObjectsToModeratePanel):
    """The dashboard's "awaiting your review", without other counties' records.

    A county user in a workflow's reviewing group would otherwise see the
    titles of every county's records awaiting review (their review links
    answer 404).
    """

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        context["states"] = [
            state
            for state in context["states"]
            if (scope := COUNTY_SCOPES.get(type(state["obj"]))) is None
            or scope.allows(user=user, instance=state["obj"])
        ]
        return context


@hooks.register("construct_homepage_panels")
def county_scoped_moderation_panel(request, panels) -> None:
    """Swap in :class:`CountyScopedModerationPanel` for county-bound users."""
    if county_for_user(user=request.user) is None:
        return
    for index, panel in enumerate(panels):
        if type(panel) is WorkflowObjectsToModeratePanel:
            panels[index] = CountyScopedModerationPanel()
