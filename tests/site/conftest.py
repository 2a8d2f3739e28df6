"""Fixtures of the site-wide tests: the news corpus, and the two-county world
of the permission matrix."""

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from kexie_pages.models import (
    County,
    CoursePage,
    IndustryCategory,
    LectureHallPage,
    NewsIndexPage,
)


@pytest.fixture
def corpus(news_index, news_corpus, add_news) -> NewsIndexPage:
    """The news section holding every article of the news corpus."""
    for number, article in enumerate(news_corpus):
        add_news(news_index, number, article)
    return news_index


@pytest.fixture
def lecture_hall(home) -> LectureHallPage:
    """The lecture hall with two courses in it, for the admin's page listing."""
    hall = home.add_child(
        instance=LectureHallPage(title="农村科普大讲堂", slug="lecture-hall")
    )
    start = timezone.now() + datetime.timedelta(days=10)
    for number in range(2):
        hall.add_child(
            instance=CoursePage(
                title=f"小麦赤霉病防控培训 {number}",
                slug=f"course-{number}",
                county=County.objects.get(code="411621"),
                category=IndustryCategory.objects.get(slug="zhongzhi"),
                venue="城郊乡王庄村党群服务中心",
                start=start,
                end=start + datetime.timedelta(hours=2),
            )
        )
    return hall


# ---------------------------------------------------------------------------
# The county-scoping permission matrix (test_permissions.py)

#: The county the county-bound role belongs to, and the other one.
OWN_CODE, OTHER_CODE = "411621", "411622"  # 扶沟县, 西华县


