"""Check-in: by staff and by the farmer's code; a farmer is one trainee across courses."""

import datetime

import pytest
from django.utils import timezone

from kexie_pages.models import Attendance, RegistrationStatus, Trainee
from kexie_pages.results.services import (
    CheckInRefused,
    attendance_record,
    checkin_by_code,
    checkin_sheet_ensure,
    milestone_steps_ensure,
)

pytestmark = pytest.mark.django_db


def test_a_sessions_code_is_six_digits_and_stable(add_course):
    course = add_course("c1", sessions=2)
    first = checkin_sheet_ensure(course=course)
    assert first.code.isdigit() and len(first.code) == 6
    assert checkin_sheet_ensure(course=course).pk == first.pk
    session = course.sessions.first()
    other = checkin_sheet_ensure(course=course, session_id=session.pk)
    assert other.pk != first.pk and other.code != first.code
    assert other.starts_at == session.start


def test_checking_in_by_code_twice_records_one_attendance(add_course, sign_up):
    course = add_course("c1")
    sign_up(course, "13800001111")
    sheet = checkin_sheet_ensure(course=course)
    attendance, new = checkin_by_code(code=sheet.code, phone="13800001111")
    assert new and attendance.method == "code"
    again, new_again = checkin_by_code(code=sheet.code, phone="13800001111")
    assert not new_again and again.pk == attendance.pk
    assert Attendance.objects.count() == 1
    assert Trainee.objects.get().phone == "13800001111"


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown", "unknown_code"),
        ("tomorrow", "wrong_day"),
        ("not signed up", "not_signed_up"),
        ("withdrawn", "withdrawn"),
    ],
)
def test_check_in_by_code_is_refused_with_a_reason(add_course, sign_up, case, code):
    course = add_course("c1")
    registration = sign_up(course, "13800001111")
    sheet = checkin_sheet_ensure(course=course)
    phone, given, today = "13800001111", sheet.code, timezone.localdate()
    if case == "unknown":
        given = "000000" if sheet.code != "000000" else "000001"
    elif case == "tomorrow":
        today += datetime.timedelta(days=1)
    elif case == "not signed up":
        phone = "13900002222"
    else:
        registration.status = RegistrationStatus.WITHDRAWN
        registration.save()
    with pytest.raises(CheckInRefused) as refused:
        checkin_by_code(code=given, phone=phone, today=today)
    assert refused.value.code == code
    assert Attendance.objects.count() == 0


def test_a_farmer_is_one_trainee_across_courses(add_course, sign_up, techniques):
    first = add_course("c1", teaches=techniques[:1])
    second = add_course("c2", days=-7, teaches=techniques[1:])
    for course in (first, second):
        registration = sign_up(course, "13800001111")
        attendance_record(
            sheet=checkin_sheet_ensure(course=course),
            registration=registration,
            method="staff",
        )
    trainee = Trainee.objects.get()
    assert trainee.attendances.count() == 2
    assert trainee.county.code == "411621"


def test_a_sign_up_of_another_course_is_refused(add_course, sign_up):
    first, second = add_course("c1"), add_course("c2")
    registration = sign_up(first, "13800001111")
    with pytest.raises(CheckInRefused):
        attendance_record(
            sheet=checkin_sheet_ensure(course=second),
            registration=registration,
            method="staff",
        )


def test_default_milestones_follow_the_programme(db):
    steps = milestone_steps_ensure(year=2026)
    assert [(s.kind, s.due_on) for s in steps] == [
        ("needs", datetime.date(2026, 7, 31)),
        ("think_tank", datetime.date(2026, 8, 31)),
        ("agreements", datetime.date(2026, 9, 30)),
        ("projects", datetime.date(2026, 12, 31)),
        ("summary", datetime.date(2026, 12, 31)),
    ]
    assert len(milestone_steps_ensure(year=2026)) == 5  # not twice
