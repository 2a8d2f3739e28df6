"""The demo lecture hall, tested once on its own."""

import pytest
from django.utils import timezone

from kexie_pages.models import County, CoursePage


@pytest.mark.django_db
def test_demo_courses_cover_a_year_of_every_county(home, settings):
    from kexie_pages.demo import courses as demo_courses

    assert "120" in demo_courses.load(home, settings.KEXIE_FIXTURES_DIR)
    courses = CoursePage.objects.live()
    assert set(courses.values_list("county__code", flat=True)) == set(
        County.objects.values_list("code", flat=True)
    )
    now = timezone.now()
    assert courses.filter(last_end__lt=now, attendance_total__isnull=False).exists()
    assert courses.filter(photos__isnull=False).exists()
    assert courses.filter(start__gt=now, registration_required=True).exists()
    assert courses.filter(sessions__isnull=False).exists()
    assert courses.filter(cancelled=True).exists()
