"""Reading the needs library: public listings with facet counts, statistics and
the matching suggestions staff see for each need."""

import re
from dataclasses import dataclass, field

import jieba
import jieba.analyse
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext

from .models.directories import Achievement, Expert
from .models.needs import Need, NeedMatch, NeedStatus
from .models.taxonomy import County, IndustryCategory
from .selectors import categories_all, counties_all

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
    """The words of ``query``: jieba cuts a run of Chinese into words, as the
    Chinese search does; punctuation is dropped."""
    words: list[str] = []
    for run in _WORD_RE.findall(query):
        for word in jieba.cut(run):
            word = word.strip()
            if word and word not in words:
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
    by = {"county": {}, "category": {}, "status": {}}
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
    experts = [m.expert for m in matches if m.expert_id]
    achievements = [m.achievement for m in matches if m.achievement_id]
    return experts, achievements


def needs_statistics(*, live_only: bool = False) -> dict:
    """Needs per county × status and per industry, for the dashboard and reports.

    Returns ``{"statuses": [(value, label)], "counties": [{"county", "by_status",
    "total"}], "industries": [{"category", "total", "households", "solved"}],
    "by_status": {status: n}, "total": n}``; every county and industry appears,
    with zeros where it has no needs.
    """
    needs = Need.objects.all()
    if live_only:
        needs = needs.filter(live=True)
    grid: dict[int, dict[str, int]] = {}
    for row in needs.order_by().values("county_id", "status").annotate(n=Count("id")):
        grid.setdefault(row["county_id"], {})[row["status"]] = row["n"]
    by_status = {value: 0 for value, _label in NeedStatus.choices}
    counties = []
    for county in County.objects.all():
        cells = {
            value: grid.get(county.pk, {}).get(value, 0)
            for value, _label in NeedStatus.choices
        }
        for value, n in cells.items():
            by_status[value] += n
        counties.append(
            {"county": county, "by_status": cells, "total": sum(cells.values())}
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
        row = industry_rows.get(category.pk, {})
        industries.append(
            {
                "category": category,
                "total": row.get("n", 0),
                "households": row.get("households") or 0,
                "solved": row.get("solved", 0),
            }
        )
    return {
        "statuses": [(value, str(label)) for value, label in NeedStatus.choices],
        "counties": counties,
        "industries": industries,
        "by_status": by_status,
        "total": sum(by_status.values()),
    }


# Matching (找准切合点) -------------------------------------------------------

#: Points a suggestion earns for each reason; keywords earn one point each.
INDUSTRY_POINTS = 3
COUNTY_POINTS = 2
CITYWIDE_POINTS = 1
MAX_KEYWORD_POINTS = 4
KEYWORD_COUNT = 8
SEARCH_HIT_CAP = 500
#: Words every need says; matching on them finds everybody.
STOPWORDS = frozenset(
    [
        "技术",
        "希望",
        "需要",
        "问题",
        "指导",
        "群众",
        "村里",
        "贫困户",
        "专家",
        "方面",
        "得到",
        "帮助",
        "学习",
        "缺乏",
        "发展",
        "计划",
        "全村",
        "合作社",
        "培训",
        "帮扶",
        "急需",
        "缺少",
        "反映",
        "明显",
        "严重",
    ]
)


@dataclass
class Suggestion:
    """An expert or achievement that might help with a need, and why."""

    kind: str  # "expert" or "achievement"
    pk: int
    label: str
    detail: str
    score: int
    reasons: list[str]
    is_public: bool


def need_keywords(*, need: Need, count: int = KEYWORD_COUNT) -> list[str]:
    """The words that characterise the need's problem (jieba TF-IDF), longest
    first among equals; one-character words are too vague to match on."""
    text = f"{need.title}。{need.description}"
    words = jieba.analyse.extract_tags(text, topK=count * 2)
    return [w for w in words if len(w) >= 2 and not w.isdigit() and w not in STOPWORDS][
        :count
    ]


def _suggest(
    *,
    model,
    need: Need,
    keywords: list[str],
    text_fields: tuple[str, ...],
    label_fields: tuple[str, str],
    exclude: set[int],
    limit: int,
    kind: str,
) -> list[Suggestion]:
    through_categories = model.categories.through
    through_counties = model.counties.through
    fk = model._meta.model_name + "_id"
    in_industry = set(
        through_categories.objects.filter(
            industrycategory_id=need.category_id
        ).values_list(fk, flat=True)
    )
    serving = set(
        through_counties.objects.filter(county_id=need.county_id).values_list(
            fk, flat=True
        )
    )
    hits: set[int] = set()
    if keywords:
        any_keyword = Q()
        for word in keywords:
            any_keyword |= keyword_q([word], text_fields)
        hits = set(
            model.objects.filter(any_keyword).values_list("pk", flat=True)[
                :SEARCH_HIT_CAP
            ]
        )
    candidates = (in_industry | serving | hits) - exclude
    if not candidates:
        return []
    serving_somewhere = set(
        through_counties.objects.filter(**{f"{fk}__in": candidates})
        .values_list(fk, flat=True)
        .distinct()
    )
    rows = model.objects.filter(pk__in=candidates).values(
        "pk", "is_public", *label_fields, *text_fields
    )
    category_name = need.category.name
    county_name = need.county.name
    scored = []
    for row in rows:
        score = 0
        reasons = []
        if row["pk"] in in_industry:
            score += INDUSTRY_POINTS
            reasons.append(gettext("Same industry: %(name)s") % {"name": category_name})
        if row["pk"] in serving:
            score += COUNTY_POINTS
            reasons.append(gettext("Serves %(county)s") % {"county": county_name})
        elif row["pk"] not in serving_somewhere:
            score += CITYWIDE_POINTS
            reasons.append(gettext("Serves the whole city"))
        text = " ".join(row[name] or "" for name in text_fields)
        found = [w for w in keywords if w in text]
        if found:
            score += min(len(found), MAX_KEYWORD_POINTS)
            reasons.append(
                gettext("Keywords in common: %(words)s") % {"words": "、".join(found)}
            )
        if row["pk"] not in in_industry and not found:
            continue  # serving the county alone is no match for the problem
        scored.append(
            Suggestion(
                kind=kind,
                pk=row["pk"],
                label=row[label_fields[0]],
                detail=row[label_fields[1]] or "",
                score=score,
                reasons=reasons,
                is_public=row["is_public"],
            )
        )
    scored.sort(key=lambda s: (-s.score, s.label, s.pk))
    return scored[:limit]


def need_match_suggestions(
    *, need: Need, limit: int = 10
) -> tuple[list[Suggestion], list[Suggestion]]:
    """Ranked experts and achievements for ``need``, each with its reasons.

    A candidate must share the need's industry or words of its problem
    description; serving the need's county (or the whole city) adds to its
    score. Candidates come from three lookups (industry, county, entries whose
    text contains one of the need's jieba keywords), so the cost grows with the
    number of candidates, not with the size of the directories. Already
    matched entries are left out.
    """
    keywords = need_keywords(need=need)
    matched = NeedMatch.objects.filter(need=need)
    experts = _suggest(
        model=Expert,
        need=need,
        keywords=keywords,
        text_fields=("speciality", "title", "bio"),
        label_fields=("name", "employer"),
        exclude=set(matched.exclude(expert=None).values_list("expert_id", flat=True)),
        limit=limit,
        kind="expert",
    )
    achievements = _suggest(
        model=Achievement,
        need=need,
        keywords=keywords,
        text_fields=("title", "summary"),
        label_fields=("title", "organisation"),
        exclude=set(
            matched.exclude(achievement=None).values_list("achievement_id", flat=True)
        ),
        limit=limit,
        kind="achievement",
    )
    return experts, achievements
