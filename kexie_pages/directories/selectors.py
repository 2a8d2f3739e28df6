"""Reading the think-tank directories: Chinese search and the public listings."""

from collections.abc import Sequence

from django.db.models import QuerySet
from wagtail import hooks

from .models import DIRECTORIES, Expert

#: Other sections add to the entries a think-tank page or the API shows
#: (recognition sets ``entry.recognitions``: awards and honours) with
#: ``@hooks.register(DIRECTORY_ENTRIES_HOOK)`` on ``fn(directory=, entries=)``.
DIRECTORY_ENTRIES_HOOK = "kexie_directory_entries"

#: How many search hits a listing considers; more is not a useful answer.
MAX_SEARCH_HITS = 2000


def directory_search(*, queryset: QuerySet, query: str) -> QuerySet:
    """Narrow ``queryset`` to entries matching ``query`` (Chinese-aware search).

    The search backend cannot filter on many-to-many fields, so the search runs
    on the whole model and its hits restrict the (possibly filtered) queryset,
    which stays an ordinary queryset: it can still be filtered, sorted and paged.
    """
    query = query.strip()[:100]
    if not query:
        return queryset
    hits = queryset.model.objects.all().search(query, order_by_relevance=False)
    pks = [obj.pk for obj in hits[:MAX_SEARCH_HITS]]
    return queryset.filter(pk__in=pks)


def directory_public_entries(
    *,
    directory: str,
    county: str = "",
    category: str = "",
    query: str = "",
    sort: str = "",
) -> QuerySet:
    """A directory's public entries, filtered by county code and category slug."""
    model = DIRECTORIES[directory]
    entries: QuerySet = model.objects.public().prefetch_related("categories")
    has_counties = any(f.name == "counties" for f in model._meta.many_to_many)
    if has_counties:
        entries = entries.prefetch_related("counties")
    else:
        entries = entries.select_related("county")
    if county:
        lookup = "counties__code" if has_counties else "county__code"
        entries = entries.filter(**{lookup: county})
    if category:
        entries = entries.filter(categories__slug=category)
    entries = directory_search(queryset=entries, query=query).distinct()
    if model is Expert and sort == "pinyin":
        entries = entries.order_by("name_pinyin", "id")
    elif model is Expert:
        entries = entries.order_by("-updated_at", "id")
    return entries


def directory_public_list(
    *,
    directory: str,
    county: str = "",
    category: str = "",
    query: str = "",
    sort: str = "",
) -> tuple[QuerySet, dict]:
    """The entries a think-tank page lists, and the filters it shows as chosen."""
    filters = {
        "county": county[:6],
        "category": category[:40],
        "search_query": query.strip()[:100],
        "sort": sort if sort in ("pinyin", "") else "",
    }
    entries = directory_public_entries(
        directory=directory,
        county=filters["county"],
        category=filters["category"],
        query=filters["search_query"],
        sort=filters["sort"],
    )
    return entries, filters


def directory_entries_annotate(*, directory: str, entries: Sequence) -> None:
    """Let other sections annotate the public entries about to be shown.

    Every entry gets ``recognitions`` (empty unless a section fills it), so
    templates and the API can read it whatever is installed.
    """
    for entry in entries:
        entry.recognitions = []
    for annotate in hooks.get_hooks(DIRECTORY_ENTRIES_HOOK):
        annotate(directory=directory, entries=entries)
