"""Reads of the results section: milestone status per county, derived from the data.

A step is never ticked by hand: what a county delivered is counted from the
records the programme keeps (needs reported, think-tank entries, agreements
signed, courses held, trainees, visits, progress reports). Each step kind has
its evidence (:data:`EVIDENCE`); a county has done a step when every required
count reached the step's ``minimum`` by its due date, done it late when only
with records after the due date, and is overdue when the due date has passed
without it. One query per evidence, whatever the number of counties.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..base.models import County
from ..base.selectors import counties_all
from ..courses.models import CoursePage
from ..directories.models import Association, DemonstrationBase, Expert, TechLeader
from ..needs.models import Need
from ..programme.models import (
    Agreement,
    AgreementProgressReport,
    AgreementStatus,
    LiaisonVisit,
)
from .models import Attendance, MilestoneKind, MilestoneStep
from .services import DEFAULT_STEPS

#: Open steps due within this many days are on the reminder list.
REMINDER_DAYS = 14


class MilestoneState(models.TextChoices):
    DONE = "done", gettext_lazy("Done")
    LATE = "late", gettext_lazy("Done late")
    OVERDUE = "overdue", gettext_lazy("Overdue")
    OPEN = "open", gettext_lazy("Under way")
    UPCOMING = "upcoming", pgettext_lazy("milestone", "Not started")


@dataclass(frozen=True)
class Window:
    """The dates a step's records count in: on time ``[start, due]``, late
    ``(due, until]``, never after ``until`` (today, or the end of the year)."""

    start: datetime.date | None  # None: since the beginning (think-tank entries)
    due: datetime.date
    until: datetime.date


#: ``{county_id: (on time, late)}`` for a window.
Counts = dict[int, tuple[int, int]]


def _split(
    queryset: QuerySet,
    county_path: str,
    date_q: Callable[[str, datetime.date], Q],
    window: Window,
    *,
    distinct: str = "",
) -> Counts:
    """Count ``queryset`` per county, on time and late, in one grouped query."""
    on_time = date_q("lte", min(window.due, window.until))
    if window.start is not None:
        on_time &= date_q("gte", window.start)
    late = date_q("gt", window.due) & date_q("lte", window.until)
    target = distinct or "pk"
    rows = (
        queryset.filter(on_time | late)
        .values(county_path)
        .annotate(
            on_time=Count(target, filter=on_time, distinct=bool(distinct)),
            late=Count(target, filter=late, distinct=bool(distinct)),
        )
        .order_by()
    )
    return {row[county_path]: (row["on_time"], row["late"]) for row in rows}


def _date_field(name: str) -> Callable[[str, datetime.date], Q]:
    return lambda op, day: Q(**{f"{name}__{op}": day})


def _datetime_field(name: str) -> Callable[[str, datetime.date], Q]:
    """Compare a datetime field with whole days (a day ends at midnight, Beijing time)."""
    tz = timezone.get_current_timezone()

    def compare(op: str, day: datetime.date) -> Q:
        if op in ("lte", "gt"):  # up to the end of ``day``
            day = day + datetime.timedelta(days=1)
            op = {"lte": "lt", "gt": "gte"}[op]
        moment = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
        return Q(**{f"{name}__{op}": moment})

    return compare


def _add(*parts: Counts) -> Counts:
    total: dict[int, tuple[int, int]] = {}
    for part in parts:
        for county_id, (a, b) in part.items():
            x, y = total.get(county_id, (0, 0))
            total[county_id] = (x + a, y + b)
    return total


def _needs(window: Window) -> Counts:
    return _split(Need.objects.all(), "county_id", _date_field("reported_on"), window)


def _think_tank(window: Window) -> Counts:
    created = _datetime_field("created_at")
    return _add(
        *(
            _split(model.objects.all(), "county_id", created, window)
            for model in (Association, DemonstrationBase, TechLeader)
        ),
        _split(
            Expert.objects.all(),
            "counties",
            created,
            window,
        ),
    )


def _agreements(window: Window) -> Counts:
    return _split(
        Agreement.objects.exclude(status=AgreementStatus.DRAFT),
        "county_id",
        _date_field("signed_on"),
        window,
    )


def _courses(window: Window) -> Counts:
    return _split(
        CoursePage.objects.live().filter(cancelled=False),
        "county_id",
        _datetime_field("start"),
        window,
    )


def _trainees(window: Window) -> Counts:
    return _split(
        Attendance.objects.all(),
        "trainee__county_id",
        _datetime_field("sheet__starts_at"),
        window,
        distinct="trainee",
    )


def _visits(window: Window) -> Counts:
    return _split(
        LiaisonVisit.objects.all(),
        "assignment__county_id",
        _date_field("visited_on"),
        window,
    )


def _reports(window: Window) -> Counts:
    return _split(
        AgreementProgressReport.objects.all(),
        "agreement__county_id",
        _date_field("reported_on"),
        window,
    )


@dataclass(frozen=True)
class EvidenceKind:
    """What is counted for a step, and whether the step needs it to be done."""

    key: str
    label: str
    count: Callable[[Window], Counts]
    required: bool = True


def _evidence() -> dict[str, list[EvidenceKind]]:
    return {
        MilestoneKind.NEEDS: [EvidenceKind("needs", _("needs reported"), _needs)],
        MilestoneKind.THINK_TANK: [
            EvidenceKind("think_tank", _("think-tank entries"), _think_tank)
        ],
        MilestoneKind.AGREEMENTS: [
            EvidenceKind("agreements", _("agreements signed"), _agreements)
        ],
        MilestoneKind.PROJECTS: [
            EvidenceKind("courses", _("courses held"), _courses),
            EvidenceKind("visits", _("liaison visits"), _visits),
            EvidenceKind("trainees", _("farmers trained"), _trainees, required=False),
        ],
        MilestoneKind.SUMMARY: [
            EvidenceKind("reports", _("progress reports filed"), _reports)
        ],
    }


#: The evidence of each step kind (labels translated per request).
EVIDENCE = _evidence


@dataclass(frozen=True)
class Evidence:
    """A count behind a step: records by the due date, and after it."""

    key: str
    label: str
    on_time: int
    late: int
    required: bool

    @property
    def total(self) -> int:
        return self.on_time + self.late


@dataclass(frozen=True)
class StepStatus:
    """One county against one step: its evidence and where it stands."""

    step: MilestoneStep
    county: County
    evidence: list[Evidence]
    state: str
    days: int  # overdue: days past due; open: days left; else 0

    @property
    def state_label(self) -> str:
        return str(MilestoneState(self.state).label)

    @property
    def is_overdue(self) -> bool:
        return self.state == MilestoneState.OVERDUE

    @property
    def summary(self) -> str:
        """The evidence in a few words: 需求上报 3 · 对接协议 0/1 …"""
        return " · ".join(
            f"{e.label} {e.total}" + (f"/{self.step.minimum}" if e.required else "")
            for e in self.evidence
        )


@dataclass(frozen=True)
class CountyMilestones:
    """A county's row of the milestone table: one :class:`StepStatus` per step."""

    county: County
    steps: list[StepStatus]

    @property
    def overdue(self) -> int:
        return sum(s.is_overdue for s in self.steps)


