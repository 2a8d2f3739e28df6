"""Demo programme follow-through: a year of agreements, key townships and brand
activities, liaison technicians and their visits.

Generated from a seeded random, so every run produces the same programme. In
each county: agreements in every state (each walked there through
``programme.services``, so the needs they answer move to 已对接 with their own
history), deliverables and progress reports; one or two key townships and a
brand activity linked to the county's agreements and courses; three liaison
villages with two followed households each, visited every week or two, except
that every third village has had no visit for about two months (flagged
stale). Run after the directories, the courses and the needs; a second run
changes nothing. Phones are 1380000xxxx; household names are made up.
"""

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from wagtail.models import Page

from ..base.models import County
from ..courses.models import CoursePage
from ..directories.models import Association, Expert, TechLeader
from ..needs.models import Need, NeedStatus
from ..programme.models import (
    Agreement,
    AgreementDeliverable,
    AgreementIndexPage,
    AgreementKind,
    AgreementProgressReport,
    AgreementStatus,
    AgreementStatusChange,
    BrandActivity,
    KeyTownship,
    LiaisonAssignment,
    LiaisonHousehold,
    LiaisonVisit,
    ReportSource,
)
from ..programme.services import agreement_set_status
from .base import child_page
from .directories import GIVEN, SURNAMES, TOWNSHIPS, VILLAGE_NAMES, VILLAGE_PREFIXES

SEED = 20160901

#: The order each state is reached from a draft.
PATHS: dict[str, list[str]] = {
    AgreementStatus.DRAFT: [],
    AgreementStatus.SIGNED: [AgreementStatus.SIGNED],
    AgreementStatus.IN_PROGRESS: [AgreementStatus.SIGNED, AgreementStatus.IN_PROGRESS],
    AgreementStatus.COMPLETED: [
        AgreementStatus.SIGNED,
        AgreementStatus.IN_PROGRESS,
        AgreementStatus.COMPLETED,
    ],
    AgreementStatus.TERMINATED: [AgreementStatus.SIGNED, AgreementStatus.TERMINATED],
}
#: Per county, the states of its agreements (rotated, so every state is everywhere).
STATES = [
    AgreementStatus.IN_PROGRESS,
    AgreementStatus.SIGNED,
    AgreementStatus.COMPLETED,
    AgreementStatus.DRAFT,
    AgreementStatus.IN_PROGRESS,
    AgreementStatus.TERMINATED,
]

#: Per kind: (title, summary, deliverables, reports).
TOPICS: dict[str, list[tuple[str, str, list[str], list[str]]]] = {
    AgreementKind.COOPERATION: [
        (
            "大棚蔬菜绿色防控技术协作",
            "专家团队驻村指导大棚蔬菜病虫害绿色防控，建立示范棚，带动贫困户按标准生产。",
            ["建成绿色防控示范棚", "编印技术明白纸", "组织现场观摩会"],
            [
                "完成示范棚选址和土壤检测，制定防控方案。",
                "示范棚黄板、防虫网全部到位，线虫危害明显减轻。",
                "组织贫困户现场观摩，发放技术明白纸三百余份。",
            ],
        ),
        (
            "肉牛养殖全程技术协作",
            "围绕秸秆青贮、科学饲喂和疫病防控，专家按季度到合作社指导。",
            ["青贮窖建设指导", "饲喂方案", "疫病防控培训"],
            [
                "指导合作社完成青贮窖改造，制作青贮饲料。",
                "制定育肥牛分阶段饲喂方案，日增重提高。",
            ],
        ),
    ],
    AgreementKind.RESEARCH: [
        (
            "小麦赤霉病综合防控技术攻关",
            "针对扬花期多雨导致的赤霉病，开展品种比较和施药时机试验。",
            ["品种比较试验", "施药时机试验报告", "技术规程"],
            [
                "落实品种比较试验田，完成播种。",
                "完成施药时机试验，病穗率明显下降，形成初步结论。",
            ],
        ),
        (
            "盐碱地改良与测土配方施肥攻关",
            "在偏盐碱耕地开展土壤改良和配方施肥试验，降低成本、提高出苗率。",
            ["土壤检测报告", "改良试验", "施肥配方"],
            ["完成全村耕地取样化验，确定改良方案。"],
        ),
    ],
    AgreementKind.TRAINING: [
        (
            "贫困户实用技术系列培训",
            "按产业分班，每月一期，讲授种植、养殖实用技术，做到每户至少掌握一门技术。",
            ["第一期培训", "第二期培训", "田间课堂"],
            [
                "举办第一期培训，贫困户八十余人参加。",
                "举办第二期培训并到田间现场教学。",
            ],
        ),
        (
            "林下经济种养技术培训",
            "围绕林下养鸡、林下种植中药材开展培训和跟踪指导。",
            ["林下养鸡培训", "中药材种植培训"],
            ["完成林下养鸡技术培训，建立示范户五户。"],
        ),
    ],
    AgreementKind.TRANSFER: [
        (
            "优质花生新品种成果转化",
            "引进高油酸花生新品种及配套栽培技术，建设示范田并推广到贫困户。",
            ["示范田建设", "种子供应", "测产验收"],
            [
                "示范田播种完成，出苗整齐。",
                "组织测产，亩产比当地品种增产一成以上。",
            ],
        ),
        (
            "食用菌工厂化栽培技术转化",
            "转化食用菌栽培技术成果，帮助合作社建设菇棚并吸纳贫困户务工。",
            ["菇棚建设", "菌种供应", "技术培训"],
            ["指导合作社建成两座菇棚，完成首批接种。"],
        ),
    ],
}

