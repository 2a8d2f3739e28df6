"""Browser test: every public page type on a 360 px phone passes axe-core with no
serious or critical finding (contrast, names, landmarks, form labels)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

pytestmark = pytest.mark.e2e

SERIOUS = {"serious", "critical"}


@pytest.fixture
def public_site(home, news_index, news_corpus, add_news, make_pdf) -> list[str]:
    """One page of every public type, with content; returns their paths."""
    from kexie_forms.models import FormField, FormPage
    from kexie_pages.models import (
        BookletIndexPage,
        BookletPage,
        County,
        CoursePage,
        Expert,
        IndustryCategory,
        LectureHallPage,
        Need,
        NeedsLibraryPage,
        ThinkTankPage,
    )
    from kexie_pages.needs.services import need_set_status, needs_bulk_create

    county = County.objects.get(code="411621")
    category = IndustryCategory.objects.get(slug="zhongzhi")
    article = add_news(news_index, 1, news_corpus[0])
    hall = home.add_child(
        instance=LectureHallPage(
            title="农村科普大讲堂", slug="hall", show_in_menus=True
        )
    )
    start = timezone.now() + datetime.timedelta(days=3)
    course = hall.add_child(
        instance=CoursePage(
            title="小麦赤霉病防控培训",
            slug="wheat",
            county=county,
            category=category,
            venue="城郊乡王庄村党群服务中心",
            start=start,
            end=start + datetime.timedelta(hours=2),
            registration_required=True,
            capacity=30,
        )
    )
    booklets = home.add_child(
        instance=BookletIndexPage(
            title="科普图书资料", slug="booklets", show_in_menus=True
        )
    )
    document = get_document_model().objects.create(
        title="小麦病虫害防治手册", file=ContentFile(make_pdf(2), name="wheat.pdf")
    )
    booklet = booklets.add_child(
        instance=BookletPage(
            title="小麦病虫害防治手册",
            slug="wheat-pests",
            category=category,
            summary="赤霉病、条锈病的识别与防治。",
            document=document,
        )
    )
    library = home.add_child(
        instance=NeedsLibraryPage(title="科技需求库", slug="needs", show_in_menus=True)
    )
    needs = needs_bulk_create(
        needs=[
            Need(
                title=f"小麦赤霉病连年发生 {number}",
                county=county,
                township="练寺镇",
                village="前王庄村",
                category=category,
                description="小麦扬花期遇雨，赤霉病发病率超过三成。",
                households=12,
                contact_name="王某",
                contact_phone="13812341234",
            )
            for number in range(4)
        ],
        publish=True,
    )
    for need, status in zip(needs[1:], ["in_talks", "matched", "solved"], strict=True):
        need_set_status(need=need, status=status)
    think_tank = home.add_child(
        instance=ThinkTankPage(
            title="智库", slug="experts", directory="experts", show_in_menus=True
        )
    )
    Expert.objects.create(
        name="李明", employer="周口市农业科学院", is_public=True, phone="13812341234"
    )
    form = FormPage(
        title="贫困村科技需求征集",
        slug="survey",
        receipt_prefix="XQ",
        thank_you_text="<p>感谢填报</p>",
    )
    form.form_fields = [
        FormField(label="county", field_type="county", sort_order=0),
        FormField(
            label="village", field_type="singleline", max_length=20, sort_order=1
        ),
        FormField(label="need", field_type="multiline", max_length=500, sort_order=2),
        FormField(label="mobile", field_type="mobile", sort_order=3),
    ]
    home.add_child(instance=form)
    return [
        "/",
        form.url,
        "/forms/receipt/",
        news_index.url,
        article.url,
        hall.url,
        hall.url + "calendar/",
        course.url,
        booklets.url,
        booklet.url,
        library.url,
        library.url + f"{needs[1].pk}/",
        think_tank.url,
        "/search/?q=小麦",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_pass_axe_on_a_phone(live_server, browser, public_site):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page(viewport={"width": 360, "height": 740})
    found = {}
    for path in public_site:
        response = page.goto(live_server.url + path)
        assert response and response.status == 200, path
        violations = axe.run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')[:160]}"
            for v in violations
            if v["impact"] in SERIOUS
        ]
        if serious:
            found[path] = serious
    assert not found, "\n".join(
        f"{path}: {line}" for path, lines in found.items() for line in lines
    )
