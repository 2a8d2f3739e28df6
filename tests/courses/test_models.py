"""The course as a model: its status from dates and the cancelled flag, its
sessions in drafts, lecturers from the think tank."""

import pytest
from django.test import Client

from kexie_pages.models import CoursePage, CourseSession, CourseStatus


@pytest.mark.django_db
def test_status_is_derived_from_dates_and_cancelled_flag(hall, at, add_course):
    course = add_course(hall, "c1", days=1)
    course.sessions = [CourseSession(start=at(8), end=at(8, 11))]
    course.save()
    assert course.last_end == at(8, 11)
    assert course.get_status(at(0)) == CourseStatus.UPCOMING
    assert course.get_status(at(1, 10)) == CourseStatus.IN_PROGRESS
    assert course.get_status(at(5)) == CourseStatus.IN_PROGRESS  # between sessions
    assert course.get_status(at(9)) == CourseStatus.HELD
    course.cancelled = True
    assert course.get_status(at(0)) == CourseStatus.CANCELLED


@pytest.mark.django_db
def test_a_draft_with_more_sessions_leaves_the_live_course_alone(hall, at, add_course):
    course = add_course(hall, "c1", days=3)
    live_end = course.last_end
    course.sessions = [CourseSession(start=at(30), end=at(30, 11))]
    course.save_revision()  # a draft: not published
    course = CoursePage.objects.get(pk=course.pk)
    assert course.last_end == live_end
    assert course.sessions.count() == 0
    course.get_latest_revision().publish()
    assert CoursePage.objects.get(pk=course.pk).last_end == at(30, 11)


@pytest.mark.django_db
def test_a_lecturer_can_be_an_expert_from_the_think_tank(hall, add_course):
    from django.core.exceptions import ValidationError

    from kexie_pages.models import CourseLecturer, Expert

    expert = Expert.objects.create(
        name="王建国", employer="周口市农业科学院", title="研究员", phone="13812345678"
    )
    lecturer = CourseLecturer(expert=expert)
    lecturer.clean()
    assert lecturer.name == "王建国"
    assert lecturer.affiliation == "研究员 周口市农业科学院"

    course = add_course(hall, "expert-led")
    lecturer.course = course
    lecturer.save()
    page = Client().get(course.url).content.decode()
    assert "王建国（研究员 周口市农业科学院）" in page
    assert "13812345678" not in page

    with pytest.raises(ValidationError):
        CourseLecturer(course=course).clean()
