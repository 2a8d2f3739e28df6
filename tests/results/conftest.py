"""Fixtures of the results tests: a lecture hall with courses in two counties,
sign-ups, techniques, the results page, and a small programme world."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from kexie_pages.models import (
    County,
    CoursePage,
    CourseRegistration,
    CourseSession,
    CourseTechniques,
    IndustryCategory,
    LectureHallPage,
    ResultsPage,
    Technique,
)

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
OWN, OTHER = "411621", "411622"  # 扶沟县, 西华县


@pytest.fixture
def at() -> Callable[..., datetime.datetime]:
    """``at(days, hour=9)``: a Beijing-time instant ``days`` from today at ``hour``."""

    def instant(days: int, hour: int = 9) -> datetime.datetime:
        day = timezone.localdate() + datetime.timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)

    return instant


@pytest.fixture
def hall(home) -> LectureHallPage:
    return home.add_child(
        instance=LectureHallPage(
            title="农村科普大讲堂", slug="hall", show_in_menus=True
        )
    )


@pytest.fixture
def results_page(home) -> ResultsPage:
    return home.add_child(
        instance=ResultsPage(title="成效展示", slug="chengxiao", show_in_menus=True)
    )


@pytest.fixture
def techniques(db) -> list[Technique]:
    """Three techniques of 种植."""
    category = IndustryCategory.objects.get(slug="zhongzhi")
    return [
        Technique.objects.create(category=category, name=name, sort_order=i)
        for i, name in enumerate(["赤霉病识别", "适期喷药", "药剂轮换"])
    ]


@pytest.fixture
def add_course(hall, at) -> Callable[..., CoursePage]:
    """``add_course(slug, *, code=OWN, days=0, sessions=0, teaches=())``: a live course
    whose first session is ``days`` from today, with weekly further sessions."""

    def add(
        slug: str,
        *,
        code: str = OWN,
        days: int = 0,
        sessions: int = 0,
        teaches=(),
        **fields,
    ) -> CoursePage:
        start = at(days)
        course = CoursePage(
            slug=slug,
            title=f"小麦赤霉病防控培训 {slug}",
            county=County.objects.get(code=code),
            category=IndustryCategory.objects.get(slug="zhongzhi"),
            venue="城郊乡王庄村党群服务中心",
            start=start,
            end=start + datetime.timedelta(hours=2),
            **fields,
        )
        course.sessions = [
            CourseSession(
                start=start + datetime.timedelta(weeks=w),
                end=start + datetime.timedelta(weeks=w, hours=2),
                sort_order=w,
            )
            for w in range(1, sessions + 1)
        ]
        hall.add_child(instance=course)
        course = CoursePage.objects.get(pk=course.pk)
        if teaches:
            taught = CourseTechniques.objects.create(course=course)
            taught.techniques.set(teaches)
        return course

    return add


@pytest.fixture
def sign_up() -> Callable[..., CourseRegistration]:
    """``sign_up(course, phone, name="王建国")``: a confirmed sign-up."""

    def add(course: CoursePage, phone: str, name: str = "王建国") -> CourseRegistration:
        return CourseRegistration.objects.create(
            course=course, name=name, phone=phone, village="王庄村"
        )

    return add


@dataclass
class Staff:
    """Logged-in clients: city staff, 扶沟县 staff, a leader."""

    city: object
    county: object
    leader: object
    leader_user: object


@pytest.fixture
def staff(db, county_staff) -> Staff:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from kexie_pages.results.services import LEADER_GROUP, leader_group_ensure

    permissions = (
        "kexie_pages.view_dashboard",
        "kexie_pages.add_attendance",
        "kexie_pages.view_trainee",
        "kexie_pages.change_trainee",
        "kexie_pages.view_trainingtarget",
        "kexie_pages.change_trainingtarget",
        "kexie_pages.view_milestonestep",
        "kexie_pages.change_milestonestep",
    )
    leader_group_ensure()
    leader = get_user_model().objects.create_user("leader")
    leader.groups.add(Group.objects.get(name=LEADER_GROUP))
    leader_client = Client()
    leader_client.force_login(leader)
    return Staff(
        city=county_staff(None, *permissions),
        county=county_staff(OWN, *permissions),
        leader=leader_client,
        leader_user=leader,
    )


@pytest.fixture
def grow(home, hall, techniques, make_pdf) -> Callable[[int, int], None]:
    """``grow(times, year)``: add ``times`` rounds of every kind of record the
    figures count, spread over two counties, statuses, kinds and the year's
    months (plus a few outside the year, which must not count)."""
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from kexie_forms.models import FormPage, FormSubmission
    from kexie_pages.models import (
        Attendance,
        BookletDownloadCount,
        BookletPage,
        IncomeProject,
        Need,
        Trainee,
        TrainingTarget,
    )
    from kexie_pages.programme.models import (
        Agreement,
        AgreementProgressReport,
        LiaisonAssignment,
        LiaisonVisit,
    )
    from kexie_pages.results.services import checkin_sheet_ensure

    counties = [County.objects.get(code=OWN), County.objects.get(code=OTHER)]
    category = IndustryCategory.objects.get(slug="zhongzhi")
    state = {"n": 0}
    form_page = FormPage(title="需求征集", slug="survey", receipt_prefix="XQ")
    home.add_child(instance=form_page)
    booklet = None

    def add(times: int, year: int) -> None:
        nonlocal booklet
        from kexie_pages.models import BookletIndexPage

        if booklet is None:
            index = home.add_child(
                instance=BookletIndexPage(title="图书", slug="books")
            )
            document = Document(title="booklet.pdf")
            document.file.save("booklet.pdf", ContentFile(make_pdf()), save=False)
            document.save()
            booklet = index.add_child(
                instance=BookletPage(
                    title="小麦病虫害防治",
                    slug="book",
                    category=category,
                    summary="赤霉病防治",
                    document=document,
                )
            )
        for county in counties:
            TrainingTarget.objects.get_or_create(
                county=county,
                year=year,
                defaults={"one_technique": 9, "two_techniques": 4},
            )
        for _round in range(times):
            state["n"] += 1
            n = state["n"]
            for i, county in enumerate(counties):
                month = 1 + (n + i) % 12
                day = datetime.date(year, month, 10)
                outside = datetime.date(year - 1, 12, 20)
                for status, when in (
                    ("open", day),
                    ("matched", day),
                    ("solved", outside),
                ):
                    Need.objects.create(
                        title=f"需求{n}",
                        county=county,
                        township="练寺镇",
                        village="王庄村",
                        category=category,
                        description="小麦赤霉病",
                        status=status,
                        reported_on=when,
                        live=(status != "matched"),
                    )
                for kind, status, signed in (
                    ("cooperation", "signed", day),
                    ("training", "in_progress", day),
                    ("research", "draft", None),
                    ("transfer", "completed", outside),
                ):
                    agreement = Agreement.objects.create(
                        title=f"协议{n}",
                        county=county,
                        kind=kind,
                        status=status,
                        signed_on=signed,
                        partner_name="河南农业大学",
                    )
                    if signed is None:  # a draft, drafted on ``day``
                        Agreement.objects.filter(pk=agreement.pk).update(
                            created_at=datetime.datetime.combine(
                                day, datetime.time(8), SHANGHAI
                            )
                        )
                    if signed == day:
                        AgreementProgressReport.objects.create(
                            agreement=agreement, reported_on=day, text="进展顺利"
                        )
                assignment = LiaisonAssignment.objects.create(
                    county=county,
                    township="练寺镇",
                    village=f"村{n}",
                    technician_name="县农技员",
                )
                for when in (day, day + datetime.timedelta(days=3), outside):
                    LiaisonVisit.objects.create(
                        assignment=assignment, visited_on=when, work_done="查看麦田"
                    )
                start = datetime.datetime.combine(day, datetime.time(9), SHANGHAI)
                course = CoursePage(
                    slug=f"g{n}-{i}",
                    title=f"培训{n}",
                    county=county,
                    category=category,
                    venue="党群服务中心",
                    start=start,
                    end=start + datetime.timedelta(hours=2),
                    attendance_total=30,
                )
                course.sessions = [
                    CourseSession(
                        start=start + datetime.timedelta(days=7),
                        end=start + datetime.timedelta(days=7, hours=2),
                    )
                ]
                hall.add_child(instance=course)
                taught = CourseTechniques.objects.create(course=course)
                taught.techniques.set(techniques[: 1 + (n + i) % 3])
                session = course.sessions.first()
                for f in range(3):
                    # Farmers come back: phone f of county i joins every round.
                    phone = f"13{i}{f:02d}000000"[:11]
                    registration = CourseRegistration.objects.create(
                        course=course, name="农户", phone=phone, village="王庄村"
                    )
                    trainee = Trainee.objects.get_or_create(
                        phone=phone, defaults={"name": "农户", "county": county}
                    )[0]
                    for sid in (None, session.pk)[: 1 + f % 2]:
                        Attendance.objects.create(
                            sheet=checkin_sheet_ensure(course=course, session_id=sid),
                            registration=registration,
                            trainee=trainee,
                            method="code",
                        )
                    if f == 0:
                        IncomeProject.objects.create(
                            trainee=trainee, kind="planting", joined_on=day
                        )
                for source, count in ((county.code, 5), ("poster", 2)):
                    row, _new = BookletDownloadCount.objects.get_or_create(
                        booklet=booklet,
                        month=day.replace(day=1),
                        source=source,
                        defaults={"count": 0},
                    )
                    row.count += count
                    row.save()
                submission = FormSubmission.objects.create(
                    page=form_page,
                    county=county,
                    receipt_number=f"XQ-{year}-{n}-{i}",
                    form_data={},
                )
                FormSubmission.objects.filter(pk=submission.pk).update(
                    submit_time=datetime.datetime.combine(
                        day, datetime.time(10), SHANGHAI
                    )
                )

    return add