@dataclass(frozen=True)
class MilestoneBoard:
    """The year's steps and every county's status against them."""

    year: int
    today: datetime.date
    steps: list[MilestoneStep]
    rows: list[CountyMilestones]

    def reminders(self) -> list[StepStatus]:
        """What staff should chase: overdue steps (longest overdue first), then
        open steps due within :data:`REMINDER_DAYS` days (soonest first)."""
        overdue = [s for r in self.rows for s in r.steps if s.is_overdue]
        soon = [
            s
            for r in self.rows
            for s in r.steps
            if s.state == MilestoneState.OPEN and s.days <= REMINDER_DAYS
        ]
        return sorted(
            overdue, key=lambda s: (-s.days, s.step.due_on, s.county.sort_order)
        ) + sorted(soon, key=lambda s: (s.days, s.county.sort_order))


def _state(
    step: MilestoneStep, evidence: list[Evidence], today: datetime.date
) -> tuple[str, int]:
    required = [e for e in evidence if e.required]
    if all(e.on_time >= step.minimum for e in required):
        return MilestoneState.DONE, 0
    if today > step.due_on:
        if all(e.total >= step.minimum for e in required):
            return MilestoneState.LATE, 0
        return MilestoneState.OVERDUE, (today - step.due_on).days
    if step.starts_on and today < step.starts_on:
        return MilestoneState.UPCOMING, 0
    return MilestoneState.OPEN, (step.due_on - today).days


