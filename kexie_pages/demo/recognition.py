"""Recognition demo: the 2026 awards round (a nomination form, nominations of
public think-tank entries, two reviewers' scores, decisions), the 2026 honour
roll with certificates, and year-end summaries of the city and of 扶沟县.

Runs after the directories, news and forms loaders; re-runnable: records are
found by their year (and county) and updated, nominations added only once.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from wagtail.models import Page

from ..base.models import County
from ..directories.models import Association, DemonstrationBase, Expert, TechLeader
from ..news.models import NewsPage
from ..recognition.models import (
    AwardDecision,
    AwardRound,
    HonourCategory,
    HonourEntry,
    HonourRoll,
    RecognitionPage,
    SummaryHighlight,
    SummaryParagraph,
    YearSummary,
)
from ..recognition.services import (
    award_decide,
    award_from_submission,
    certificate_numbers_assign,
)
from .base import child_page

YEAR = 2026
#: The slug of the forms demo's nomination form (kexie_forms.demo.FORMS).
NOMINATION_FORM = "award-nomination"
#: (score of reviewer A, of reviewer B, decision, amount in yuan)
OUTCOMES = [
    (92, 88, AwardDecision.AWARDED, 50000),
    (85, 90, AwardDecision.AWARDED, 30000),
    (80, 76, AwardDecision.AWARDED, 20000),
    (62, 58, AwardDecision.DECLINED, None),
]
PARAGRAPHS = [
    (
        "总体情况",
        "全年组织专家深入贫困村开展技术服务，建立科技需求库，推动需求与智库精准对接，"
        "科普大讲堂覆盖所有县区，科技助力精准扶贫取得明显成效。",
    ),
    (
        "主要经验",
        "一是摸清需求、分类对接；二是重点乡镇集中发力；三是以奖代补激励带头人和示范基地。",
    ),
    ("下一步打算", "继续完善跟踪联系服务制度，扩大示范带动效应，推广成熟经验。"),
]


def _nomination_form(home: Page, fixtures: Path):
    """The awards call: the forms demo's 科普惠农兴村计划推荐 form (loaded if missing)."""
    from kexie_forms import demo as forms_demo
    from kexie_forms.models import FormPage

    page = FormPage.objects.filter(slug=NOMINATION_FORM).first()
    if page is None:
        forms_demo.load(home, fixtures)
        page = FormPage.objects.get(slug=NOMINATION_FORM)
    return page


def _reviewers() -> list:
    users = []
    for username, name in (("pingshen-a", "评审专家甲"), ("pingshen-b", "评审专家乙")):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": name}
        )
        if created:
            user.set_unusable_password()
            user.save()
        users.append(user)
    return users


def _awards(home: Page, fixtures: Path) -> int:
    """The round, its nominations, scores and decisions; returns the awards granted."""
    from kexie_forms.models import FormSubmission, SubmissionStatus
    from kexie_forms.services import receipt_allocate, submission_score_set

    page = _nomination_form(home, fixtures)
    round_, _created = AwardRound.objects.update_or_create(
        year=YEAR,
        defaults={
            "title": f"{YEAR}年度以奖代补奖励名单",
            "form_page": page,
            "intro": "经县区推荐、专家评审，下列单位和个人获得本年度以奖代补奖励。",
            "is_published": True,
        },
    )
    if round_.awards.exists() or FormSubmission.objects.filter(page=page).exists():
        return round_.awards.filter(decision=AwardDecision.AWARDED).count()
    nominees = [
        ("associations", Association.objects.public().exclude(county=None).first()),
        ("demo-bases", DemonstrationBase.objects.public().exclude(county=None).first()),
        ("leaders", TechLeader.objects.public().exclude(county=None).first()),
        ("leaders", TechLeader.objects.public().exclude(county=None).last()),
    ]
    fields = {f.label: f.clean_name for f in page.form_fields.all()}
    reviewers = _reviewers()
    granted = 0
    for n, ((directory, entry), outcome) in enumerate(
        zip(nominees, OUTCOMES, strict=True)
    ):
        if entry is None:
            continue
        households = 30 + 17 * n
        submission = FormSubmission.objects.create(
            page=page,
            county=entry.county,
            status=SubmissionStatus.ACCEPTED,
            receipt_number=receipt_allocate(prefix=page.receipt_prefix, year=YEAR),
            form_data={
                fields["县（市、区）"]: entry.county.name,
                fields["推荐对象"]: f"{directory}:{entry.pk}",
                fields["帮扶贫困户数"]: households,
                fields["带动增收（万元）"]: str(Decimal(households) / 4),
                fields[
                    "主要事迹"
                ]: f"{entry.name}带动{households}户贫困户发展特色产业。",
                fields["推荐单位联系电话"]: f"1370394{n:04d}",
                fields["现场照片"]: "",
            },
        )
        score_a, score_b, decision, amount = outcome
        for reviewer, score in zip(reviewers, (score_a, score_b), strict=True):
            submission_score_set(
                submission=submission,
                user=reviewer,
                score=score,
                comment="成效突出，材料翔实。" if score >= 80 else "带动规模尚小。",
            )
        award = award_from_submission(submission=submission)
        award_decide(
            award=award,
            user=None,
            decision=decision,
            amount=amount,
            citation=f"带动{households}户贫困户增收" if amount else "",
        )
        granted += decision == AwardDecision.AWARDED
    return granted