BRANDS = [
    "科技大集进乡村",
    "专家田间课堂",
    "致富带头人擂台赛",
    "科普惠农赶大集",
    "庭院经济示范评比",
]
WORK_DONE = [
    "查看大棚蔬菜长势，指导通风和水肥管理。",
    "到养殖户家中查看牛舍，讲解青贮饲喂要点。",
    "指导小麦春季追肥和赤霉病预防用药。",
    "帮助贫困户修剪果树，讲解冬季清园。",
    "入户了解种植计划，推荐适合的品种。",
    "指导羊舍消毒和羔羊防寒。",
]
PROBLEMS = [
    "解决了大棚湿度过大导致的灰霉病问题。",
    "解决了饲料配比不合理的问题。",
    "",
    "帮助联系了优质种苗来源。",
    "",
]


def _at(day: date) -> datetime:
    """Ten in the morning of ``day``, as the site stores times."""
    moment = datetime.combine(day, time(10))
    return timezone.make_aware(moment) if settings.USE_TZ else moment


def _agreements(county: County, index: int, rng: random.Random, today: date) -> int:
    """The county's agreements in every state; returns how many were made."""
    experts = list(Expert.objects.filter(is_public=True, counties=county)[:5]) or list(
        Expert.objects.filter(is_public=True)[:5]
    )
    if not experts:
        return 0
    associations = list(Association.objects.filter(county=county)[:3])
    leaders = list(TechLeader.objects.filter(county=county)[:3])
    needs = list(
        Need.objects.filter(
            county=county, status__in=[NeedStatus.OPEN, NeedStatus.IN_TALKS]
        ).order_by("id")[:12]
    )
    kinds = list(AgreementKind)
    made = 0
    for number, _state in enumerate(STATES):
        state = STATES[(number + index) % len(STATES)]
        kind = kinds[(number + index) % len(kinds)]
        title, summary, deliverables, reports = rng.choice(TOPICS[kind])
        signed_on = today - timedelta(days=rng.randint(70, 110))
        agreement = Agreement.objects.create(
            title=title,
            kind=kind,
            county=county,
            township=rng.choice(TOWNSHIPS),
            village=rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_NAMES) + "村",
            summary=summary,
            partner_association=rng.choice(associations) if associations else None,
            partner_expert=rng.choice(experts) if number % 2 else None,
            partner_name="" if number % 3 else "周口职业技术学院",
            responsible_expert=rng.choice(experts),
            contact_leader=rng.choice(leaders) if leaders else None,
            signed_on=signed_on if state != AgreementStatus.DRAFT else None,
        )
        agreement.needs.set(needs[number * 2 : number * 2 + 2])
        for order, deliverable in enumerate(deliverables):
            due = signed_on + timedelta(days=30 * (order + 1))
            done = (
                due - timedelta(days=3)
                if state == "completed" or due < today - timedelta(days=30)
                else None
            )
            AgreementDeliverable.objects.create(
                agreement=agreement,
                title=deliverable,
                due_on=due,
                done_on=done if state != AgreementStatus.DRAFT else None,
                sort_order=order,
            )
        for step_number, step in enumerate(PATHS[state]):
            change = agreement_set_status(agreement=agreement, status=step)
            # Backdate the history: signed in September, started a week later, …
            AgreementStatusChange.objects.filter(pk=change.pk).update(
                changed_at=_at(min(signed_on + timedelta(days=40 * step_number), today))
            )
        if state in (AgreementStatus.IN_PROGRESS, AgreementStatus.COMPLETED):
            for report_number, text in enumerate(reports):
                AgreementProgressReport.objects.create(
                    agreement=agreement,
                    text=text,
                    reported_on=min(
                        signed_on + timedelta(days=20 * (report_number + 1)), today
                    ),
                    source=ReportSource.EXPERT
                    if report_number % 2
                    else ReportSource.STAFF,
                )
        made += 1
    return made


