"""Writes of the lecture hall: sign-ups and withdrawals, safe under concurrency."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..base import cache as page_cache
from ..exceptions import KexiePagesError
from .models import CoursePage, CourseRegistration, CourseSeatLock, RegistrationStatus


class RegistrationRefused(KexiePagesError, ValidationError):
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
    its list. ``phone`` must be normalised (``validators.phone_normalise``).
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


def course_seats_rebalance(*, course_id: int) -> int:
    """Give free seats to the waiting list, first come first served.

    Call after anything that may free a seat: a withdrawal, a staff edit or
    deletion of a sign-up, a larger capacity. Returns how many were promoted.
    """
    CourseSeatLock.objects.get_or_create(course_id=course_id)
    promoted = 0
    with transaction.atomic():
        _lock_course(course_id)
        capacity = (
            CoursePage.objects.filter(pk=course_id)
            .values_list("capacity", flat=True)
            .first()
        )
        confirmed, waitlisted = _recount(course_id)
        free = waitlisted if capacity is None else max(capacity - confirmed, 0)
        if free:
            waiting = CourseRegistration.objects.filter(
                course_id=course_id, status=RegistrationStatus.WAITLISTED
            ).order_by("created_at", "id")[:free]
            promoted = CourseRegistration.objects.filter(
                pk__in=[registration.pk for registration in waiting]
            ).update(status=RegistrationStatus.CONFIRMED)
        CourseSeatLock.objects.filter(course_id=course_id).update(
            confirmed=confirmed + promoted, waitlisted=waitlisted - promoted
        )
        # The seats left show on the course page (update() sends no signal).
        page_cache.purge(page_cache.page_urls(CoursePage.objects.filter(pk=course_id)))
    return promoted


def course_registration_withdraw(*, registration: CourseRegistration) -> None:
    """Withdraw a sign-up and give its seat to the first on the waiting list."""
    CourseRegistration.objects.filter(pk=registration.pk).update(
        status=RegistrationStatus.WITHDRAWN
    )
    registration.status = RegistrationStatus.WITHDRAWN
    course_seats_rebalance(course_id=registration.course_id)
