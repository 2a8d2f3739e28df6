"""The results demo loader, tested once on its own (after the sections it builds on)."""

import pytest
from django.utils import timezone

from kexie_pages.demo import courses, programme, results
from kexie_pages.models import (
    Attendance,
    CourseTechniques,
    IncomeProject,
    MilestoneStep,
    ResultsPage,
    Trainee,
    TrainingTarget,
)
from kexie_pages.results.figures import period_of, programme_figures
from kexie_pages.results.selectors import milestone_board


@pytest.mark.django_db
def test_demo_results_cover_attendance_outcomes_targets_and_milestones(home, settings):
    for loader in (courses, programme):
        loader.load(home, settings.KEXIE_FIXTURES_DIR)
    results.load(home, settings.KEXIE_FIXTURES_DIR)
    assert ResultsPage.objects.live().get().show_in_menus
    assert CourseTechniques.objects.filter(techniques__isnull=False).exists()
    assert Attendance.objects.filter(method="code").exists()
    assert Attendance.objects.filter(method="staff").exists()
    assert IncomeProject.objects.exists()
    year = timezone.localdate().year
    assert TrainingTarget.objects.filter(year=year).count() == 10
    assert MilestoneStep.objects.filter(year=year).count() == 5
    # Farmers come back: some have learned two techniques or more.
    figures = programme_figures(period=period_of("year", year))
    assert figures.trainees.two_techniques > 0
    # Last year's steps are all past due: some counties are overdue.
    board = milestone_board(year=year - 1)
    assert any(s.is_overdue for row in board.rows for s in row.steps)
    this_year = milestone_board(year=year)
    assert any(s.state == "done" for row in this_year.rows for s in row.steps)
    # Re-running adds nothing.
    counts = (Trainee.objects.count(), Attendance.objects.count())
    results.load(home, settings.KEXIE_FIXTURES_DIR)
    assert (Trainee.objects.count(), Attendance.objects.count()) == counts
