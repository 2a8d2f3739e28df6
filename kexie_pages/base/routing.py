"""Wagtail's page routing in one query a path level instead of two.

Wagtail routes ``/news/an-article/`` a level at a time: the child with the
slug (a query), then that child as its specific type (another query). Here
the specific type of a child is remembered per process (``cache.memo``, keyed
on the parent and the slug), so the child is read once, directly as that
type. The home page and the section pages route this way (their ``route``).

The remembered type only chooses the table to read: the child is still found
by the same condition (a child of this page with this slug) and routed by its
own ``route()``, so live, restricted, moved and renamed pages behave as in
Wagtail. When no such row is in that table (the page was deleted, or the
slug now belongs to a page of another type), Wagtail's own routing answers,
and a slug no page has is not remembered.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from wagtail.models import Page

from . import cache as page_cache


def _child_type(parent: Page, slug: str) -> int | None:
    return (
        parent.get_children()
        .filter(slug=slug)
        .values_list("content_type_id", flat=True)
        .first()
    )


def route(parent: Page, request: HttpRequest, path_components: list[str]) -> Any:
    """``Page.route`` of ``parent`` with one query for the child (see module doc)."""
    if not path_components:
        return Page.route(parent, request, path_components)
    slug = path_components[0]
    key = ("route", parent.pk, slug)
    type_id = page_cache.memo(key, lambda: _child_type(parent, slug))
    if type_id is None:  # no child has this slug
        page_cache.forget(key)
        raise Http404
    model = ContentType.objects.get_for_id(type_id).model_class()
    if model is None or not issubclass(model, Page):
        page_cache.forget(key)
        return Page.route(parent, request, path_components)
    pages: Any = model._default_manager  # a PageManager: model is a Page
    try:
        subpage = pages.child_of(parent).get(slug=slug)
    except ObjectDoesNotExist:
        page_cache.forget(key)
        return Page.route(parent, request, path_components)
    subpage._cached_parent_obj = parent  # as Wagtail does: no query for the parent
    return subpage.route(request, path_components[1:])
