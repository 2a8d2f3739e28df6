"""The figures equal counts made independently (plain loops over every object), and
their number of queries does not grow with the records."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie_forms.models import FormSubmission
from kexie_pages.models import (
    Attendance,
    BookletDownloadCount,
    County,
    CoursePage,
    CourseSession,
    IncomeProject,
    Need,
    TrainingTarget,
)
from kexie_pages.programme.models import Agreement, LiaisonVisit
from kexie_pages.results.figures import period_of, programme_figures

pytestmark = pytest.mark.django_db
YEAR = 2025


def _local(moment: datetime.datetime) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


@pytest.mark.parametrize(
    ("kind", "number"), [("year", 0), ("quarter", 1), ("month", 3)]
)
def test_figures_equal_counts_made_by_hand(grow, kind, number):
    grow(2, YEAR)
    period = period_of(kind, YEAR, number)

    def within(day) -> bool:
        return day is not None and period.start <= day < period.end

    figures = programme_figures(period=period)
    for row in figures.needs.rows:
        for status, _label in figures.needs.statuses:
            expected = sum(
                1
                for need in Need.objects.all()
                if need.county_id == row.county.pk
                and need.status == status
                and within(need.reported_on)
            )
            assert row.counts[status] == expected
    for kind_value, _label in figures.agreements.kinds:
        for status, _label2 in figures.agreements.statuses:
            expected = sum(
                1
                for a in Agreement.objects.all()
                if a.kind == kind_value
                and a.status == status
                and (
                    within(a.signed_on) if a.signed_on else within(_local(a.created_at))
                )
            )
            assert figures.agreements.cells[kind_value][status] == expected
    for month in figures.courses.months:

        def same_month(moment, first=month.month) -> bool:
            day = _local(moment)
            return (day.year, day.month) == (first.year, first.month)

        courses = [c for c in CoursePage.objects.live() if same_month(c.start)]
        sessions = [s for s in CourseSession.objects.all() if same_month(s.start)]
        assert month.courses == len(courses)
        assert month.sessions == len(courses) + len(sessions)
        assert month.checkins == sum(
            1 for a in Attendance.objects.all() if same_month(a.sheet.starts_at)
        )
        assert month.reported_attendance == sum(
            c.attendance_total or 0 for c in courses
        )
    for row in figures.trainees.rows:
        learned: dict[int, set] = {}
        for attendance in Attendance.objects.all():
            if attendance.trainee.county_id != row.county.pk or not within(
                _local(attendance.sheet.starts_at)
            ):
                continue
            taught = getattr(attendance.sheet.course, "taught_techniques", None)
            learned.setdefault(attendance.trainee_id, set()).update(
                taught.techniques.all() if taught else []
            )
        assert row.trained == len(learned)
        assert row.one_technique == sum(1 for t in learned.values() if len(t) >= 1)
        assert row.two_techniques == sum(1 for t in learned.values() if len(t) >= 2)
        targets = [
            t
            for t in TrainingTarget.objects.all()
            if t.county_id == row.county.pk and t.year == YEAR
        ]
        assert row.target_one == (targets[0].one_technique if targets else None)
        assert row.target_two == (targets[0].two_techniques if targets else None)
        assert row.income_projects == sum(
            1
            for p in IncomeProject.objects.all()
            if p.trainee.county_id == row.county.pk and within(p.joined_on)
        )
    for row in figures.visits.rows:
        visits = [
            v
            for v in LiaisonVisit.objects.all()
            if v.assignment.county_id == row.county.pk and within(v.visited_on)
        ]
        assert row.number == len(visits)
        assert row.second == len({v.assignment_id for v in visits})
    codes = {c.code for c in County.objects.all()}
    for row in figures.downloads.rows:
        assert row.number == sum(
            d.count
            for d in BookletDownloadCount.objects.all()
            if within(d.month)
            and (d.source == row.county.code if row.county else d.source not in codes)
        )
    for row in figures.submissions.rows:
        assert row.number == sum(
            1
            for s in FormSubmission.objects.all()
            if s.county_id == (row.county.pk if row.county else None)
            and within(_local(s.submit_time))
        )
    assert figures.needs.total > 0 and figures.trainees.trained > 0


def test_public_figures_leave_drafts_out(grow):
    grow(2, YEAR)
    period = period_of("year", YEAR)
    public = programme_figures(period=period, public=True)
    staff = programme_figures(period=period)
    assert "draft" not in dict(public.agreements.statuses)
    assert staff.agreements.cells["research"]["draft"] > 0
    assert public.needs.total == sum(
        1 for n in Need.objects.all() if n.live and n.reported_on.year == YEAR
    )
    assert public.needs.total < staff.needs.total


def test_one_countys_figures(grow):
    grow(2, YEAR)
    county = County.objects.get(code="411622")
    figures = programme_figures(period=period_of("year", YEAR), county=county)
    assert [row.county for row in figures.needs.rows] == [county]
    assert figures.needs.total == sum(
        1 for n in Need.objects.filter(county=county) if n.reported_on.year == YEAR
    )
    assert [row.county for row in figures.downloads.rows] == [county]


def test_the_number_of_queries_does_not_grow_with_the_records(grow):
    period = period_of("year", YEAR)
    grow(1, YEAR)
    programme_figures(period=period)  # warm the taxonomy cache
    with CaptureQueriesContext(connection) as small:
        programme_figures(period=period)
    grow(3, YEAR)
    with CaptureQueriesContext(connection) as large:
        programme_figures(period=period)
    assert len(large) == len(small) <= 12


def test_every_figure_is_a_table_with_a_total_row(grow):
    grow(1, YEAR)
    tables = programme_figures(period=period_of("year", YEAR)).tables()
    assert [t.key for t in tables] == [
        "needs",
        "agreements",
        "courses",
        "trainees",
        "visits",
        "downloads",
        "submissions",
    ]
    for table in tables:
        assert all(len(row) == len(table.headers) for row in table.rows)
