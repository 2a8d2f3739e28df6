"""Writes of the lecture hall: sign-ups and withdrawals, safe under concurrency."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models.courses import (
    CoursePage,
    CourseRegistration,
    CourseSeatLock,
    RegistrationStatus,
)


class RegistrationRefused(ValidationError):
    """A sign-up the course cannot take; the message is for the farmer."""


def _recount(course_id: int) -> tuple[int, int]:
    rows = CourseRegistration.objects.filter(course_id=course_id)
    return (
        rows.filter(status=RegistrationStatus.CONFIRMED).count(),
        rows.filter(status=RegistrationStatus.WAITLISTED).count(),
    )


def _lock_course(course_id: int) -> None:
    """Queue behind any other sign-up for this course until our commit.

    The row must exist before the transaction: creating it inside would let
    two first-comers both miss it. The UPDATE is the transaction's first
    statement, so SQLite takes its write lock here (waiting out the busy
    timeout, never failing on a lock upgrade) and PostgreSQL a row lock.
    """
    CourseSeatLock.objects.filter(course_id=course_id).update(confirmed=F("confirmed"))


def course_register(
    *,
    course: CoursePage,
    name: str,
    phone: str,
    village: str,
    now: datetime.datetime | None = None,
) -> CourseRegistration:
    """Sign a farmer up: a seat if one is left, else a place on the waiting list.

    Raises :class:`RegistrationRefused` with a message for the farmer when
    the course takes no sign-ups (any more) or the phone number is already on
    its list. ``phone`` must be normalised (``course_forms.normalise_mobile``).
    """
    now = now or timezone.now()
    if course.cancelled:
        raise RegistrationRefused(
            _("This course has been cancelled; sign-ups are closed."), code="cancelled"
        )
    if not course.registration_required:
        raise RegistrationRefused(
            _("This course needs no sign-up: just come along."), code="not_needed"
        )
    if now >= course.start:
        raise RegistrationRefused(
            _("This course has already begun; sign-ups are closed."), code="started"
        )
    CourseSeatLock.objects.get_or_create(course_id=course.pk)
    duplicate = RegistrationRefused(
        _("This mobile number has already signed up for this course."),
        code="duplicate",
    )
    try:
        with transaction.atomic():
            _lock_course(course.pk)
            if CourseRegistration.objects.filter(
                course_id=course.pk, phone=phone
            ).exists():
                raise duplicate
            confirmed, waitlisted = _recount(course.pk)
            full = course.capacity is not None and confirmed >= course.capacity
            registration = CourseRegistration.objects.create(
                course_id=course.pk,
                name=name,
                phone=phone,
                village=village,
                status=RegistrationStatus.WAITLISTED
                if full
                else RegistrationStatus.CONFIRMED,
            )
            CourseSeatLock.objects.filter(course_id=course.pk).update(
                confirmed=confirmed + (0 if full else 1),
                waitlisted=waitlisted + (1 if full else 0),
            )
    except IntegrityError as error:
        # The unique constraint is the last line of defence for duplicates.
        raise duplicate from error
    return registration


def course_registration_withdraw(*, registration: CourseRegistration) -> None:
    """Withdraw a sign-up and give its seat to the first on the waiting list."""
    course_id = registration.course_id
    CourseSeatLock.objects.get_or_create(course_id=course_id)
    with transaction.atomic():
        _lock_course(course_id)
        registration.refresh_from_db()
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.WITHDRAWN
        registration.save(update_fields=["status"])
        if was_confirmed:
            capacity = CoursePage.objects.get(pk=course_id).capacity
            confirmed, _waiting = _recount(course_id)
            if capacity is None or confirmed < capacity:
                first = (
                    CourseRegistration.objects.filter(
                        course_id=course_id, status=RegistrationStatus.WAITLISTED
                    )
                    .order_by("created_at", "id")
                    .first()
                )
                if first is not None:
                    first.status = RegistrationStatus.CONFIRMED
                    first.save(update_fields=["status"])
        confirmed, waitlisted = _recount(course_id)
        CourseSeatLock.objects.filter(course_id=course_id).update(
            confirmed=confirmed, waitlisted=waitlisted
        )
