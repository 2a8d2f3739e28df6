"""Fixtures of the programme tests: an agreements page, the directory entries an
agreement names (with private phones planted), needs, agreements in every state,
liaison assignments with a household, and staff."""

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone, translation

from kexie_pages.models import (
    Agreement,
    AgreementDeliverable,
    AgreementIndexPage,
    Association,
    County,
    Expert,
    IndustryCategory,
    LiaisonAssignment,
    LiaisonHousehold,
    Need,
    TechLeader,
)
from kexie_pages.needs.services import needs_bulk_create
from kexie_pages.programme.services import agreement_set_status

from .helpers import (
    ASSOCIATION_PHONE,
    EXPERT_EMAIL,
    EXPERT_PHONE,
    HOUSEHOLD_NAME,
    LEADER_PHONE,
    NEED_PHONE,
    TECHNICIAN_NAME,
    TECHNICIAN_PHONE,
)


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    """Services called outside a request speak the site's language too."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def county(db) -> Callable[[str], County]:
    """Look a county up by its name: ``county("扶沟县")``."""
    return lambda name: County.objects.get(name=name)


@pytest.fixture
def agreements_page(home) -> AgreementIndexPage:
    return home.add_child(
        instance=AgreementIndexPage(title="对接协议", slug="agreements", per_page=2)
    )


@pytest.fixture
def think_tank(county) -> dict:
    """A public expert, a public tech-leader and a public association, each
    with a private phone; and an expert who did not agree to be listed."""
    fugou = county("扶沟县")
    expert = Expert.objects.create(
        name="李明华",
        employer="河南农业大学",
        phone=EXPERT_PHONE,
        email=EXPERT_EMAIL,
        is_public=True,
    )
    hidden = Expert.objects.create(
        name="不公开专家", employer="某研究所", phone="13911119999"
    )
    leader = TechLeader.objects.create(
        name="王带头",
        village="王庄村",
        county=fugou,
        phone=LEADER_PHONE,
        is_public=True,
    )
    association = Association.objects.create(
        name="扶沟县蔬菜协会", county=fugou, phone=ASSOCIATION_PHONE, is_public=True
    )
    return {
        "expert": expert,
        "hidden": hidden,
        "leader": leader,
        "association": association,
    }


@pytest.fixture
def make_need(county) -> Callable[..., Need]:
    """Factory: one published, open need in 扶沟县."""

    def make(**fields) -> Need:
        values = {
            "title": "大棚蔬菜根结线虫",
            "county": county("扶沟县"),
            "township": "练寺镇",
            "village": "王庄村",
            "category": IndustryCategory.objects.get(name="种植"),
            "description": "线虫危害严重，需要防治技术。",
            "contact_name": "支书",
            "contact_phone": NEED_PHONE,
        }
        values.update(fields)
        return needs_bulk_create(needs=[Need(**values)], publish=True)[0]

    return make


@pytest.fixture
def make_agreement(county, think_tank) -> Callable[..., Agreement]:
    """Factory: a draft agreement in 扶沟县 naming the think tank's public
    entries, with one deliverable; ``status=`` walks it there through the service."""

    def make(status: str = "draft", needs: tuple = (), **fields) -> Agreement:
        values = {
            "title": "大棚蔬菜绿色防控技术协作",
            "kind": "cooperation",
            "county": county("扶沟县"),
            "township": "练寺镇",
            "village": "王庄村",
            "summary": "河南农业大学派专家指导线虫防治。",
            "partner_association": think_tank["association"],
            "partner_name": "周口职业技术学院",
            "responsible_expert": think_tank["expert"],
            "contact_leader": think_tank["leader"],
        }
        values.update(fields)
        agreement = Agreement.objects.create(**values)
        agreement.needs.set(needs)
        AgreementDeliverable.objects.create(
            agreement=agreement,
            title="举办线虫防治培训班",
            due_on=datetime.date(2026, 10, 31),
            sort_order=0,
        )
        path = {
            "draft": [],
            "signed": ["signed"],
            "in_progress": ["signed", "in_progress"],
            "completed": ["signed", "in_progress", "completed"],
            "terminated": ["terminated"],
        }[status]
        for step in path:
            agreement_set_status(agreement=agreement, status=step)
        agreement.refresh_from_db()
        return agreement

    return make


@pytest.fixture
def make_assignment(county) -> Callable[..., LiaisonAssignment]:
    """Factory: a liaison technician for 扶沟县练寺镇王庄村 with one household."""

    def make(**fields) -> LiaisonAssignment:
        values = {
            "county": county("扶沟县"),
            "township": "练寺镇",
            "village": "王庄村",
            "technician_name": TECHNICIAN_NAME,
            "technician_phone": TECHNICIAN_PHONE,
            "started_on": timezone.localdate() - datetime.timedelta(days=90),
        }
        values.update(fields)
        assignment = LiaisonAssignment.objects.create(**values)
        LiaisonHousehold.objects.create(
            assignment=assignment, name=HOUSEHOLD_NAME, sort_order=0
        )
        return assignment

    return make
