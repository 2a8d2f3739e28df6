"""Milestones derived from the data: done, done late, overdue, under way, not started."""

import datetime

import pytest

from kexie_pages.models import County, IndustryCategory, MilestoneStep, Need
from kexie_pages.programme.models import Agreement
from kexie_pages.results.selectors import milestone_board
from kexie_pages.results.services import milestone_steps_ensure

pytestmark = pytest.mark.django_db
YEAR = 2026


def _need(county: County, day: datetime.date) -> None:
    Need.objects.create(
        title="小麦赤霉病防治",
        county=county,
        township="练寺镇",
        village="王庄村",
        category=IndustryCategory.objects.get(slug="zhongzhi"),
        description="需要专家指导",
        reported_on=day,
    )


def _state(board, code: str, kind: str):
    row = next(r for r in board.rows if r.county.code == code)
    return next(s for s in row.steps if s.step.kind == kind)


def test_needs_step_done_late_and_overdue(db):
    fugou, xihua, shangshui = (
        County.objects.get(code=c) for c in ("411621", "411622", "411623")
    )
    _need(fugou, datetime.date(YEAR, 7, 10))  # on time
    _need(xihua, datetime.date(YEAR, 8, 5))  # after 31 July
    _need(shangshui, datetime.date(YEAR - 1, 7, 10))  # last year's: does not count
    board = milestone_board(year=YEAR, today=datetime.date(YEAR, 8, 20))
    assert _state(board, "411621", "needs").state == "done"
    assert _state(board, "411622", "needs").state == "late"
    overdue = _state(board, "411623", "needs")
    assert overdue.state == "overdue" and overdue.days == 20
    assert overdue.evidence[0].on_time == 0
    # The agreements step (September) has not begun on 20 August.
    assert _state(board, "411621", "agreements").state == "upcoming"
    reminders = board.reminders()
    assert reminders[0].is_overdue
    assert ("411623", "needs") in {(r.county.code, r.step.kind) for r in reminders}
    assert ("411621", "needs") not in {(r.county.code, r.step.kind) for r in reminders}


def test_an_open_step_due_soon_is_a_reminder(db):
    fugou = County.objects.get(code="411621")
    Agreement.objects.create(
        title="小麦协议",
        county=fugou,
        kind="cooperation",
        status="signed",
        signed_on=datetime.date(YEAR, 9, 3),
        partner_name="河南农业大学",
    )
    Agreement.objects.create(  # a draft is not delivered
        title="草拟协议",
        county=County.objects.get(code="411622"),
        kind="cooperation",
        partner_name="河南农业大学",
    )
    board = milestone_board(year=YEAR, today=datetime.date(YEAR, 9, 20))
    assert _state(board, "411621", "agreements").state == "done"
    open_step = _state(board, "411622", "agreements")
    assert open_step.state == "open" and open_step.days == 10
    assert open_step in board.reminders()


def test_staff_set_the_steps_and_the_minimum(db):
    fugou = County.objects.get(code="411621")
    milestone_steps_ensure(year=YEAR)
    MilestoneStep.objects.filter(year=YEAR, kind="needs").update(
        due_on=datetime.date(YEAR, 6, 30), minimum=2
    )
    _need(fugou, datetime.date(YEAR, 6, 1))
    board = milestone_board(year=YEAR, today=datetime.date(YEAR, 7, 2), county=fugou)
    assert [r.county for r in board.rows] == [fugou]
    step = _state(board, "411621", "needs")
    assert step.state == "overdue" and step.days == 2  # one need of two
    _need(fugou, datetime.date(YEAR, 6, 2))
    board = milestone_board(year=YEAR, today=datetime.date(YEAR, 7, 2), county=fugou)
    assert _state(board, "411621", "needs").state == "done"


def test_without_saved_steps_the_defaults_apply_and_nothing_is_written(db):
    board = milestone_board(year=YEAR, today=datetime.date(YEAR + 1, 1, 5))
    assert [s.kind for s in board.steps] == [
        "needs",
        "think_tank",
        "agreements",
        "projects",
        "summary",
    ]
    assert not MilestoneStep.objects.exists()
    # Nothing reported anywhere: after the year every county is overdue on every step.
    assert all(s.is_overdue for r in board.rows for s in r.steps)
