"""The programme's figures for a period and optionally a county: ONE place computes them.

The leaders' dashboard, the public results page, the API, the XLSX exports and
the year-end summary all read :func:`programme_figures`. Every figure is one
aggregate query (grouped by county, status, month …), so the number of queries
is constant however many needs, courses or visits there are (about a dozen;
``tests/results/test_figures.py`` and ``bench/bench_results.py`` hold it to that).

Usage::

    from kexie_pages.results.figures import period_of, programme_figures

    figures = programme_figures(period=period_of("year", 2026), county=None)
    figures.trainees.rows[0].two_techniques
    for table in figures.tables():          # the same figures as plain tables
        table.title, table.headers, table.rows

Everything here is a count: no name, phone number or village, so the same
figures serve the public page. ``public=True`` counts only what the public
site shows (published needs, agreements past the draft stage).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..base.models import County
from ..base.selectors import counties_all
from ..booklets.models import BookletDownloadCount
from ..courses.models import CoursePage, CourseSession
from ..exceptions import KexiePagesError
from ..needs.models import Need, NeedStatus
from ..programme.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    LiaisonVisit,
)
from .models import Attendance, IncomeProject, TrainingTarget

PeriodKind = Literal["year", "quarter", "month"]


# --- the period ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A year, a quarter or a month: ``[start, end)`` in dates, Beijing time."""

    kind: PeriodKind
    year: int
    number: int  # the quarter (1–4) or month (1–12); 0 for a year
    start: datetime.date
    end: datetime.date  # exclusive

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return _("%(year)d, quarter %(n)d") % {"year": self.year, "n": self.number}
        if self.kind == "month":
            return _("%(year)d-%(month)02d") % {"year": self.year, "month": self.number}
        return _("%(year)d") % {"year": self.year}

    @property
    def slug(self) -> str:
        """The period in file names and query strings: 2026, 2026-q3, 2026-09."""
        if self.kind == "quarter":
            return f"{self.year}-q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    def datetimes(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period's bounds as aware datetimes in the site's time zone."""
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time(), tzinfo=tz),
            datetime.datetime.combine(self.end, datetime.time(), tzinfo=tz),
        )

    def months(self) -> list[datetime.date]:
        """The first day of each month of the period."""
        months, day = [], self.start
        while day < self.end:
            months.append(day)
            day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months


class PeriodInvalid(KexiePagesError, ValueError):
    """A period that does not exist (month 13, quarter 5)."""


