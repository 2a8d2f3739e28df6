"""Course services: withdrawing a sign-up promotes the waiting list."""

import pytest

from kexie_pages.courses.services import course_registration_withdraw
from kexie_pages.models import RegistrationStatus

from .helpers import PHONE


@pytest.mark.django_db
def test_withdrawal_promotes_the_waiting_list(hall, add_course):
    from kexie_pages.courses.services import course_register

    course = add_course(hall, "c1", registration_required=True, capacity=1)
    first = course_register(course=course, name="甲", phone=PHONE, village="王庄村")
    second = course_register(
        course=course, name="乙", phone="13912345678", village="王庄村"
    )
    assert second.status == RegistrationStatus.WAITLISTED
    course_registration_withdraw(registration=first)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED
