"""Writes of the results section: check-in, trainees, default milestones, the leader role."""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..courses.models import CoursePage, CourseRegistration, RegistrationStatus
from ..exceptions import KexiePagesError
from .models import (
    Attendance,
    CheckInMethod,
    CheckInSheet,
    MilestoneKind,
    MilestoneStep,
    Trainee,
)

#: Digits only: a farmer types the code on a phone keypad. Six digits give a
#: million codes, of which a city holds a few thousand sessions a year.
CODE_LENGTH = 6

#: The default steps of a year (DESIGN §1): kind, start (month, day) or None, due (month, day).
DEFAULT_STEPS: list[tuple[str, tuple[int, int] | None, tuple[int, int]]] = [
    (MilestoneKind.NEEDS, None, (7, 31)),
    (MilestoneKind.THINK_TANK, None, (8, 31)),
    (MilestoneKind.AGREEMENTS, (9, 1), (9, 30)),
    (MilestoneKind.PROJECTS, (9, 1), (12, 31)),
    (MilestoneKind.SUMMARY, (12, 1), (12, 31)),
]

LEADER_GROUP = "领导（只读）"


class CheckInRefused(KexiePagesError, ValueError):
    """A check-in that cannot be taken; the message is for the farmer or staff."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def checkin_sheet_ensure(
    *, course: CoursePage, session_id: int | None = None
) -> CheckInSheet:
    """The check-in sheet (and code) of a course's session, made on first use.

    ``session_id`` is ``None`` for the first session (on the course itself).
    """
    existing = CheckInSheet.objects.filter(course=course, session_id=session_id).first()
    if existing is not None:
        return existing
    if session_id is None:
        starts_at = course.start
    else:
        session = course.sessions.get(pk=session_id)
        starts_at = session.start
    for _attempt in range(20):
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return CheckInSheet.objects.create(
                    course=course, session_id=session_id, code=code, starts_at=starts_at
                )
        except IntegrityError:
            # A taken code, or a concurrent first use of the same session.
            found = CheckInSheet.objects.filter(
                course=course, session_id=session_id
            ).first()
            if found is not None:
                return found
    raise CheckInRefused(_("No free check-in code; try again."), code="no_code")


def trainee_for_registration(*, registration: CourseRegistration) -> Trainee:
    """The trainee a sign-up belongs to (by mobile number), created on first check-in."""
    trainee, _created = Trainee.objects.get_or_create(
        phone=registration.phone,
        defaults={
            "name": registration.name,
            "village": registration.village,
            "county_id": registration.course.county_id,
        },
    )
    return trainee


def attendance_record(
    *,
    sheet: CheckInSheet,
    registration: CourseRegistration,
    method: str,
    user=None,
) -> tuple[Attendance, bool]:
    """Check a signed-up farmer in to a session; a second check-in changes nothing.

    Returns the attendance and whether it is new.
    """
    if registration.course_id != sheet.course_id:
        raise CheckInRefused(
            _("This sign-up is for another course."), code="other_course"
        )
    if registration.status == RegistrationStatus.WITHDRAWN:
        raise CheckInRefused(
            _("This sign-up was withdrawn; ask the staff to sign you up again."),
            code="withdrawn",
        )
    existing = Attendance.objects.filter(sheet=sheet, registration=registration).first()
    if existing is not None:
        return existing, False
    trainee = trainee_for_registration(registration=registration)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                sheet=sheet,
                registration=registration,
                trainee=trainee,
                method=method,
                checked_in_by=user if method == CheckInMethod.STAFF else None,
            )
    except IntegrityError:
        # The same farmer tapped twice at once: the first one stands.
        return Attendance.objects.get(sheet=sheet, registration=registration), False
    return attendance, True


def attendance_cancel(*, sheet: CheckInSheet, registration_id: int) -> bool:
    """Undo a staff check-in made by mistake; whether there was one."""
    deleted, _rows = Attendance.objects.filter(
        sheet=sheet, registration_id=registration_id
    ).delete()
    return bool(deleted)


def checkin_by_code(
    *, code: str, phone: str, today: datetime.date | None = None
) -> tuple[Attendance, bool]:
    """A farmer checks in with the session's code and their mobile number.

    Raises :class:`CheckInRefused` with a message for the farmer when the code
    is unknown or not for today, or the number did not sign up for the course.
    """
    today = today or timezone.localdate()
    sheet = CheckInSheet.objects.select_related("course").filter(code=code).first()
    if sheet is None:
        raise CheckInRefused(
            _(
                "There is no course session with this check-in code. Check the code shown at the course."
            ),
            code="unknown_code",
        )
    if not sheet.accepts_codes_on(today):
        raise CheckInRefused(
            _("This check-in code is only valid on the day of the session."),
            code="wrong_day",
        )
    if sheet.course.cancelled:
        raise CheckInRefused(_("This course has been cancelled."), code="cancelled")
    registration = (
        CourseRegistration.objects.select_related("course")
        .filter(course_id=sheet.course_id, phone=phone)
        .first()
    )
    if registration is None:
        raise CheckInRefused(
            _(
                "This mobile number has not signed up for this course. Please ask the staff at the course to check you in."
            ),
            code="not_signed_up",
        )
    return attendance_record(
        sheet=sheet, registration=registration, method=CheckInMethod.CODE
    )


def milestone_steps_ensure(*, year: int) -> list[MilestoneStep]:
    """The year's steps, with the default ones created if the year has none yet."""
    steps = list(MilestoneStep.objects.filter(year=year).order_by("due_on", "id"))
    if steps:
        return steps
    created = []
    for kind, start, due in DEFAULT_STEPS:
        step, _new = MilestoneStep.objects.get_or_create(
            year=year,
            kind=kind,
            defaults={
                "title": str(MilestoneKind(kind).label),
                "starts_on": datetime.date(year, *start) if start else None,
                "due_on": datetime.date(year, *due),
            },
        )
        created.append(step)
    return sorted(created, key=lambda s: (s.due_on, s.pk))


def leader_group_ensure() -> int:
    """The read-only leaders' group: every view permission of the plugin, and the dashboard.

    Re-runnable (after each migrate, new models' view permissions join); never
    gives an add, change or delete permission. Returns the group's number of
    permissions.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _created = Group.objects.get_or_create(name=LEADER_GROUP)
    permissions = Permission.objects.filter(
        Q(
            content_type__app_label__in=["kexie_pages", "kexie_forms"],
            codename__startswith="view_",
        )
        | Q(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    group.permissions.set(permissions)
    return permissions.count()
