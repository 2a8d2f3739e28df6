"""The stale-village flag: no visit in ``KEXIE_LIAISON_STALE_DAYS`` days."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from kexie_pages.models import LiaisonVisit
from kexie_pages.programme.selectors import (
    liaison_assignment_is_stale,
    liaison_assignments_annotated,
    liaison_assignments_stale,
    liaison_stale_days,
)

pytestmark = pytest.mark.django_db


def _visit(assignment, days_ago: int) -> LiaisonVisit:
    return LiaisonVisit.objects.create(
        assignment=assignment,
        visited_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        work_done="指导",
    )


def test_villages_without_a_recent_visit_are_flagged(make_assignment):
    recent = make_assignment(village="近期村")
    _visit(recent, 45)
    _visit(recent, 3)
    old = make_assignment(village="久未走访村")
    _visit(old, 31)
    never = make_assignment(village="从未走访村")
    edge = make_assignment(village="刚好三十天村")
    _visit(edge, 30)
    inactive = make_assignment(village="已停止村", is_active=False)

    assert liaison_stale_days() == 30
    stale = set(liaison_assignments_stale().values_list("village", flat=True))
    assert stale == {"久未走访村", "从未走访村"}
    last = dict(liaison_assignments_annotated().values_list("village", "last_visit_on"))
    assert last["近期村"] == timezone.localdate() - datetime.timedelta(days=3)
    assert last["从未走访村"] is None
    assert inactive.village not in stale
    assert never.village in stale

    with override_settings(KEXIE_LIAISON_STALE_DAYS=60):
        assert liaison_stale_days() == 60
        assert set(liaison_assignments_stale().values_list("village", flat=True)) == {
            "从未走访村"
        }


def test_is_stale_for_one_date():
    today = datetime.date(2026, 12, 1)
    assert liaison_assignment_is_stale(last_visit_on=None, today=today)
    assert liaison_assignment_is_stale(
        last_visit_on=datetime.date(2026, 10, 31), today=today
    )
    assert not liaison_assignment_is_stale(
        last_visit_on=datetime.date(2026, 11, 1), today=today
    )