@dataclass
class CountyWorld:
    """Two of everything a county owns (one in 扶沟县, one in 西华县), and a
    logged-in client per role. ``secrets[side]`` holds every phone number and
    e-mail address planted on ``side``'s records."""

    clients: dict[str, Client]
    objects: dict[type, dict[str, Any]]
    secrets: dict[str, list[str]]
    markers: dict[type, dict[str, str]]
    revisions: dict[str, int]
    task_states: dict[str, int]
    workflow_states: dict[str, int]
    task_id: int
    attachments: dict[str, str]
    form_page: Any
    job_id: int
    county_names: dict[str, str] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    #: Status codes the tests have seen, by address, to compare roles with.
    answers: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def county_world(django_db_setup, django_db_blocker) -> Iterator[CountyWorld]:
    """Built once for the module inside a transaction rolled back at its end;
    each test runs in a savepoint within it (pytest-django's ``db``), so a
    test's writes vanish with the test and the next one sees the same world."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = _county_world_build()
        yield world
        transaction.set_rollback(True)


def _county_world_build() -> CountyWorld:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from wagtail.models import (
        GroupApprovalTask,
        GroupPagePermission,
        Page,
        Site,
        Workflow,
        WorkflowContentType,
        WorkflowTask,
    )

    from kexie_forms.models import (
        FormField,
        FormPage,
        FormSubmission,
        SubmissionAttachment,
        UserCounty,
    )
    from kexie_pages.models import (
        Achievement,
        Agreement,
        AgreementScan,
        Association,
        BrandActivity,
        County,
        CoursePage,
        CourseRegistration,
        CourseTechniques,
        DemonstrationBase,
        DirectoryImportJob,
        Enquiry,
        Expert,
        HomePage,
        IndustryCategory,
        KeyTownship,
        LectureHallPage,
        LiaisonAssignment,
        LiaisonHousehold,
        LiaisonVisit,
        Need,
        NeedsLibraryPage,
        TechLeader,
        Trainee,
        TrainingTarget,
    )
    from kexie_pages.needs.services import needs_bulk_create

    counties = {
        "own": County.objects.get(code=OWN_CODE),
        "other": County.objects.get(code=OTHER_CODE),
    }
    category = IndustryCategory.objects.first()
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="科技助力精准扶贫", slug="scope-home")
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    home.add_child(instance=NeedsLibraryPage(title="科技需求库", slug="needs"))
    hall = home.add_child(instance=LectureHallPage(title="农村科普大讲堂", slug="hall"))
    form_page = FormPage(title="需求征集", slug="survey", receipt_prefix="XQ")
    form_page.form_fields = [
        FormField(label="county", field_type="county", sort_order=0),
        FormField(label="village", field_type="singleline", sort_order=1),
        FormField(label="mobile", field_type="mobile", sort_order=2),
    ]
    home.add_child(instance=form_page)

    user_model = get_user_model()
    superuser = user_model.objects.create_superuser("root", "root@example.cn", "x")
    group = Group.objects.create(name="programme staff")
    scoped = ContentType.objects.filter(
        Q(app_label="kexie_forms", model="formsubmission")
        | Q(
            app_label="kexie_pages",
            model__in=[
                "need",
                "enquiry",
                "courseregistration",
                "expert",
                "achievement",
                "association",
                "demonstrationbase",
                "techleader",
                "agreement",
                "agreementscan",
                "keytownship",
                "brandactivity",
                "liaisonassignment",
                "liaisonvisit",
                "trainee",
                "trainingtarget",
                "coursetechniques",
            ],
        )
    )
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__in=scoped)
            | Q(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    )
    for permission in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=home,
            permission=Permission.objects.get(codename=permission),
        )
    city = user_model.objects.create_user("city", password="x")
    county_user = user_model.objects.create_user("fugou", password="x")
    for user in (city, county_user):
        user.groups.add(group)
    UserCounty.objects.create(user=county_user, county=counties["own"])

    workflow = Workflow.objects.create(name="需求审核")
    task = GroupApprovalTask.objects.create(name="市科协审核")
    task.groups.set([group])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.create(
        workflow=workflow, content_type=ContentType.objects.get_for_model(Need)
    )

    digit = {"own": "1", "other": "2"}
    objects: dict[type, dict[str, Any]] = {}
    markers: dict[type, dict[str, str]] = {}
    secrets: dict[str, list[str]] = {"own": [], "other": []}
    revisions, task_states, workflow_states, attachments = {}, {}, {}, {}

    def phone(side: str, n: int) -> str:
        number = f"13{digit[side] * 4}0{n:04d}"  # 11 digits, as stored
        secrets[side].append(number)
        return number

    def keep(model, side, obj, marker):
        objects.setdefault(model, {})[side] = obj
        markers.setdefault(model, {})[side] = marker

    for side, county in counties.items():
        name = county.name
        need = needs_bulk_create(
            needs=[
                Need(
                    title=f"{name}需求标记",
                    county=county,
                    township="练寺镇",
                    village=f"{name}标记村",
                    category=category,
                    description="小麦赤霉病防治",
                    contact_name="支书",
                    contact_phone=phone(side, 1),
                )
            ],
            publish=True,
        )[0]
        revision = need.save_revision(user=superuser)
        revisions[side] = revision.pk
        state = workflow.start(need, superuser)
        task_states[side] = state.current_task_state.pk
        workflow_states[side] = state.pk
        keep(Need, side, need, need.title)
        keep(
            Enquiry,
            side,
            Enquiry.objects.create(
                need=need,
                organisation=f"{name}标记学会",
                name="联系人",
                phone=phone(side, 2),
                message="可以提供技术",
            ),
            f"{name}标记学会",
        )
        course = hall.add_child(
            instance=CoursePage(
                title=f"{name}培训",
                slug=f"course-{county.code}",
                county=county,
                venue="党群服务中心",
                start=timezone.now() + datetime.timedelta(days=10),
                end=timezone.now() + datetime.timedelta(days=10, hours=2),
                registration_required=True,
            )
        )
        keep(
            CourseRegistration,
            side,
            CourseRegistration.objects.create(
                course=course,
                name=f"{name}农户",
                phone=phone(side, 3),
                village="王庄村",
            ),
            f"{name}农户",
        )
        submission = FormSubmission.objects.create(
            page=form_page,
            county=county,
            receipt_number=f"XQ-2026-{county.code}",
            form_data={
                "county": county.code,
                "village": "前进村",
                "mobile": phone(side, 4),
            },
        )
        attachment = SubmissionAttachment(
            key=uuid.uuid4(),
            submission=submission,
            field_name="attachment",
            original_name="材料.pdf",
            content_type="application/pdf",
            size=8,
        )
        attachment.file.save(
            f"{attachment.key}.pdf", ContentFile(b"%PDF-1.4"), save=True
        )
        attachments[side] = str(attachment.key)
        keep(FormSubmission, side, submission, f"XQ-2026-{county.code}")
        expert = Expert.objects.create(
            name=f"{name}专家",
            employer="农科院",
            phone=phone(side, 5),
            email=f"expert-{county.code}@example.cn",
        )
        secrets[side].append(expert.email)
        expert.counties.set([county])
        expert.categories.set([category])
        keep(Expert, side, expert, f"{name}专家")
        achievement = Achievement.objects.create(
            title=f"{name}成果", organisation="农科院", expert=expert
        )
        achievement.counties.set([county])
        keep(Achievement, side, achievement, f"{name}成果")
        keep(
            Association,
            side,
            Association.objects.create(
                name=f"{name}农技协", county=county, phone=phone(side, 6)
            ),
            f"{name}农技协",
        )
        keep(
            DemonstrationBase,
            side,
            DemonstrationBase.objects.create(
                name=f"{name}示范基地", county=county, phone=phone(side, 7)
            ),
            f"{name}示范基地",
        )
        keep(
            TechLeader,
            side,
            TechLeader.objects.create(
                name=f"{name}带头人",
                village="王庄村",
                county=county,
                phone=phone(side, 8),
            ),
            f"{name}带头人",
        )
        keep(
            Trainee,
            side,
            Trainee.objects.create(
                name=f"{name}学员", county=county, phone=phone(side, 10)
            ),
            f"{name}学员",
        )
        target = TrainingTarget.objects.create(
            county=county, year=2026, one_technique=100, two_techniques=50
        )
        keep(TrainingTarget, side, target, str(target))
        keep(
            CourseTechniques,
            side,
            CourseTechniques.objects.create(course=course),
            course.title,
        )
        agreement = Agreement.objects.create(
            title=f"{name}协议标记",
            county=county,
            township="练寺镇",
            responsible_expert=expert,
        )
        agreement.needs.set([need])
        keep(Agreement, side, agreement, f"{name}协议标记")
        scan = AgreementScan(agreement=agreement, title=f"{name}扫描件")
        scan.file.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"), save=True)
        keep(AgreementScan, side, scan, f"{name}扫描件")
        township = KeyTownship.objects.create(
            county=county, year=2026, township=f"{name}重点镇"
        )
        township.agreements.set([agreement])
        keep(KeyTownship, side, township, f"{name}重点镇")
        keep(
            BrandActivity,
            side,
            BrandActivity.objects.create(
                county=county,
                year=2026,
                title=f"{name}品牌活动",
                key_township=township,
            ),
            f"{name}品牌活动",
        )
        assignment = LiaisonAssignment.objects.create(
            county=county,
            township="练寺镇",
            village=f"{name}联系村",
            technician_name="农技员",
            technician_phone=phone(side, 9),
        )
        household = LiaisonHousehold.objects.create(
            assignment=assignment, name=f"{name}户主保密"
        )
        secrets[side].append(household.name)
        keep(LiaisonAssignment, side, assignment, f"{name}联系村")
        keep(
            LiaisonVisit,
            side,
            LiaisonVisit.objects.create(
                assignment=assignment,
                household=household,
                work_done="指导大棚管理",
                visited_on=timezone.localdate(),
            ),
            f"{name}联系村",
        )

    job = DirectoryImportJob.objects.create(directory="experts", token="t" * 32)
    clients = {"anonymous": Client()}
    for role, user in (
        ("superuser", superuser),
        ("city", city),
        ("county", county_user),
    ):
        clients[role] = Client()
        clients[role].force_login(user)
    return CountyWorld(
        clients=clients,
        objects=objects,
        secrets=secrets,
        markers=markers,
        revisions=revisions,
        task_states=task_states,
        workflow_states=workflow_states,
        task_id=task.pk,
        attachments=attachments,
        form_page=form_page,
        job_id=job.pk,
        county_names={side: county.name for side, county in counties.items()},
        users={"superuser": superuser, "city": city, "county": county_user},
    )
