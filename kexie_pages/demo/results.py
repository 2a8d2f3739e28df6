"""Results (成效) demo: techniques, attendance, trainees' outcomes, targets, milestones.

Runs after the lecture hall and the programme loaders. Techniques per industry
come from the demo courses' topics; each held course teaches its own. About
twenty farmers per county sign up for their county's held courses (the same
farmers come back, so many learn two or more techniques) and most check in;
a third joined an income project. Every county has a target for this year,
and this year's and last year's milestones are set (last year's are all past
due, so counties that delivered nothing then are overdue). Re-running updates
the same rows.
"""

import datetime
import random
from pathlib import Path

from django.utils import timezone

from ..base.models import County, HomePage
from ..courses.models import CoursePage, CourseRegistration, RegistrationStatus
from ..results.models import (
    Attendance,
    CheckInMethod,
    CourseTechniques,
    IncomeProject,
    IncomeProjectKind,
    ResultsPage,
    Technique,
    Trainee,
    TrainingTarget,
)
from ..results.services import checkin_sheet_ensure, milestone_steps_ensure
from .base import child_page
from .courses import TOPICS

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "国庆", "红梅", "德胜", "玉兰", "保田"]
FARMERS_PER_COUNTY = 20


def _phone(county_number: int, farmer: int) -> str:
    """A demo mobile number: 139, the county's number, the farmer's (11 digits)."""
    return f"139{county_number:02d}{farmer:06d}"


def _techniques() -> int:
    """The staff list of techniques per industry, from the demo courses' topics."""
    from ..base.models import IndustryCategory

    count = 0
    for category in IndustryCategory.objects.filter(slug__in=TOPICS):
        for order, name in enumerate(
            dict.fromkeys(n for _title, names in TOPICS[category.slug] for n in names)
        ):
            Technique.objects.update_or_create(
                category=category, name=name, defaults={"sort_order": order}
            )
            count += 1
    return count


def load(home: HomePage, fixtures: Path) -> str:
    child_page(
        home,
        ResultsPage,
        "chengxiao",
        title="成效展示",
        intro="全市科技助力精准扶贫工作的进展：需求上报、对接协议、培训与参训农民掌握实用技术的情况、跟踪服务和科普资料发放。",
        show_in_menus=True,
        search_description="科技助力精准扶贫的各项成效数据",
    )
    technique_count = _techniques()
    by_name = {(t.category_id, t.name): t for t in Technique.objects.all()}
    rng = random.Random(13)  # noqa: S311 - demo data, not security
    now = timezone.now()
    today = timezone.localdate()
    attendances = 0
    for county_number, county in enumerate(County.objects.all()):
        courses = list(
            CoursePage.objects.live()
            .filter(county=county, cancelled=False, last_end__lt=now)
            .prefetch_related("sessions")
            .order_by("start")
        )
        for course in courses:
            taught, _new = CourseTechniques.objects.get_or_create(course=course)
            taught.techniques.set(
                [
                    by_name[(course.category_id, name)]
                    for name in course.technique_list
                    if (course.category_id, name) in by_name
                ]
            )
            # A dozen of the county's farmers sign up; most come to each session.
            farmers = rng.sample(range(FARMERS_PER_COUNTY), k=12)
            registrations = []
            for farmer in farmers:
                registration, _created = CourseRegistration.objects.get_or_create(
                    course=course,
                    phone=_phone(county_number, farmer),
                    defaults={
                        "name": SURNAMES[(county_number + farmer) % len(SURNAMES)]
                        + GIVEN[farmer % len(GIVEN)],
                        "village": f"{county.name[:2]}{'王李张刘陈'[farmer % 5]}庄村",
                        "status": RegistrationStatus.CONFIRMED,
                    },
                )
                registrations.append(registration)
            sessions = [(None, course.start)] + [
                (s.pk, s.start) for s in course.sessions.all() if not s.cancelled
            ]
            for session_id, start in sessions:
                sheet = checkin_sheet_ensure(course=course, session_id=session_id)
                for registration in registrations:
                    if rng.random() < 0.15:
                        continue  # not everyone comes
                    trainee, _created = Trainee.objects.get_or_create(
                        phone=registration.phone,
                        defaults={
                            "name": registration.name,
                            "county": county,
                            "village": registration.village,
                        },
                    )
                    _attendance, created = Attendance.objects.get_or_create(
                        sheet=sheet,
                        registration=registration,
                        defaults={
                            "trainee": trainee,
                            "method": CheckInMethod.CODE
                            if rng.random() < 0.6
                            else CheckInMethod.STAFF,
                            "checked_in_at": start,
                        },
                    )
                    attendances += created
        kinds = list(IncomeProjectKind.values)
        for trainee in Trainee.objects.filter(county=county).order_by("phone"):
            if (
                int(trainee.phone[-2:]) % 3 == 0
                and not trainee.income_projects.exists()
            ):
                IncomeProject.objects.create(
                    trainee=trainee,
                    kind=kinds[int(trainee.phone[-3:]) % len(kinds)],
                    description="加入村合作社",
                    joined_on=today
                    - datetime.timedelta(days=int(trainee.phone[-2:]) * 3),
                )
        TrainingTarget.objects.update_or_create(
            county=county,
            year=today.year,
            defaults={"one_technique": 16 + county_number % 4, "two_techniques": 10},
        )
    for year in (today.year - 1, today.year):
        milestone_steps_ensure(year=year)
    return (
        f"{technique_count} techniques, {Trainee.objects.count()} trainees, "
        f"{attendances} new check-ins, milestones for {today.year - 1} and {today.year}"
    )