def _key_townships(county: County, rng: random.Random, year: int) -> None:
    """One or two key townships and a brand activity, linked to the county's work."""
    agreements = list(Agreement.objects.public().filter(county=county))
    courses = list(CoursePage.objects.filter(county=county)[:4])
    townships = rng.sample(TOWNSHIPS, 1 + county.pk % 2)
    first = None
    for number, name in enumerate(townships):
        township = KeyTownship.objects.create(
            county=county,
            year=year,
            township=name,
            summary=f"集中力量帮扶{name}，以专家驻村和系列培训带动贫困户发展产业。",
        )
        township.agreements.set(agreements[number::2])
        township.courses.set(courses[number::2])
        first = first or township
    brand = BrandActivity.objects.create(
        county=county,
        year=year,
        title=f"{county.name}{rng.choice(BRANDS)}",
        key_township=first,
        summary="每月一次，专家、农技员和致富带头人到乡村集市现场答疑、发放科普资料。",
    )
    brand.agreements.set(agreements[:2])
    brand.courses.set(courses[:2])


def _liaison(county: County, index: int, rng: random.Random, today: date) -> int:
    """Three liaison villages with households and visits; every third one stale."""
    experts = list(Expert.objects.filter(counties=county)[:3])
    stale = 0
    for number in range(3):
        expert = experts[number] if number < len(experts) and number != 1 else None
        name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
        assignment = LiaisonAssignment.objects.create(
            county=county,
            township=rng.choice(TOWNSHIPS),
            village=rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_NAMES) + "村",
            expert=expert,
            technician_name="" if expert else name,
            technician_phone=""
            if expert
            else f"1380000{5000 + index * 10 + number:04d}",
            started_on=today - timedelta(days=150),
        )
        households = [
            LiaisonHousehold.objects.create(
                assignment=assignment,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                sort_order=order,
            )
            for order in range(2)
        ]
        # Visits every 8–16 days; the third village stopped two months ago.
        last = today - timedelta(
            days=rng.randint(60, 75) if number == 2 else rng.randint(1, 10)
        )
        day = last
        while day > assignment.started_on:
            LiaisonVisit.objects.create(
                assignment=assignment,
                visited_on=day,
                household=rng.choice(households + [None]),
                work_done=rng.choice(WORK_DONE),
                problems_solved=rng.choice(PROBLEMS),
                created_at=_at(day),
            )
            day -= timedelta(days=rng.randint(8, 16))
        stale += number == 2
    return stale


def load(home: Page, fixtures: Path) -> str:
    """Publish the agreements page and, on the first run only, the programme's year."""
    child_page(
        home,
        AgreementIndexPage,
        "agreements",
        title="对接协议",
        intro="学会、高校、院所和专家与贫困县、乡、村签订的科技协作、科技攻关、"
        "科技培训和成果转化协议，以及每项协议的落实进展。",
        search_description="科技助力精准扶贫对接协议及其进展",
        show_in_menus=True,
    )
    if Agreement.objects.exists():
        return f"programme: {Agreement.objects.count()} agreements already there"
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data
    today = timezone.localdate()
    agreements = stale = 0
    for index, county in enumerate(County.objects.all()):
        agreements += _agreements(county, index, rng, today)
        _key_townships(county, rng, today.year)
        stale += _liaison(county, index, rng, today)
    return (
        f"programme: {agreements} agreements, "
        f"{LiaisonAssignment.objects.count()} liaison villages ({stale} without a recent visit)"
    )
