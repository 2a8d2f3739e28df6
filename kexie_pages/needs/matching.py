"""Matching a need with help (找准切合点): the suggestions staff see for each need.

Candidates come from three lookups (same industry, serving the county, entries
whose text contains one of the need's jieba TF-IDF keywords), then are scored
in Python; each suggestion lists its reasons.

What an entry *is about* weighs most: a keyword of the need in an expert's
speciality (an achievement's title) outweighs sharing the need's industry, so a
赤霉病 specialist in another county ranks above a general agronomist next door.
Keywords count by their TF-IDF weight in the need, so the problem (赤霉病) counts
for more than the crop (小麦).
"""

from dataclasses import dataclass

import jieba
import jieba.analyse
from django.db.models import Q
from django.utils.translation import gettext

from ..directories.models import Achievement, Expert
from .models import Need, NeedMatch
from .selectors import keyword_q

#: Points a suggestion earns for each reason.
INDUSTRY_POINTS = 3
COUNTY_POINTS = 2
CITYWIDE_POINTS = 1
#: A keyword of the need found in the entry's speciality (an achievement's
#: title) earns up to this, scaled by the keyword's weight relative to the
#: need's strongest keyword: the need's main problem alone outweighs its industry.
SPECIALITY_KEYWORD_POINTS = 6
MAX_SPECIALITY_POINTS = 12
#: A keyword found only in the rest of the entry's text (professional title,
#: biography, summary) says less about what the entry is about.
OTHER_KEYWORD_POINTS = 2
MAX_OTHER_POINTS = 4
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
    #: What the entry is about: an expert's speciality ("" for achievements,
    #: whose label is their title).
    speciality: str = ""


def need_keyword_weights(*, need: Need, count: int = KEYWORD_COUNT) -> dict[str, float]:
    """The words that characterise the need's problem (jieba TF-IDF), strongest
    first, each with its weight relative to the strongest (1.0). One-character
    words and the words every need says are too vague to match on."""
    text = f"{need.title}。{need.description}"
    tags = jieba.analyse.extract_tags(text, topK=count * 2, withWeight=True)
    kept = [
        (word, weight)
        for word, weight in tags
        if len(word) >= 2 and not word.isdigit() and word not in STOPWORDS
    ][:count]
    if not kept:
        return {}
    strongest = kept[0][1] or 1.0
    return {word: weight / strongest for word, weight in kept}


def need_keywords(*, need: Need, count: int = KEYWORD_COUNT) -> list[str]:
    """The need's keywords, strongest first (see ``need_keyword_weights``)."""
    return list(need_keyword_weights(need=need, count=count))


def _keyword_points(
    weights: dict[str, float], speciality: str, other_text: str
) -> tuple[int, list[str]]:
    """Points for the need's keywords found in an entry, and the words found
    (those of its speciality first)."""
    in_speciality = [w for w in weights if w in speciality]
    elsewhere = [w for w in weights if w not in speciality and w in other_text]
    speciality_points = sum(
        max(1, round(SPECIALITY_KEYWORD_POINTS * weights[w])) for w in in_speciality
    )
    other_points = sum(
        max(1, round(OTHER_KEYWORD_POINTS * weights[w])) for w in elsewhere
    )
    points = min(speciality_points, MAX_SPECIALITY_POINTS) + min(
        other_points, MAX_OTHER_POINTS
    )
    return points, in_speciality + elsewhere


def _suggest(
    *,
    model,
    need: Need,
    weights: dict[str, float],
    speciality_field: str,
    text_fields: tuple[str, ...],
    label_fields: tuple[str, str],
    exclude: set[int],
    limit: int,
    kind: str,
) -> list[Suggestion]:
    keywords = list(weights)
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
        speciality = row[speciality_field] or ""
        other_text = " ".join(
            row[name] or "" for name in text_fields if name != speciality_field
        )
        points, found = _keyword_points(weights, speciality, other_text)
        if found:
            score += points
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
                speciality=speciality if kind == "expert" else "",
            )
        )
    scored.sort(key=lambda s: (-s.score, s.label, s.pk))
    return scored[:limit]


def need_match_suggestions(
    *, need: Need, limit: int = 10
) -> tuple[list[Suggestion], list[Suggestion]]:
    """Ranked experts and achievements for ``need``, each with its reasons.

    A candidate must share the need's industry or words of its problem
    description. The need's keywords in an expert's speciality (an
    achievement's title) weigh most, then the shared industry, then serving
    the need's county (or the whole city), then keywords elsewhere in the
    entry's text. Candidates come from three lookups (industry, county, entries whose
    text contains one of the need's jieba keywords), so the cost grows with the
    number of candidates, not with the size of the directories. Already
    matched entries are left out.
    """
    weights = need_keyword_weights(need=need)
    matched = NeedMatch.objects.filter(need=need)
    experts = _suggest(
        model=Expert,
        need=need,
        weights=weights,
        speciality_field="speciality",
        text_fields=("speciality", "title", "bio"),
        label_fields=("name", "employer"),
        exclude=set(matched.exclude(expert=None).values_list("expert_id", flat=True)),
        limit=limit,
        kind="expert",
    )
    achievements = _suggest(
        model=Achievement,
        need=need,
        weights=weights,
        speciality_field="title",
        text_fields=("title", "summary"),
        label_fields=("title", "organisation"),
        exclude=set(
            matched.exclude(achievement=None).values_list("achievement_id", flat=True)
        ),
        limit=limit,
        kind="achievement",
    )
    return experts, achievements