def _honour_roll() -> HonourRoll:
    roll, _created = HonourRoll.objects.update_or_create(
        year=YEAR,
        defaults={
            "title": f"{YEAR}年度科技助力精准扶贫先进单位、先进个人和突出贡献专家名单",
            "intro": "为表彰先进、树立典型，经研究决定，对以下单位和个人予以表彰。",
            "issued_on": datetime.date(YEAR, 12, 20),
            "is_published": True,
        },
    )
    if roll.entries.exists():
        return roll
    lines: list[dict] = [
        {"category": HonourCategory.UNIT, "name": "扶沟县科学技术协会"},
        {"category": HonourCategory.UNIT, "name": "周口市农业科学院"},
        *[
            {"category": HonourCategory.UNIT, "association": a, "county": a.county}
            for a in Association.objects.public().exclude(county=None)[:2]
        ],
        *[
            {"category": HonourCategory.UNIT, "demo_base": b, "county": b.county}
            for b in DemonstrationBase.objects.public().exclude(county=None)[:1]
        ],
        *[
            {"category": HonourCategory.INDIVIDUAL, "leader": t, "county": t.county}
            for t in TechLeader.objects.public().exclude(county=None)[:3]
        ],
        *[
            {
                "category": HonourCategory.EXPERT,
                "expert": e,
                "citation": f"长期深入基层推广{e.speciality or '实用技术'}",
            }
            for e in Expert.objects.public().order_by("id")[:4]
        ],
    ]
    for n, line in enumerate(lines):
        HonourEntry.objects.create(roll=roll, sort_order=n, **line)
    certificate_numbers_assign(roll=roll)
    return roll


def _summaries() -> int:
    articles = list(NewsPage.objects.live().order_by("-date")[:3])
    made = 0
    for county in (None, County.objects.filter(code="411621").first()):
        place = county.name if county else "全市"
        summary, created = YearSummary.objects.get_or_create(
            year=YEAR,
            county=county,
            defaults={"title": f"{YEAR}年度{place}科技助力精准扶贫工作总结"},
        )
        made += 1
        if not created:
            continue
        for n, (heading, text) in enumerate(PARAGRAPHS):
            SummaryParagraph.objects.create(
                summary=summary, heading=heading, text=text, sort_order=n
            )
        for n, article in enumerate(articles):
            SummaryHighlight.objects.create(
                summary=summary, article=article, sort_order=n
            )
    return made


def load(home: Page, fixtures: Path) -> str:
    """Load the recognition demo (see the module docstring)."""
    child_page(
        home,
        RecognitionPage,
        "biaozhang",
        title="表彰奖励",
        intro="以奖代补奖励名单、年度表彰名单和突出贡献专家证书查验。",
        search_description="以奖代补、年度表彰名单和证书查验",
        show_in_menus=True,
    )
    granted = _awards(home, fixtures)
    roll = _honour_roll()
    summaries = _summaries()
    certificates = roll.entries.exclude(certificate_number="").count()
    return (
        f"recognition: {granted} awards, honour roll of {roll.entries.count()} "
        f"with {certificates} certificates, {summaries} summaries"
    )
