"""``/api/v3/kexie/results/``: the public figures and the milestone status per county.

Counts only, the same as the public results page (``figures.programme_figures``
with ``public=True``): never a name, a phone number or a village.
"""

import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ..base.models import County
from ..base.openapi import ERROR_RESPONSES, anonymous
from .figures import PeriodInvalid, period_of, programme_figures
from .selectors import milestone_board

router = Router(tags=["kexie results"], auth=[anonymous])


class TableOut(Schema):
    key: str
    title: str
    headers: list[str]
    rows: list[list[str | int | None]]


class CountyCountsOut(Schema):
    county_code: str
    county_name: str
    counts: dict[str, int]
    total: int


class MonthOut(Schema):
    month: str
    courses: int
    sessions: int
    checkins: int
    reported_attendance: int


class TraineesOut(Schema):
    county_code: str
    county_name: str
    trained: int
    one_technique: int
    two_techniques: int
    target_one: int | None
    target_two: int | None
    income_projects: int


class CountyNumberOut(Schema):
    county_code: str | None = Field(description="None: not attributed to a county")
    county_name: str | None
    number: int


class PeriodOut(Schema):
    kind: str
    year: int
    number: int
    start: datetime.date
    end: datetime.date = Field(description="The day after the period")
    label: str


class FiguresOut(Schema):
    period: PeriodOut
    county_code: str | None
    needs_by_county: list[CountyCountsOut]
    agreements_by_kind: dict[str, dict[str, int]]
    courses_by_month: list[MonthOut]
    trainees_by_county: list[TraineesOut]
    visits_by_county: list[CountyNumberOut]
    downloads_by_county: list[CountyNumberOut]
    submissions_by_county: list[CountyNumberOut]
    tables: list[TableOut]


class FiguresQuery(Schema):
    period: Literal["year", "quarter", "month"] = "year"
    year: int = Field(..., ge=2000, le=2100)
    number: int = Field(0, ge=0, le=12, description="The quarter (1–4) or month (1–12)")
    county: str | None = Field(None, description="GB/T 2260 county code, e.g. 411621")


def _county(code: str | None) -> County | None:
    if not code:
        return None
    county = County.objects.filter(code=code).first()
    if county is None:
        raise Http404
    return county


def _numbers(rows) -> list[dict]:
    return [
        {
            "county_code": row.county.code if row.county else None,
            "county_name": row.county.name if row.county else None,
            "number": row.number,
        }
        for row in rows
    ]


@router.get(
    "/figures/",
    response=FiguresOut,
    url_name="kexie_results_figures",
    summary="The programme's public figures",
    operation_id="kexie_results_figures",
    openapi_extra=ERROR_RESPONSES,
)
def figures(request: HttpRequest, query: FiguresQuery = Query(...)):  # noqa: B008
    """Needs, agreements, courses, trainees, visits, downloads and submissions for a period."""
    try:
        period = period_of(query.period, query.year, query.number)
    except PeriodInvalid as error:
        raise HttpError(
            400, gettext("Invalid period: a quarter is 1 to 4, a month 1 to 12.")
        ) from error
    county = _county(query.county)
    result = programme_figures(period=period, county=county, public=True)
    return {
        "period": {
            "kind": period.kind,
            "year": period.year,
            "number": period.number,
            "start": period.start,
            "end": period.end,
            "label": period.label,
        },
        "county_code": county.code if county else None,
        "needs_by_county": [
            {
                "county_code": row.county.code,
                "county_name": row.county.name,
                "counts": row.counts,
                "total": row.total,
            }
            for row in result.needs.rows
        ],
        "agreements_by_kind": result.agreements.cells,
        "courses_by_month": [
            {
                "month": f"{m.month:%Y-%m}",
                "courses": m.courses,
                "sessions": m.sessions,
                "checkins": m.checkins,
                "reported_attendance": m.reported_attendance,
            }
            for m in result.courses.months
        ],
        "trainees_by_county": [
            {
                "county_code": row.county.code,
                "county_name": row.county.name,
                "trained": row.trained,
                "one_technique": row.one_technique,
                "two_techniques": row.two_techniques,
                "target_one": row.target_one,
                "target_two": row.target_two,
                "income_projects": row.income_projects,
            }
            for row in result.trainees.rows
        ],
        "visits_by_county": _numbers(result.visits.rows),
        "downloads_by_county": _numbers(result.downloads.rows),
        "submissions_by_county": _numbers(result.submissions.rows),
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "headers": [str(h) for h in t.headers],
                "rows": [
                    [c if isinstance(c, int) else str(c) for c in row] for row in t.rows
                ],
            }
            for t in result.tables()
        ],
    }


class EvidenceOut(Schema):
    key: str
    label: str
    on_time: int
    late: int
    required: bool


class StepStatusOut(Schema):
    kind: str
    title: str
    starts_on: datetime.date | None
    due_on: datetime.date
    state: str
    state_label: str
    days_overdue: int
    evidence: list[EvidenceOut]


class CountyMilestonesOut(Schema):
    county_code: str
    county_name: str
    overdue: int
    steps: list[StepStatusOut]


class MilestonesQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)
    county: str | None = Field(None, description="GB/T 2260 county code, e.g. 411621")


@router.get(
    "/milestones/",
    response=list[CountyMilestonesOut],
    url_name="kexie_results_milestones",
    summary="Milestone status per county",
    operation_id="kexie_results_milestones",
    openapi_extra=ERROR_RESPONSES,
)
def milestones(request: HttpRequest, query: MilestonesQuery = Query(...)):  # noqa: B008
    """Each county against each of the year's steps, derived from the data, with overdue ones flagged."""
    board = milestone_board(year=query.year, county=_county(query.county))
    return [
        {
            "county_code": row.county.code,
            "county_name": row.county.name,
            "overdue": row.overdue,
            "steps": [
                {
                    "kind": s.step.kind,
                    "title": s.step.title,
                    "starts_on": s.step.starts_on,
                    "due_on": s.step.due_on,
                    "state": s.state,
                    "state_label": s.state_label,
                    "days_overdue": s.days if s.is_overdue else 0,
                    "evidence": [
                        {
                            "key": e.key,
                            "label": e.label,
                            "on_time": e.on_time,
                            "late": e.late,
                            "required": e.required,
                        }
                        for e in s.evidence
                    ],
                }
                for s in row.steps
            ],
        }
        for row in board.rows
    ]
