"""Courses in the site search: found by technique and lecturer."""

import pytest

from kexie_pages.models import CourseLecturer, CoursePage


@pytest.mark.django_db
def test_site_search_finds_courses_by_technique_and_lecturer(hall, client, add_course):
    course = add_course(
        hall, "c1", title="小麦病害防治培训", techniques="赤霉病绿色防控"
    )
    course.lecturers = [CourseLecturer(name="李建国")]
    course.save()
    assert list(CoursePage.objects.search("赤霉病")) == [course]
    assert course.title in client.get("/search/?q=赤霉病").content.decode()
