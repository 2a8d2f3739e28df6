"""Reads of recognition: published awards and honour rolls, certificates, and
what the directories show of an entry's awards and honours."""

from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from django.db.models import Avg, Count, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.models import Site

from ..needs.models import NeedMatch
from ..programme.models import Agreement
from ..programme.selectors import agreement_public_parties
from ..results.figures import period_of, programme_figures
from .certificates import organisation_name
from .models import (
    Award,
    AwardDecision,
    AwardRound,
    HonourCategory,
    HonourEntry,
    HonourRoll,
    YearSummary,
)
from .report import Chart, SummaryReport

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


# ---------------------------------------------------------------------------
# The year-end summary


def summary_figures(*, year: int, county=None) -> dict:
    """The year's headline figures of the city (``county=None``) or of one county.

    The programme's figures come from ``results.figures.programme_figures`` (the
    one place that computes them: the results page, its API and exports read
    the same); this adds what only the summary shows: the matches made between
    needs and help, and the awards. ``figures`` holds the whole
    :class:`~kexie_pages.results.figures.Figures` (its tables and charts).
    Counts only: no names, phones or households.
    """
    figures = programme_figures(period=period_of("year", year), county=county)
    matches = NeedMatch.objects.filter(matched_at__year=year)
    if county is not None:
        matches = matches.filter(need__county=county)
    agreements = figures.agreements
    return {
        "figures": figures,
        "needs": figures.needs.total,
        "needs_by_status": [
            (label, figures.needs.totals[value])
            for value, label in figures.needs.statuses
        ],
        "matches": matches.count(),
        "agreements": agreements.total,
        "agreements_by_status": [
            (label, sum(agreements.cells[kind][value] for kind, _k in agreements.kinds))
            for value, label in agreements.statuses
        ],
        "courses": figures.courses.courses,
        "sessions": figures.courses.sessions,
        "checkins": figures.courses.checkins,
        "attendance": figures.courses.reported_attendance,
        "trainees": figures.trainees.trained,
        "one_technique": figures.trainees.one_technique,
        "two_techniques": figures.trainees.two_techniques,
        "visits": figures.visits.total,
        "downloads": figures.downloads.total,
        "awards": awards_figures(year=year, county=county),
    }


def summary_agreements(*, year: int, county=None) -> QuerySet:
    """The agreements of the appendix: signed in the year, in the county if given."""
    agreements = Agreement.objects.filter(signed_on__year=year).select_related(
        "county",
        "partner_association",
        "partner_expert",
        "partner_achievement",
        "responsible_expert",
    )
    if county is not None:
        agreements = agreements.filter(county=county)
    return agreements.order_by("county__sort_order", "signed_on", "id")


def summary_report(*, summary: YearSummary, site: Site | None = None) -> SummaryReport:
    """Everything the summary's files show: figures and charts read from the data
    now, staff's paragraphs and highlights, and the appendix of agreements."""
    site = site or Site.objects.filter(is_default_site=True).first()
    county = summary.county
    figures = summary_figures(year=summary.year, county=county)
    awards = figures["awards"]
    needs, agreements, courses, booklets, prizes = (
        pgettext("kexie summary", "Needs"),
        pgettext("kexie summary", "Agreements"),
        _("Lecture hall"),
        pgettext("kexie summary", "Booklets"),
        _("Awards in lieu of subsidies"),
    )
    results = figures["figures"]
    rows: list = [
        (needs, _("Needs reported"), figures["needs"]),
        *[(needs, label, n) for label, n in figures["needs_by_status"]],
        (needs, _("Matches made"), figures["matches"]),
        (agreements, _("Agreements of the year"), figures["agreements"]),
        *[(agreements, label, n) for label, n in figures["agreements_by_status"]],
        (courses, _("Courses held"), figures["courses"]),
        (courses, _("Sessions held"), figures["sessions"]),
        (courses, _("Check-ins"), figures["checkins"]),
        (courses, _("Attendance reported"), figures["attendance"]),
        (courses, _("Farmers trained"), figures["trainees"]),
        (courses, _("With at least one technique"), figures["one_technique"]),
        (courses, _("With at least two techniques"), figures["two_techniques"]),
        (_("Follow-up service"), _("Follow-up visits"), figures["visits"]),
        (booklets, _("Downloads"), figures["downloads"]),
        (prizes, pgettext("kexie summary", "Nominations"), awards["nominations"]),
        (prizes, _("Awards granted"), awards["awards"]),
        (prizes, _("Amount awarded (yuan)"), awards["amount"]),
        (prizes, _("Households helped by the awarded"), awards["households"]),
    ]
    # The results page's charts, as bars: by county for the city, else by status.
    charts = [
        Chart(_("Needs by status"), figures["needs_by_status"]),
        Chart(_("Agreements by status"), figures["agreements_by_status"]),
        Chart(
            _("Courses by month"),
            [(f"{m.month:%Y-%m}", m.courses) for m in results.courses.months],
        ),
    ]
    if county is None:
        charts += [
            Chart(
                _("Needs by county"),
                [(row.county.name, row.total) for row in results.needs.rows],
            ),
            Chart(
                _("Farmers trained by county"),
                [(row.county.name, row.trained) for row in results.trainees.rows],
            ),
        ]
    root = site.root_url if site else ""
    highlights = [
        (h.article.title, h.article.date, root + (h.article.url or ""))
        for h in summary.highlights.select_related("article").order_by("sort_order")
        if h.article.live
    ]
    appendix = []
    for agreement in summary_agreements(year=summary.year, county=county):
        parties = agreement_public_parties(agreement)
        appendix.append(
            [
                agreement.title,
                str(agreement.get_kind_display()),
                str(agreement.get_status_display()),
                agreement.place,
                "、".join(cast(list[str], parties["partners"])),
                str(parties["responsible_expert"]),
                agreement.signed_on.isoformat() if agreement.signed_on else "",
            ]
        )
    return SummaryReport(
        title=summary.title,
        year=summary.year,
        place=county.name if county else _("Whole city"),
        organisation=organisation_name(site=site),
        figures=rows,
        tables=[(t.title, t.headers, t.rows) for t in results.tables()],
        charts=charts,
        paragraphs=[
            (p.heading, p.text) for p in summary.paragraphs.order_by("sort_order")
        ],
        highlights=highlights,
        agreement_headers=[
            pgettext("kexie summary", "Agreement"),
            pgettext("kexie summary", "Kind"),
            pgettext("kexie summary", "State"),
            pgettext("kexie summary", "Place"),
            pgettext("kexie summary", "Partners"),
            _("Responsible expert"),
            _("Signed on"),
        ],
        agreements=appendix,
    )
