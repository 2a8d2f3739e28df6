"""Reads of recognition: published awards and honour rolls, certificates, and
what the directories show of an entry's awards and honours."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Avg, Count, QuerySet, Sum

from .models import (
    Award,
    AwardDecision,
    AwardRound,
    HonourCategory,
    HonourEntry,
    HonourRoll,
)

#: The nominee links of awards and honour roll entries, by directory name.
NOMINEE_FIELDS = {
    "associations": "association",
    "demo-bases": "demo_base",
    "leaders": "leader",
    "experts": "expert",
}


def award_rounds_public() -> QuerySet:
    """The published awards rounds, newest first."""
    return AwardRound.objects.filter(is_published=True).order_by("-year")


def honour_rolls_public() -> QuerySet:
    """The published honour rolls, newest first."""
    return HonourRoll.objects.filter(is_published=True).order_by("-year")


def awards_public(*, year: int | None = None) -> QuerySet:
    """Awards granted in published rounds (``year``: one round), largest first."""
    awards = Award.objects.filter(
        round__is_published=True, decision=AwardDecision.AWARDED
    ).select_related("round", "county", "association", "demo_base", "leader")
    if year is not None:
        awards = awards.filter(round__year=year)
    return awards.order_by("-round__year", "-amount", "id")


def award_round_public(*, year: int) -> AwardRound | None:
    """The published round of ``year``, if any."""
    return award_rounds_public().filter(year=year).first()


def honour_roll_public(*, year: int) -> HonourRoll | None:
    """The published honour roll of ``year``, if any."""
    return honour_rolls_public().filter(year=year).first()


def honour_entries(*, roll: HonourRoll) -> dict[str, list[HonourEntry]]:
    """A roll's entries grouped by category, in the order of :class:`HonourCategory`."""
    groups: dict[str, list[HonourEntry]] = {
        value: [] for value in HonourCategory.values
    }
    entries = roll.entries.select_related(
        "expert", "association", "demo_base", "leader", "county"
    ).order_by("sort_order", "id")
    for entry in entries:
        groups[entry.category].append(entry)
    return groups


def certificate_public(*, number: str) -> HonourEntry | None:
    """The certificate with this number on a published roll, or ``None``."""
    number = number.strip().upper()[:20]
    if not number:
        return None
    return (
        HonourEntry.objects.filter(
            certificate_number=number,
            category=HonourCategory.EXPERT,
            roll__is_published=True,
        )
        .select_related("roll", "expert")
        .first()
    )


def certificates_of_year(*, year: int) -> QuerySet:
    """Every certificate of a year's roll, published or not (for staff)."""
    return (
        HonourEntry.objects.filter(roll__year=year, category=HonourCategory.EXPERT)
        .exclude(certificate_number="")
        .select_related("roll", "expert")
        .order_by("certificate_number")
    )


def entries_attach_recognitions(*, directory: str, entries: Iterable) -> None:
    """Set ``entry.recognitions`` on each directory entry: its public awards and honours.

    One query for awards and one for honours, whatever the number of entries;
    the think-tank listing and the directories API show them.
    """
    entries = list(entries)
    field = NOMINEE_FIELDS.get(directory)
    for entry in entries:
        entry.recognitions = []
    if field is None or not entries:
        return
    by_pk: dict[int, list[dict]] = defaultdict(list)
    ids = [entry.pk for entry in entries]
    if field != "expert":
        for award in awards_public().filter(**{f"{field}_id__in": ids}):
            by_pk[getattr(award, f"{field}_id")].append(
                {
                    "kind": "award",
                    "year": award.round.year,
                    "title": award.round.title,
                    "amount": int(award.amount) if award.amount is not None else None,
                }
            )
    honours = HonourEntry.objects.filter(
        roll__is_published=True, **{f"{field}_id__in": ids}
    ).select_related("roll")
    for honour in honours:
        by_pk[getattr(honour, f"{field}_id")].append(
            {
                "kind": "honour",
                "year": honour.roll.year,
                "title": honour.get_category_display(),
                "amount": None,
            }
        )
    for entry in entries:
        entry.recognitions = sorted(by_pk[entry.pk], key=lambda r: -r["year"])


def awards_figures(*, year: int, county=None) -> dict:
    """The awards of a year in figures (granted ones): count, total amount, evidence."""
    awards = Award.objects.filter(round__year=year, decision=AwardDecision.AWARDED)
    nominations = Award.objects.filter(round__year=year)
    if county is not None:
        awards = awards.filter(county=county)
        nominations = nominations.filter(county=county)
    totals = awards.aggregate(
        amount=Sum("amount"),
        households=Sum("households_helped"),
        income=Sum("income_raised"),
        count=Count("id"),
    )
    return {
        "nominations": nominations.count(),
        "awards": totals["count"] or 0,
        "amount": int(totals["amount"] or 0),
        "households": totals["households"] or 0,
        "income": totals["income"] or 0,
    }


def award_score_average(*, award: Award) -> float | None:
    """The reviewers' average score of an award's nomination, if scored."""
    if award.submission is None:
        return None
    return award.submission.scores.aggregate(average=Avg("score"))["average"]