def milestone_steps_for(*, year: int) -> list[MilestoneStep]:
    """The year's steps; the default ones (unsaved) while staff have set none."""
    steps = list(MilestoneStep.objects.filter(year=year).order_by("due_on", "id"))
    if steps:
        return steps
    return [
        MilestoneStep(
            year=year,
            kind=kind,
            title=str(MilestoneKind(kind).label),
            starts_on=datetime.date(year, *start) if start else None,
            due_on=datetime.date(year, *due),
        )
        for kind, start, due in DEFAULT_STEPS
    ]


def milestone_board(
    *, year: int, today: datetime.date | None = None, county: County | None = None
) -> MilestoneBoard:
    """Every county's (or one county's) status against the year's steps.

    The year's default steps stand in until staff save the year's own. Records count up to
    ``today`` (default: today in Beijing) and to the end of the year.
    """
    today = today or timezone.localdate()
    steps = milestone_steps_for(year=year)
    evidence_kinds = EVIDENCE()
    until = min(datetime.date(year, 12, 31), today)
    counted: dict[int, list[tuple[EvidenceKind, Counts]]] = {}
    for step in steps:
        start = step.starts_on
        if start is None and step.kind != MilestoneKind.THINK_TANK:
            start = datetime.date(year, 1, 1)
        window = Window(start, step.due_on, until)
        counted[id(step)] = [
            (kind, kind.count(window)) for kind in evidence_kinds.get(step.kind, [])
        ]
    counties = [county] if county is not None else counties_all()
    rows = []
    for c in counties:
        statuses = []
        for step in steps:
            evidence = [
                Evidence(kind.key, kind.label, *counts.get(c.pk, (0, 0)), kind.required)
                for kind, counts in counted[id(step)]
            ]
            state, days = _state(step, evidence, today)
            statuses.append(StepStatus(step, c, evidence, state, days))
        rows.append(CountyMilestones(c, statuses))
    return MilestoneBoard(year, today, steps, rows)


@dataclass(frozen=True)
class SessionRow:
    """A session of a course on the check-in list (``session_id`` 0: the first one)."""

    course: CoursePage
    session_id: int
    start: datetime.datetime
    cancelled: bool


def checkin_sessions(
    *, courses: QuerySet, first: datetime.date, last: datetime.date
) -> list[SessionRow]:
    """The sessions of ``courses`` held from ``first`` to ``last`` (Beijing dates), in order."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
    )
    rows = []
    for course in (
        courses.filter(start__lt=end, last_end__gte=start)
        .select_related("county")
        .prefetch_related("sessions")
    ):
        if start <= course.start < end:
            rows.append(SessionRow(course, 0, course.start, course.cancelled))
        for session in course.sessions.all():
            if start <= session.start < end:
                rows.append(
                    SessionRow(
                        course,
                        session.pk,
                        session.start,
                        course.cancelled or session.cancelled,
                    )
                )
    return sorted(rows, key=lambda r: (r.start, r.course.pk))