def period_of(kind: str, year: int, number: int = 0) -> Period:
    """The period ``kind`` (``year``, ``quarter``, ``month``) of ``year``.

    Raises :class:`PeriodInvalid` for an unknown kind or number.
    """
    if not 2000 <= year <= 2100:
        raise PeriodInvalid(kind)
    if kind == "year":
        return Period(
            "year", year, 0, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        )
    if kind == "quarter" and 1 <= number <= 4:
        first = 3 * (number - 1) + 1
        end = (
            datetime.date(year + 1, 1, 1)
            if number == 4
            else datetime.date(year, first + 3, 1)
        )
        return Period("quarter", year, number, datetime.date(year, first, 1), end)
    if kind == "month" and 1 <= number <= 12:
        end = datetime.date(year + number // 12, number % 12 + 1, 1)
        return Period("month", year, number, datetime.date(year, number, 1), end)
    raise PeriodInvalid(kind)


# --- the figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A figure as a plain table: what the XLSX export and the accessible tables show."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]


@dataclass(frozen=True)
class CountyCounts:
    """One county's counts by a choice (needs by status, …) and their total."""

    county: County
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class NeedsFigures:
    """Needs reported in the period, by county × status."""

    statuses: list[tuple[str, str]]
    rows: list[CountyCounts]
    totals: dict[str, int]
    total: int

    def table(self) -> Table:
        return Table(
            "needs",
            _("Needs by county and status"),
            [_("County"), *(label for _v, label in self.statuses), _("Total")],
            [
                [
                    row.county.name,
                    *(row.counts[v] for v, _l in self.statuses),
                    row.total,
                ]
                for row in self.rows
            ]
            + [
                [
                    _("All counties"),
                    *(self.totals[v] for v, _l in self.statuses),
                    self.total,
                ]
            ],
        )


@dataclass(frozen=True)
class AgreementFigures:
    """Agreements of the period (signed in it, or drafted in it), by kind × status."""

    kinds: list[tuple[str, str]]
    statuses: list[tuple[str, str]]
    cells: dict[str, dict[str, int]]  # kind → status → count
    total: int

    def kind_total(self, kind: str) -> int:
        return sum(self.cells[kind].values())

    def table(self) -> Table:
        return Table(
            "agreements",
            _("Agreements by kind and status"),
            [
                _("Kind of agreement"),
                *(label for _v, label in self.statuses),
                _("Total"),
            ],
            [
                [
                    label,
                    *(self.cells[k][s] for s, _l in self.statuses),
                    self.kind_total(k),
                ]
                for k, label in self.kinds
            ],
        )


@dataclass(frozen=True)
class MonthCourses:
    """One month: courses starting, sessions held, check-ins and reported attendance."""

    month: datetime.date
    courses: int
    sessions: int
    checkins: int
    reported_attendance: int


@dataclass(frozen=True)
class CourseFigures:
    """Courses and attendance by month."""

    months: list[MonthCourses]

    @property
    def courses(self) -> int:
        return sum(m.courses for m in self.months)

    @property
    def sessions(self) -> int:
        return sum(m.sessions for m in self.months)

    @property
    def checkins(self) -> int:
        return sum(m.checkins for m in self.months)

    @property
    def reported_attendance(self) -> int:
        return sum(m.reported_attendance for m in self.months)

    def table(self) -> Table:
        return Table(
            "courses",
            _("Courses and attendance by month"),
            [
                _("Month"),
                _("Courses"),
                pgettext("kexie results", "Sessions"),
                _("Check-ins"),
                _("Attendance reported"),
            ],
            [
                [
                    f"{m.month:%Y-%m}",
                    m.courses,
                    m.sessions,
                    m.checkins,
                    m.reported_attendance,
                ]
                for m in self.months
            ]
            + [
                [
                    _("Total"),
                    self.courses,
                    self.sessions,
                    self.checkins,
                    self.reported_attendance,
                ]
            ],
        )


@dataclass(frozen=True)
class CountyTrainees:
    """One county's trained farmers against its target for the year."""

    county: County
    trained: int
    one_technique: int
    two_techniques: int
    target_one: int | None
    target_two: int | None
    income_projects: int

    @property
    def percent_of_target(self) -> int | None:
        """Farmers with one technique as a percentage of the target (whole number)."""
        if not self.target_one:
            return None
        return round(100 * self.one_technique / self.target_one)


@dataclass(frozen=True)
class TraineeFigures:
    """Trained farmers per county: with ≥ 1 and ≥ 2 techniques, targets, income projects."""

    rows: list[CountyTrainees]

    def total(self, attribute: str) -> int:
        return sum(getattr(row, attribute) or 0 for row in self.rows)

    @property
    def trained(self) -> int:
        return self.total("trained")

    @property
    def one_technique(self) -> int:
        return self.total("one_technique")

    @property
    def two_techniques(self) -> int:
        return self.total("two_techniques")

    def table(self) -> Table:
        columns = (
            "trained",
            "one_technique",
            "target_one",
            "two_techniques",
            "target_two",
            "income_projects",
        )
        return Table(
            "trainees",
            _("Trained farmers against target"),
            [
                _("County"),
                _("Farmers trained"),
                _("With at least one technique"),
                _("Target (one technique)"),
                _("With at least two techniques"),
                _("Target (two techniques)"),
                _("Income projects joined"),
            ],
            [
                [
                    row.county.name,
                    *(
                        getattr(row, c) if getattr(row, c) is not None else ""
                        for c in columns
                    ),
                ]
                for row in self.rows
            ]
            + [[_("All counties"), *(self.total(c) for c in columns)]],
        )


@dataclass(frozen=True)
class CountyNumber:
    """One number per county (visits, downloads, submissions) and a second one."""

    county: County | None  # None: not attributable to a county
    number: int
    second: int = 0


@dataclass(frozen=True)
class CountyNumberFigures:
    """A number per county, with a table of its own."""

    key: str
    title: str
    headers: list[str]
    rows: list[CountyNumber]
    has_second: bool = False

    @property
    def total(self) -> int:
        return sum(row.number for row in self.rows)

    def table(self) -> Table:
        rows = [
            [
                row.county.name if row.county else _("Not attributed to a county"),
                row.number,
                *([row.second] if self.has_second else []),
            ]
            for row in self.rows
        ]
        totals = [_("All counties"), self.total]
        if self.has_second:
            totals.append(sum(row.second for row in self.rows))
        return Table(self.key, self.title, self.headers, [*rows, totals])


@dataclass(frozen=True)
class Figures:
    """Every figure of the programme for one period (and optionally one county)."""

    period: Period
    county: County | None
    needs: NeedsFigures
    agreements: AgreementFigures
    courses: CourseFigures
    trainees: TraineeFigures
    visits: CountyNumberFigures
    downloads: CountyNumberFigures
    submissions: CountyNumberFigures
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    def tables(self) -> list[Table]:
        """Every figure as a table, in the order the dashboard shows them."""
        return [
            self.needs.table(),
            self.agreements.table(),
            self.courses.table(),
            self.trainees.table(),
            self.visits.table(),
            self.downloads.table(),
            self.submissions.table(),
        ]


def _counties(county: County | None) -> list[County]:
    return [county] if county is not None else counties_all()


def _needs(period: Period, county: County | None, public: bool) -> NeedsFigures:
    needs = Need.objects.filter(
        reported_on__gte=period.start, reported_on__lt=period.end
    )
    if public:
        needs = needs.public()
    if county is not None:
        needs = needs.filter(county=county)
    found: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for county_id, status, n in (
        needs.values_list("county_id", "status").annotate(n=Count("pk")).order_by()
    ):
        found[county_id][status] += n
    statuses = [(value, str(label)) for value, label in NeedStatus.choices]
    rows = [
        CountyCounts(
            c,
            {v: found[c.pk][v] for v, _l in statuses},
            sum(found[c.pk].values()),
        )
        for c in _counties(county)
    ]
    totals = {v: sum(r.counts[v] for r in rows) for v, _l in statuses}
    return NeedsFigures(statuses, rows, totals, sum(totals.values()))


def _agreements(
    period: Period, county: County | None, public: bool
) -> AgreementFigures:
    start, end = period.datetimes()
    agreements = Agreement.objects.filter(
        Q(signed_on__gte=period.start, signed_on__lt=period.end)
        | Q(signed_on__isnull=True, created_at__gte=start, created_at__lt=end)
    )
    statuses = [(v, str(label)) for v, label in AgreementStatus.choices]
    if public:
        agreements = agreements.exclude(status=AgreementStatus.DRAFT)
        statuses = [(v, label) for v, label in statuses if v != AgreementStatus.DRAFT]
    if county is not None:
        agreements = agreements.filter(county=county)
    kinds = [(v, str(label)) for v, label in AgreementKind.choices]
    cells = {k: {s: 0 for s, _l in statuses} for k, _label in kinds}
    for kind, status, n in (
        agreements.values_list("kind", "status").annotate(n=Count("pk")).order_by()
    ):
        if kind in cells and status in cells[kind]:
            cells[kind][status] += n
    return AgreementFigures(
        kinds, statuses, cells, sum(sum(c.values()) for c in cells.values())
    )


def _by_month(queryset, field_name: str, **aggregates) -> dict[datetime.date, dict]:
    """``{first day of month: {name: value}}`` of ``queryset`` grouped by ``field_name``'s month."""
    rows = (
        queryset.annotate(m=TruncMonth(field_name))
        .values("m")
        .annotate(**aggregates)
        .order_by()
    )
    result = {}
    for row in rows:
        month = row.pop("m")
        if isinstance(month, datetime.datetime):
            month = (
                timezone.localtime(month).date()
                if timezone.is_aware(month)
                else month.date()
            )
        result[month.replace(day=1)] = row
    return result


def _courses(period: Period, county: County | None) -> CourseFigures:
    start, end = period.datetimes()
    courses = CoursePage.objects.live().filter(start__gte=start, start__lt=end)
    sessions = CourseSession.objects.filter(
        start__gte=start,
        start__lt=end,
        cancelled=False,
        course__live=True,
        course__cancelled=False,
    )
    checkins = Attendance.objects.filter(
        sheet__starts_at__gte=start, sheet__starts_at__lt=end
    )
    if county is not None:
        courses = courses.filter(county=county)
        sessions = sessions.filter(course__county=county)
        checkins = checkins.filter(sheet__course__county=county)
    course_rows = _by_month(
        courses,
        "start",
        n=Count("pk"),
        held=Count("pk", filter=Q(cancelled=False)),
        reported=Sum("attendance_total"),
    )
    session_rows = _by_month(sessions, "start", n=Count("pk"))
    checkin_rows = _by_month(checkins, "sheet__starts_at", n=Count("pk"))
    months = []
    for month in period.months():
        c = course_rows.get(month, {})
        months.append(
            MonthCourses(
                month,
                courses=c.get("held") or 0,
                # The first session of a course is on the course itself.
                sessions=(c.get("held") or 0) + session_rows.get(month, {}).get("n", 0),
                checkins=checkin_rows.get(month, {}).get("n", 0),
                reported_attendance=c.get("reported") or 0,
            )
        )
    return CourseFigures(months)


def _trainees(period: Period, county: County | None) -> TraineeFigures:
    start, end = period.datetimes()
    attendances = Attendance.objects.filter(
        sheet__starts_at__gte=start, sheet__starts_at__lt=end
    )
    projects = IncomeProject.objects.filter(
        joined_on__gte=period.start, joined_on__lt=period.end
    )
    targets = TrainingTarget.objects.filter(year=period.year)
    if county is not None:
        attendances = attendances.filter(trainee__county=county)
        projects = projects.filter(trainee__county=county)
        targets = targets.filter(county=county)
    # One row per (trainee, technique taught at a course they attended): counted
    # here rather than by a nested aggregate, which SQL cannot group twice.
    techniques: dict[int, set[int]] = defaultdict(set)
    county_of: dict[int, int] = {}
    for trainee_id, county_id, technique_id in attendances.values_list(
        "trainee_id",
        "trainee__county_id",
        "sheet__course__taught_techniques__techniques",
    ).distinct():
        county_of[trainee_id] = county_id
        if technique_id is not None:
            techniques[trainee_id].add(technique_id)
    trained: dict[int, int] = defaultdict(int)
    one: dict[int, int] = defaultdict(int)
    two: dict[int, int] = defaultdict(int)
    for trainee_id, county_id in county_of.items():
        trained[county_id] += 1
        learned = len(techniques[trainee_id])
        one[county_id] += learned >= 1
        two[county_id] += learned >= 2
    joined = dict(
        projects.values_list("trainee__county_id").annotate(n=Count("pk")).order_by()
    )
    target = {t.county_id: t for t in targets}
    rows = [
        CountyTrainees(
            c,
            trained=trained[c.pk],
            one_technique=one[c.pk],
            two_techniques=two[c.pk],
            target_one=target[c.pk].one_technique if c.pk in target else None,
            target_two=target[c.pk].two_techniques if c.pk in target else None,
            income_projects=joined.get(c.pk, 0),
        )
        for c in _counties(county)
    ]
    return TraineeFigures(rows)


def _visits(period: Period, county: County | None) -> CountyNumberFigures:
    visits = LiaisonVisit.objects.filter(
        visited_on__gte=period.start, visited_on__lt=period.end
    )
    if county is not None:
        visits = visits.filter(assignment__county=county)
    found = {
        row["assignment__county_id"]: (row["n"], row["villages"])
        for row in visits.values("assignment__county_id")
        .annotate(n=Count("pk"), villages=Count("assignment", distinct=True))
        .order_by()
    }
    return CountyNumberFigures(
        "visits",
        _("Liaison visits by county"),
        [_("County"), _("Visits"), _("Villages visited")],
        [CountyNumber(c, *found.get(c.pk, (0, 0))) for c in _counties(county)],
        has_second=True,
    )


def _downloads(period: Period, county: County | None) -> CountyNumberFigures:
    """Booklet downloads by county: a download tagged ``?src=<county code>`` (the
    county's posters and QR codes) is that county's; others are not attributed."""
    counts = BookletDownloadCount.objects.filter(
        month__gte=period.start, month__lt=period.end
    )
    by_source = dict(counts.values_list("source").annotate(n=Sum("count")).order_by())
    by_code: dict[str, int] = defaultdict(int)
    for source, n in by_source.items():
        by_code[source.split("-")[0]] += n or 0
    rows = [CountyNumber(c, by_code.get(c.code, 0)) for c in _counties(county)]
    if county is None:
        codes = {c.code for c in counties_all()}
        rest = sum(n for code, n in by_code.items() if code not in codes)
        rows.append(CountyNumber(None, rest))
    return CountyNumberFigures(
        "downloads",
        _("Booklet downloads by county"),
        [_("County"), _("Downloads")],
        rows,
    )


def _submissions(period: Period, county: County | None) -> CountyNumberFigures:
    found: dict[int | None, int] = {}
    if apps.is_installed("kexie_forms"):
        # Through the registry: kexie_pages imports nothing from kexie_forms.
        submission_model = apps.get_model("kexie_forms", "FormSubmission")
        start, end = period.datetimes()
        submissions = submission_model.objects.filter(
            submit_time__gte=start, submit_time__lt=end
        )
        if county is not None:
            submissions = submissions.filter(county=county)
        found = dict(
            submissions.values_list("county_id").annotate(n=Count("pk")).order_by()
        )
    rows = [CountyNumber(c, found.get(c.pk, 0)) for c in _counties(county)]
    if county is None:
        rows.append(CountyNumber(None, found.get(None, 0)))
    return CountyNumberFigures(
        "submissions",
        _("Survey submissions by county"),
        [_("County"), pgettext("kexie results", "Submissions")],
        rows,
    )


def programme_figures(
    *, period: Period, county: County | None = None, public: bool = False
) -> Figures:
    """Every figure of the programme for ``period``, for one county or the whole city.

    ``public`` counts only what the public site shows (published needs,
    agreements past the draft stage); staff see drafts too. A constant number
    of queries (one or two per figure), whatever the amount of data.
    """
    return Figures(
        period=period,
        county=county,
        needs=_needs(period, county, public),
        agreements=_agreements(period, county, public),
        courses=_courses(period, county),
        trainees=_trainees(period, county),
        visits=_visits(period, county),
        downloads=_downloads(period, county),
        submissions=_submissions(period, county),
    )
