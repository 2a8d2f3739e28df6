"""Fixtures of the recognition tests: public directory entries (with phones to
scan for), a nomination form and its awards round, a published honour roll
with certificates, and the public recognition page."""

import datetime
from collections.abc import Callable

import pytest

from kexie_forms.models import FormField, FormPage, FormSubmission, SubmissionStatus
from kexie_pages.models import (
    Association,
    AwardRound,
    County,
    DemonstrationBase,
    Expert,
    HonourCategory,
    HonourEntry,
    HonourRoll,
    RecognitionPage,
    TechLeader,
    ThinkTankPage,
)
from kexie_pages.recognition.services import certificate_numbers_assign

FUGOU, XIHUA = "411621", "411622"
#: Phone numbers every privacy test scans for (full or in part).
PHONES = ("13803940001", "13803940002", "13803940003", "13803940004", "13803940005")


@pytest.fixture
def entries(db) -> dict:
    """One public entry of each directory a nomination or roll may name."""
    fugou = County.objects.get(code=FUGOU)
    xihua = County.objects.get(code=XIHUA)
    expert = Expert.objects.create(
        name="李建国",
        employer="河南农业大学",
        title="教授",
        speciality="小麦赤霉病防治",
        phone=PHONES[0],
        is_public=True,
    )
    return {
        "expert": expert,
        "association": Association.objects.create(
            name="扶沟县蔬菜种植协会", county=fugou, phone=PHONES[1], is_public=True
        ),
        "base": DemonstrationBase.objects.create(
            name="西华县食用菌示范基地", county=xihua, phone=PHONES[2], is_public=True
        ),
        "leader": TechLeader.objects.create(
            name="王富贵",
            village="前进村",
            county=fugou,
            phone=PHONES[3],
            is_public=True,
        ),
        "fugou": fugou,
        "xihua": xihua,
    }


@pytest.fixture
def nomination_form(home) -> FormPage:
    """A 以奖代补 call: county, nominee, evidence, a photo, a contact mobile; scored."""
    page = FormPage(
        title="2026年以奖代补推荐",
        slug="awards-2026",
        receipt_prefix="JB",
        review_scores=True,
    )
    page.form_fields = [
        FormField(label="county", field_type="county", sort_order=0),
        FormField(label="nominee", field_type="nominee", sort_order=1),
        FormField(label="帮扶贫困户数", field_type="number", sort_order=2),
        FormField(label="带动增收（万元）", field_type="number", sort_order=3),
        FormField(
            label="photo",
            field_type="file",
            required=False,
            allowed_file_types="jpg,png",
            sort_order=4,
        ),
        FormField(label="mobile", field_type="mobile", sort_order=5),
    ]
    home.add_child(instance=page)
    return page


@pytest.fixture
def award_round(nomination_form) -> AwardRound:
    return AwardRound.objects.create(
        year=2026, title="2026年度以奖代补", form_page=nomination_form
    )


@pytest.fixture
def nomination(nomination_form, entries) -> Callable[..., FormSubmission]:
    """``nomination(entry_key="association", county=FUGOU, households=..., income=...)``:
    a stored nomination as the public form would store it."""

    def create(
        entry_key: str = "association",
        county: str = FUGOU,
        households: int = 56,
        income: str = "12.5",
        n: int = 1,
    ) -> FormSubmission:
        directory = {
            "association": "associations",
            "base": "demo-bases",
            "leader": "leaders",
        }[entry_key]
        fields = {f.label: f.clean_name for f in nomination_form.get_form_fields()}
        return FormSubmission.objects.create(
            page=nomination_form,
            county=County.objects.get(code=county),
            receipt_number=f"JB-2026-{n:06d}",
            status=SubmissionStatus.ACCEPTED,
            form_data={
                fields["county"]: County.objects.get(code=county).name,
                fields["nominee"]: f"{directory}:{entries[entry_key].pk}",
                fields["帮扶贫困户数"]: households,
                fields["带动增收（万元）"]: income,
                fields["mobile"]: PHONES[4],
            },
        )

    return create


@pytest.fixture
def honour_roll(entries) -> HonourRoll:
    """The published 2026 roll: a unit, an individual and an expert with a certificate."""
    roll = HonourRoll.objects.create(
        year=2026,
        title="2026年度科技助力精准扶贫表彰名单",
        issued_on=datetime.date(2026, 12, 20),
        is_published=True,
    )
    HonourEntry.objects.create(
        roll=roll,
        category=HonourCategory.UNIT,
        association=entries["association"],
        sort_order=0,
    )
    HonourEntry.objects.create(
        roll=roll, category=HonourCategory.UNIT, name="扶沟县科协", sort_order=1
    )
    HonourEntry.objects.create(
        roll=roll,
        category=HonourCategory.INDIVIDUAL,
        leader=entries["leader"],
        sort_order=2,
    )
    HonourEntry.objects.create(
        roll=roll,
        category=HonourCategory.EXPERT,
        expert=entries["expert"],
        citation="深入田间推广小麦赤霉病综合防治技术",
        sort_order=3,
    )
    certificate_numbers_assign(roll=roll)
    return roll


@pytest.fixture
def certificate(honour_roll) -> HonourEntry:
    return honour_roll.entries.get(category=HonourCategory.EXPERT)


