"""Reading the needs library: public listings with facet counts and statistics.
The suggestions staff see when matching a need are in ``matching.py``."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from ..base.models import County, IndustryCategory
from ..base.selectors import categories_all, counties_all
from ..directories.models import Achievement, Expert
from ..search import cut
from .models import Need, NeedStatus

#: The longest keyword query honoured; a longer one is cut, never an error.
MAX_QUERY_CHARS = 100


@dataclass(frozen=True)
class NeedFilters:
    """The public library's filters, cleaned: anything unknown is kept as typed
    (so the form shows it) but simply matches nothing."""

    county: str = ""
    category: str = ""
    status: str = ""
    query: str = ""

    @classmethod
    def from_params(cls, params) -> "NeedFilters":
        """Filters from a query string (``request.GET``) or any mapping."""

        def value(name: str, limit: int) -> str:
            raw = params.get(name, "")
            return raw.strip()[:limit] if isinstance(raw, str) else ""

        return cls(
            county=value("county", 6),
            category=value("category", 40),
            status=value("status", 10),
            query=value("q", MAX_QUERY_CHARS),
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "county": self.county,
            "category": self.category,
            "status": self.status,
            "q": self.query,
        }

    @property
    def is_active(self) -> bool:
        return any(self.as_dict().values())


#: The fields a keyword is looked for in, as in ``Need.search_fields``.
KEYWORD_FIELDS = ("title", "description", "village", "township")
MAX_KEYWORD_WORDS = 10
_WORD_RE = re.compile(r"\w+")


def keyword_words(query: str) -> list[str]:
    """The words of ``query``: a run of Chinese is cut into words as the
    Chinese search cuts it (jieba's words); punctuation is dropped."""
    words: list[str] = []
    for run in _WORD_RE.findall(query):
        for word in cut(run):
            if word not in words:
                words.append(word)
    return words[:MAX_KEYWORD_WORDS]


def keyword_q(words: list[str], fields: tuple[str, ...]) -> Q:
    """Rows containing every word in one of ``fields`` (a Chinese word is
    found wherever it appears, as the search index's bigrams find it)."""
    condition = Q()
    for word in words:
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__icontains": word})
        condition &= either
    return condition


def needs_keyword_q(*, query: str) -> Q | None:
    """The keyword filter of the library; None when ``query`` holds no word.

    The database search backend's SQLite query joins the FTS table the slow
    way round (two seconds for a common word over 20,000 needs, see the
    README), so the library filters with the same Chinese segmentation on the
    needs table itself: a few milliseconds, on SQLite and PostgreSQL alike.
    """
    words = keyword_words(query)
    return keyword_q(words, KEYWORD_FIELDS) if words else None


def _filtered(filters: NeedFilters, *, skip: str = "", keyword=None) -> QuerySet:
    needs = Need.objects.public()
    if filters.county and skip != "county":
        needs = needs.filter(county__code=filters.county)
    if filters.category and skip != "category":
        needs = needs.filter(category__slug=filters.category)
    if filters.status and skip != "status":
        needs = needs.filter(status=filters.status)
    if keyword is not None:
        needs = needs.filter(keyword)
    return needs


def needs_public_list(*, filters: NeedFilters) -> QuerySet:
    """The live needs matching ``filters``, newest report first, ready to page."""
    return (
        _filtered(filters, keyword=needs_keyword_q(query=filters.query))
        .select_related("county", "category")
        .only(
            "id",
            "title",
            "township",
            "village",
            "description",
            "households",
            "season",
            "urgency",
            "status",
            "reported_on",
            "county__name",
            "county__code",
            "category__name",
            "category__slug",
        )
        .order_by("-reported_on", "-id")
    )


@dataclass
class Facet:
    """One choice of a filter, with how many needs it would show."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class NeedFacets:
    counties: list[Facet] = field(default_factory=list)
    categories: list[Facet] = field(default_factory=list)
    statuses: list[Facet] = field(default_factory=list)
    #: How many needs match every filter: the listing's count, already known.
    total: int = 0


def needs_public_facets(*, filters: NeedFilters) -> NeedFacets:
    """Counts per county, industry and status, each under the *other* filters,
    so that every count says what choosing it would show.

    One grouped query (county × industry × status: at most a few hundred
    rows) gives every facet and the total; the keyword, if any, narrows it.
    """
    needs = Need.objects.public()
    keyword = needs_keyword_q(query=filters.query)
    if keyword is not None:
        needs = needs.filter(keyword)
    # Ids, not codes: no join, and an index covers the whole query.
    cells = (
        needs.order_by()
        .values_list("county_id", "category_id", "status")
        .annotate(n=Count("id"))
    )
    counties = counties_all()
    categories = categories_all()
    county_codes = {c.pk: c.code for c in counties}
    category_slugs = {c.pk: c.slug for c in categories}
    wanted = {
        "county": filters.county,
        "category": filters.category,
        "status": filters.status,
    }
    by: dict[str, dict[str | None, int]] = {"county": {}, "category": {}, "status": {}}
    total = 0
    for county_id, category_id, status, n in cells:
        values = {
            "county": county_codes.get(county_id),
            "category": category_slugs.get(category_id),
            "status": status,
        }
        misses = [k for k, v in wanted.items() if v and values[k] != v]
        if not misses:
            total += n
        for facet in by:
            # A cell counts for a facet when it passes the *other* filters.
            if not [k for k in misses if k != facet]:
                by[facet][values[facet]] = by[facet].get(values[facet], 0) + n
    return NeedFacets(
        counties=[
            Facet(c.code, c.name, by["county"].get(c.code, 0), c.code == filters.county)
            for c in counties
        ],
        categories=[
            Facet(
                c.slug,
                c.name,
                by["category"].get(c.slug, 0),
                c.slug == filters.category,
            )
            for c in categories
        ],
        statuses=[
            Facet(
                value, str(label), by["status"].get(value, 0), value == filters.status
            )
            for value, label in NeedStatus.choices
        ],
        total=total,
    )


def need_public_matches(*, need: Need) -> tuple[list[Expert], list[Achievement]]:
    """The need's matched experts and achievements that may be shown publicly."""
    matches = need.matches.select_related("expert", "achievement").filter(
        Q(expert__is_public=True) | Q(achievement__is_public=True)
    )
    experts = [m.expert for m in matches if m.expert is not None]
    achievements = [m.achievement for m in matches if m.achievement is not None]
    return experts, achievements


def needs_statistics(*, live_only: bool = False, county: County | None = None) -> dict:
    """Needs per county × status and per industry, for the dashboard and reports.

    Returns ``{"statuses": [(value, label)], "counties": [{"county", "by_status",
    "total"}], "industries": [{"category", "total", "households", "solved"}],
    "by_status": {status: n}, "total": n}``; every county and industry appears,
    with zeros where it has no needs. With ``county`` (a county-bound user's
    dashboard) only that county's needs are counted and only its row is listed.
    """
    needs = Need.objects.all()
    if live_only:
        needs = needs.filter(live=True)
    if county is not None:
        needs = needs.filter(county=county)
    grid: dict[int, dict[str, int]] = {}
    for row in needs.order_by().values("county_id", "status").annotate(n=Count("id")):
        grid.setdefault(row["county_id"], {})[row["status"]] = row["n"]
    by_status = {value: 0 for value, _label in NeedStatus.choices}
    counties = []
    shown = County.objects.all() if county is None else [county]
    for row_county in shown:
        cells = {
            value: grid.get(row_county.pk, {}).get(value, 0)
            for value, _label in NeedStatus.choices
        }
        for value, n in cells.items():
            by_status[value] += n
        counties.append(
            {"county": row_county, "by_status": cells, "total": sum(cells.values())}
        )
    industry_rows = {
        row["category_id"]: row
        for row in needs.order_by()
        .values("category_id")
        .annotate(
            n=Count("id"),
            households=Sum("households"),
            solved=Count("id", filter=Q(status=NeedStatus.SOLVED)),
        )
    }
    industries = []
    for category in IndustryCategory.objects.all():
        counts: Mapping[str, Any] = industry_rows.get(category.pk, {})
        industries.append(
            {
                "category": category,
                "total": counts.get("n", 0),
                "households": counts.get("households") or 0,
                "solved": counts.get("solved", 0),
            }
        )
    return {
        "statuses": [(value, str(label)) for value, label in NeedStatus.choices],
        "counties": counties,
        "industries": industries,
        "by_status": by_status,
        "total": sum(by_status.values()),
    }