@pytest.fixture
def recognition_page(home) -> RecognitionPage:
    return home.add_child(
        instance=RecognitionPage(title="表彰奖励", slug="recognition")
    )


@pytest.fixture
def think_tank_pages(home) -> dict[str, ThinkTankPage]:
    """A public directory page for associations and one for tech-leaders."""
    return {
        directory: home.add_child(
            instance=ThinkTankPage(title=title, slug=directory, directory=directory)
        )
        for directory, title in (
            ("associations", "农技协"),
            ("leaders", "科技致富带头人"),
            ("experts", "专家库"),
        )
    }


@pytest.fixture
def programme_year(entries, award_round, nomination, home, make_pdf):
    """A year of data in 扶沟县 and 西华县, with a few records of 2025 that must
    not count: needs, a match, agreements, courses with attendance, farmers
    checked in, booklet downloads, and two awards (one granted)."""
    import datetime as dt

    from django.utils import timezone

    from kexie_pages.models import (
        Agreement,
        AwardDecision,
        BookletDownloadCount,
        BookletIndexPage,
        BookletPage,
        CoursePage,
        CourseRegistration,
        IndustryCategory,
        LectureHallPage,
        Need,
        NeedMatch,
    )
    from kexie_pages.needs.services import needs_bulk_create
    from kexie_pages.recognition.services import award_decide, award_from_submission
    from kexie_pages.results.models import (
        Attendance,
        CheckInMethod,
        CheckInSheet,
        Trainee,
    )

    fugou, xihua = entries["fugou"], entries["xihua"]
    category = IndustryCategory.objects.first()

    def need(county, day, status="open"):
        return needs_bulk_create(
            needs=[
                Need(
                    title="小麦赤霉病",
                    county=county,
                    township="练寺镇",
                    village="王庄村",
                    category=category,
                    description="需要防治技术",
                    contact_name="支书",
                    contact_phone=PHONES[4],
                    reported_on=day,
                    status=status,
                )
            ],
            publish=True,
        )[0]

    first = need(fugou, dt.date(2026, 3, 1))
    need(fugou, dt.date(2026, 4, 1))
    need(fugou, dt.date(2026, 5, 1), status="matched")
    need(xihua, dt.date(2026, 5, 1))
    need(fugou, dt.date(2025, 5, 1))
    NeedMatch.objects.create(need=first, expert=entries["expert"])

    def agreement(county, signed, status):
        return Agreement.objects.create(
            title=f"{county.name}协作{signed}",
            kind="cooperation",
            status=status,
            county=county,
            township="练寺镇",
            partner_association=entries["association"],
            responsible_expert=entries["expert"],
            signed_on=signed,
        )

    agreement(fugou, dt.date(2026, 9, 10), "signed")
    agreement(fugou, dt.date(2026, 9, 20), "in_progress")
    agreement(xihua, dt.date(2026, 9, 15), "completed")
    agreement(fugou, dt.date(2025, 9, 1), "completed")

    hall = home.add_child(instance=LectureHallPage(title="大讲堂", slug="hall"))
    tz = timezone.get_current_timezone()
    for n, (county, month, total, poor) in enumerate(
        ((fugou, 6, 80, 30), (fugou, 7, 50, 20), (xihua, 6, 40, 10))
    ):
        course = hall.add_child(
            instance=CoursePage(
                title=f"培训{n}",
                slug=f"course-{n}",
                county=county,
                venue="党群服务中心",
                start=dt.datetime(2026, month, 5, 9, tzinfo=tz),
                end=dt.datetime(2026, month, 5, 11, tzinfo=tz),
                attendance_total=total,
                attendance_poor=poor,
            )
        )
        sheet = CheckInSheet.objects.create(
            course=course, code=f"QD{n:04d}", starts_at=course.start
        )
        # 扶沟县: two farmers at each of its two courses; 西华县: one.
        for k in range(2 if county == fugou else 1):
            phone = f"1390000{k:04d}" if county == fugou else "13900009999"
            registration = CourseRegistration.objects.create(
                course=course, name="农户", phone=phone, village="王庄村"
            )
            trainee, _new = Trainee.objects.get_or_create(
                phone=phone, defaults={"name": "农户", "county": county}
            )
            Attendance.objects.create(
                sheet=sheet,
                registration=registration,
                trainee=trainee,
                method=CheckInMethod.values[0],
            )
    booklets = home.add_child(instance=BookletIndexPage(title="图书", slug="booklets"))
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model()(title="wheat.pdf")
    document.file.save("wheat.pdf", ContentFile(make_pdf(1)), save=False)
    document.save()
    booklet = booklets.add_child(
        instance=BookletPage(
            title="小麦手册", slug="wheat", summary="防治手册", document=document
        )
    )
    BookletDownloadCount.objects.create(
        booklet=booklet, month=dt.date(2026, 3, 1), source="web", count=120
    )
    BookletDownloadCount.objects.create(
        booklet=booklet, month=dt.date(2025, 3, 1), source="web", count=999
    )
    granted = award_from_submission(submission=nomination("association", n=1))
    award_decide(award=granted, user=None, decision=AwardDecision.AWARDED, amount=30000)
    award_from_submission(submission=nomination("base", county=XIHUA, n=2))
