"""The needs library: models, public filters and facets, privacy on every public
surface, downloads, enquiries, matching, statistics, the API and the admin."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from openpyxl import load_workbook
from wagtail.models import Page

from kexie_pages.models import (
    Achievement,
    County,
    Enquiry,
    Expert,
    IndustryCategory,
    Need,
    NeedMatch,
    NeedsLibraryPage,
    NeedStatus,
)
from kexie_pages.needs.matching import need_keywords, need_match_suggestions
from kexie_pages.needs.selectors import (
    NeedFilters,
    needs_public_facets,
    needs_statistics,
)
from kexie_pages.needs.services import (
    NeedsError,
    enquiry_accept,
    need_confirm_match,
    need_set_status,
    needs_bulk_create,
    needs_export,
)

pytestmark = pytest.mark.django_db

#: Any mainland mobile number, as the private contact and enquiry phones are.
PHONE = re.compile(r"1[3-9]\d{9}")
SECRET_PHONE = "13912345678"
SECRET_NAME = "保密支书甲"


@pytest.fixture(autouse=True)
def chinese():
    """Services called outside a request speak the site's language too."""
    with translation.override("zh-hans"):
        yield


def county(name: str) -> County:
    return County.objects.get(name=name)


def category(name: str) -> IndustryCategory:
    return IndustryCategory.objects.get(name=name)


def make_need(**fields) -> Need:
    """One published need in 扶沟县 / 种植 unless told otherwise."""
    values = {
        "title": "小麦赤霉病连年发生",
        "county": county("扶沟县"),
        "township": "练寺镇",
        "village": "前王庄村",
        "category": category("种植"),
        "description": "小麦扬花期遇雨，赤霉病发病率超过三成，需要防治技术。",
        "households": 12,
        "contact_name": SECRET_NAME,
        "contact_phone": SECRET_PHONE,
    }
    values.update(fields)
    return needs_bulk_create(needs=[Need(**values)], publish=True)[0]


@pytest.fixture
def library(home) -> NeedsLibraryPage:
    return home.add_child(
        instance=NeedsLibraryPage(title="科技需求库", slug="needs", per_page=20)
    )


@pytest.fixture
def needs(library) -> dict[str, Need]:
    return {
        "wheat": make_need(),
        "cattle": make_need(
            title="肉牛育肥效率低",
            county=county("西华县"),
            category=category("养殖"),
            description="肉牛育肥周期长，需要秸秆青贮饲喂技术。",
        ),
        "greenhouse": make_need(
            title="日光温室蔬菜连作障碍",
            county=county("扶沟县"),
            category=category("设施休闲农业"),
            description="黄瓜连作多年，根结线虫严重。",
        ),
        "draft": needs_bulk_create(
            needs=[
                Need(
                    title="草稿需求小麦",
                    county=county("扶沟县"),
                    township="练寺镇",
                    village="后李楼村",
                    category=category("种植"),
                    description="尚未审核的小麦需求。",
                    contact_phone="13700001111",
                )
            ]
        )[0],
    }


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser(
        "staff", "staff@example.cn", "pw-staff"
    )


def titles(response) -> list[str]:
    return re.findall(
        r'<h2><a href="[^"]+">([^<]+)</a></h2>', response.content.decode()
    )


# Models ----------------------------------------------------------------


def test_need_is_a_draftable_revisioned_model(needs):
    need = needs["wheat"]
    assert need.live and not needs["draft"].live
    assert need.place == "扶沟县练寺镇前王庄村"
    assert need.masked_contact_phone == "139****5678"
    assert need.get_url() == f"/needs/{need.pk}/"
    # A revision saved before a status change does not wind the status back.
    revision = need.save_revision()
    need_set_status(need=need, status=NeedStatus.IN_TALKS)
    need.refresh_from_db()
    revision.publish()
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_TALKS
    assert [c.status for c in need.status_changes.all()] == ["open", "in_talks"]


def test_bulk_create_makes_drafts_with_history(library):
    created = needs_bulk_create(
        needs=[
            Need(
                title=f"需求{i}",
                county=county("郸城县"),
                township="城关镇",
                village="东王庄村",
                category=category("养殖"),
                description="养殖技术",
            )
            for i in range(30)
        ]
    )
    assert len(created) == 30
    assert Need.objects.filter(live=False, has_unpublished_changes=True).count() == 30
    assert all(n.status_changes.count() == 1 for n in created[:3])


def test_unknown_status_is_refused_in_chinese(needs):
    with pytest.raises(NeedsError, match="未知状态"):
        need_set_status(need=needs["wheat"], status="nonsense")


# Public library: filters, facets, bad input ---------------------------------


def test_library_lists_live_needs_only(client, needs):
    response = client.get("/needs/")
    assert response.status_code == 200
    assert set(titles(response)) == {
        "小麦赤霉病连年发生",
        "肉牛育肥效率低",
        "日光温室蔬菜连作障碍",
    }
    assert "3 条需求" in response.content.decode()
    assert client.get(f"/needs/{needs['draft'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"county": "411621"}, {"小麦赤霉病连年发生", "日光温室蔬菜连作障碍"}),
        ({"category": "yangzhi"}, {"肉牛育肥效率低"}),
        (
            {"status": "open"},
            {"小麦赤霉病连年发生", "肉牛育肥效率低", "日光温室蔬菜连作障碍"},
        ),
        ({"q": "小麦"}, {"小麦赤霉病连年发生"}),
        ({"q": "青贮"}, {"肉牛育肥效率低"}),
        ({"county": "411621", "category": "zhongzhi"}, {"小麦赤霉病连年发生"}),
        ({"county": "411621", "q": "线虫"}, {"日光温室蔬菜连作障碍"}),
        ({"county": "411622", "q": "小麦"}, set()),
        (
            {
                "county": "411621",
                "category": "zhongzhi",
                "status": "open",
                "q": "赤霉病",
            },
            {"小麦赤霉病连年发生"},
        ),
        ({"status": "solved"}, set()),
    ],
)
def test_filters_combine(client, needs, params, expected):
    response = client.get("/needs/", params)
    assert response.status_code == 200
    assert set(titles(response)) == expected


def test_status_filter_after_a_change(client, needs):
    need_set_status(need=needs["cattle"], status=NeedStatus.SOLVED)
    assert titles(client.get("/needs/", {"status": "solved"})) == ["肉牛育肥效率低"]


def test_filtered_url_is_bookmarkable_and_keeps_the_form(client, needs):
    page = client.get("/needs/?county=411621&category=zhongzhi&q=小麦").content.decode()
    assert '<option value="411621" selected>扶沟县 (1)</option>' in page
    assert '<option value="zhongzhi" selected>种植 (1)</option>' in page
    assert 'value="小麦"' in page
    assert "export/csv/?county=411621&amp;category=zhongzhi&amp;q=" in page


def test_facet_counts_apply_the_other_filters(needs):
    facets = needs_public_facets(filters=NeedFilters(county="411621"))
    by_county = {f.label: f.count for f in facets.counties}
    by_category = {f.label: f.count for f in facets.categories}
    assert (
        by_county["扶沟县"] == 2 and by_county["西华县"] == 1
    )  # county ignores itself
    assert by_category == {
        **dict.fromkeys(by_category, 0),
        "种植": 1,
        "设施休闲农业": 1,
    }
    assert {f.value: f.count for f in facets.statuses}["open"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"county": "999999"},
        {"county": "<script>"},
        {"category": "no-such-industry"},
        {"status": "nonsense"},
        {"page": "9999"},
        {"page": "abc"},
        {"page": "-1"},
        {"q": "小麦" * 2500},
        {"q": "!!!"},
        {"county": ["411621", "411622"]},
    ],
)
def test_bad_filter_values_get_a_normal_page(client, needs, params):
    response = client.get("/needs/", params)
    assert response.status_code == 200
    assert "科技需求库" in response.content.decode()


def test_empty_states(client, library, needs):
    page = client.get("/needs/", {"county": "999999"}).content.decode()
    assert "没有符合条件的需求" in page and "查看全部需求" in page
    Need.objects.all().delete()
    assert "尚未发布需求" in client.get("/needs/").content.decode()


def test_pagination_keeps_filters(client, library):
    for i in range(25):
        make_need(title=f"种植需求{i:02d}")
    page1 = client.get("/needs/", {"county": "411621"}).content.decode()
    assert len(re.findall(r'class="need need--', page1)) == 20
    assert "county=411621&amp;page=2" in page1
    page2 = client.get("/needs/", {"county": "411621", "page": "2"})
    assert len(titles(page2)) == 5


def test_library_query_count_does_not_grow_with_rows(client, library):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(45):
        make_need(title=f"种植需求{i:02d}")
    client.get("/needs/")  # creates the site settings row once

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/needs/", params).status_code == 200
        return len(context.captured_queries)

    first = queries(county="411621")
    assert queries(county="411621", page="3") == first
    library.per_page = 40
    library.save_revision().publish()
    client.get("/needs/")  # publishing emptied the cached menu; refill it
    assert queries(county="411621", page="2") == first
    assert queries(county="411621", q="小麦") == first
    # 3 are the library's own (facets with the count, the page's ids, its
    # rows); the rest are Wagtail's page routing and privacy check. The menu,
    # the taxonomy and the site settings come from the cache.
    assert first <= 10


def test_detail_page_shows_history_and_public_matches_only(client, needs):
    need = needs["wheat"]
    public = Expert.objects.create(
        name="张伟", employer="周口市农业科学院", is_public=True
    )
    private = Expert.objects.create(
        name="李娜", employer="周口师范学院", is_public=False
    )
    need_confirm_match(need=need, expert=public)
    need_confirm_match(need=need, expert=private)
    page = client.get(f"/needs/{need.pk}/").content.decode()
    assert "张伟" in page and "李娜" not in page
    assert "已对接" in page and "与张伟对接" in page
    assert "涉及贫困户数" in page


# Privacy on every public surface -------------------------------------------


def assert_private(text: str) -> None:
    assert SECRET_NAME not in text
    found = PHONE.findall(text)
    assert not found, f"phone numbers leaked: {found}"


def test_private_contact_never_public(client, needs, library):
    need = needs["wheat"]
    Enquiry.objects.create(
        need=need,
        organisation="周口市植保学会",
        name="赵六",
        phone="13655556666",
        message="可以帮助",
    )
    surfaces = [
        "/needs/",
        f"/needs/{need.pk}/",
        f"/needs/{need.pk}/?sent=1",
        "/needs/?q=小麦",
        "/needs/export/csv/",
        "/api/v3/kexie/needs/",
        f"/api/v3/kexie/needs/{need.pk}/",
        "/sitemap.xml",
        f"/search/?q={SECRET_PHONE}",
        f"/search/?q={SECRET_NAME}",
        "/api/v3/pages/",
        "/api/v3/openapi.json",
    ]
    for url in surfaces:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        if url.startswith("/search/"):
            # The search box shows back what was typed; nothing else may.
            text = text.replace(SECRET_PHONE, "").replace(SECRET_NAME, "")
        assert_private(text)
    workbook = load_workbook(io.BytesIO(client.get("/needs/export/xlsx/").content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert_private(" ".join(str(v) for v in row if v is not None))
    # A keyword search for the private phone finds nothing.
    assert titles(client.get("/needs/", {"q": SECRET_PHONE})) == []


def test_sitemap_lists_live_needs(client, needs):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/needs/{needs['wheat'].pk}/" in sitemap
    assert f"/needs/{needs['draft'].pk}/" not in sitemap


# Downloads ------------------------------------------------------------------


def test_csv_export_sorted_by_industry_then_county_and_filtered(client, library):
    make_need(title="西华养殖", county=county("西华县"), category=category("养殖"))
    make_need(title="扶沟养殖", county=county("扶沟县"), category=category("养殖"))
    make_need(title="西华种植", county=county("西华县"), category=category("种植"))
    make_need(title="扶沟种植", county=county("扶沟县"), category=category("种植"))
    response = client.get("/needs/export/csv/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["产业", "区县", "乡镇", "所在村", "标题"]
    assert [r[4] for r in rows[1:]] == ["扶沟种植", "西华种植", "扶沟养殖", "西华养殖"]
    filtered = client.get("/needs/export/csv/", {"county": "411622"})
    rows = list(csv.reader(io.StringIO(filtered.content.decode("utf-8-sig"))))
    assert [r[4] for r in rows[1:]] == ["西华种植", "西华养殖"]


def test_xlsx_export_groups_by_industry_and_is_formula_safe(client, library):
    make_need(title='=HYPERLINK("http://evil.example","点我")', village="+1村")
    make_need(title="肉牛", category=category("养殖"))
    response = client.get("/needs/export/xlsx/")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["全部需求", "种植", "养殖"]
    cells = [c.value for c in workbook["种植"][2]]
    assert cells[4] == '\'=HYPERLINK("http://evil.example","点我")'
    assert cells[3] == "'+1村"
    assert workbook["种植"][2][4].data_type == "s"


def test_unknown_export_format(client, library):
    assert client.get("/needs/export/pdf/").status_code == 404
    with pytest.raises(NeedsError, match="未知格式"):
        needs_export(needs=Need.objects.all(), file_format="pdf")


# Enquiries (对接洽谈) ---------------------------------------------------------


ENQUIRY = {
    "kind": "society",
    "organisation": "周口市植物保护学会",
    "name": "赵老师",
    "phone": "138 0000 1234",
    "message": "我们可以派专家现场指导赤霉病防治。",
}


def test_enquiry_reaches_staff_and_accepting_moves_the_need(client, needs, staff):
    need = needs["wheat"]
    response = client.post(f"/needs/{need.pk}/", ENQUIRY)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/needs/{need.pk}/?sent=1#enquiry")
    page = client.get(response["Location"]).content.decode()
    assert "您的对接意向已送达工作人员" in page
    enquiry = Enquiry.objects.get()
    assert enquiry.need == need and enquiry.phone == "13800001234"
    assert enquiry.status == "new"

    client.force_login(staff)
    listing = client.get("/admin/snippets/kexie_pages/enquiry/").content.decode()
    assert "周口市植物保护学会" in listing
    matching = f"/admin/snippets/kexie_pages/need/matching/{need.pk}/"
    assert "13800001234" in client.get(matching).content.decode()
    response = client.post(matching, {"action": "accept", "target": enquiry.pk})
    assert response.status_code == 302
    need.refresh_from_db()
    enquiry.refresh_from_db()
    assert need.status == NeedStatus.IN_TALKS and enquiry.status == "accepted"
    assert enquiry.handled_by == staff
    client.logout()
    page = client.get(f"/needs/{need.pk}/").content.decode()
    assert "正与周口市植物保护学会洽谈" in page
    assert "13800001234" not in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "12345"}, "请填写11位手机号码"),
        ({"phone": ""}, "请填写便于工作人员联系的电话"),
        ({"organisation": ""}, "请填写学会、企业或单位名称"),
        ({"message": ""}, "请简要说明能提供的帮助"),
        ({"message": "长" * 1001}, "1000"),
        ({"kind": "alien"}, "选择一个有效的选项"),
    ],
)
def test_enquiry_bad_input_in_chinese(client, needs, change, message):
    response = client.post(f"/needs/{needs['wheat'].pk}/", {**ENQUIRY, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Enquiry.objects.exists()


def test_enquiry_honeypot_and_draft_needs(client, needs):
    response = client.post(f"/needs/{needs['wheat'].pk}/", {**ENQUIRY, "website": "x"})
    assert response.status_code == 400
    assert client.post(f"/needs/{needs['draft'].pk}/", ENQUIRY).status_code == 404
    assert not Enquiry.objects.exists()


def test_accept_never_moves_a_need_back(needs):
    need = needs["wheat"]
    need_set_status(need=need, status=NeedStatus.SOLVED)
    enquiry = Enquiry.objects.create(
        need=need, organisation="某公司", name="甲", phone="13800000000", message="m"
    )
    enquiry_accept(enquiry=enquiry)
    need.refresh_from_db()
    assert need.status == NeedStatus.SOLVED


# Matching (找准切合点) -------------------------------------------------------


@pytest.fixture
def directory(db):
    fugou, xihua = county("扶沟县"), county("西华县")
    zhongzhi, yangzhi = category("种植"), category("养殖")

    def expert(name, speciality, categories, counties, public=True):
        e = Expert.objects.create(
            name=name,
            employer="周口市农业科学院",
            speciality=speciality,
            is_public=public,
        )
        e.categories.set(categories)
        e.counties.set(counties)
        return e

    return {
        "best": expert("甲专家", "小麦赤霉病防治", [zhongzhi], [fugou]),
        "industry_county": expert("乙专家", "玉米高产栽培", [zhongzhi], [fugou]),
        "industry_citywide": expert("丙专家", "棉花栽培", [zhongzhi], []),
        "industry_elsewhere": expert("丁专家", "大豆栽培", [zhongzhi], [xihua]),
        "keywords_only": expert("戊专家", "赤霉病与小麦病害", [yangzhi], [xihua]),
        "county_only": expert("己专家", "肉牛养殖", [yangzhi], [fugou]),
        "unrelated": expert("庚专家", "水产养殖", [yangzhi], [xihua]),
    }


def test_keywords_of_a_need(needs):
    words = need_keywords(need=needs["wheat"])
    assert "赤霉病" in words and "小麦" in words
    assert "技术" not in words


def test_suggestions_ranked_with_reasons(needs, directory):
    experts, _achievements = need_match_suggestions(need=needs["wheat"])
    names = [s.label for s in experts]
    assert names[0] == "甲专家"
    assert names.index("乙专家") < names.index("丙专家") < names.index("丁专家")
    assert "戊专家" in names
    assert "己专家" not in names and "庚专家" not in names
    best = experts[0]
    assert best.reasons[0] == "同一产业：种植"
    assert best.reasons[1] == "服务扶沟县"
    assert best.reasons[2].startswith("共同关键词：") and "赤霉病" in best.reasons[2]
    citywide = next(s for s in experts if s.label == "丙专家")
    assert "服务全市" in citywide.reasons


def test_achievement_suggestions(needs):
    a = Achievement.objects.create(
        title="小麦赤霉病绿色防控技术规程",
        organisation="周口市植保植检站",
        is_public=True,
    )
    a.categories.set([category("种植")])
    Achievement.objects.create(title="肉牛青贮", organisation="周口市畜牧站")
    _experts, achievements = need_match_suggestions(need=needs["wheat"])
    assert [s.label for s in achievements] == ["小麦赤霉病绿色防控技术规程"]


def test_confirm_match_in_one_click(client, needs, directory, staff):
    need = needs["wheat"]
    client.force_login(staff)
    url = f"/admin/snippets/kexie_pages/need/matching/{need.pk}/"
    page = client.get(url).content.decode()
    assert "甲专家" in page and "同一产业：种植" in page and "确认对接" in page
    response = client.post(
        url,
        {
            "action": "match-expert",
            "target": directory["best"].pk,
            "reason": "同一产业：种植",
        },
    )
    assert response.status_code == 302
    match = NeedMatch.objects.get()
    assert match.expert == directory["best"] and match.matched_by == staff
    need.refresh_from_db()
    assert need.status == NeedStatus.MATCHED
    # Matched entries are no longer suggested; a second click changes nothing.
    experts, _ = need_match_suggestions(need=need)
    assert "甲专家" not in [s.label for s in experts]
    client.post(url, {"action": "match-expert", "target": directory["best"].pk})
    assert NeedMatch.objects.count() == 1
    client.post(url, {"action": "unmatch", "target": match.pk})
    assert not NeedMatch.objects.exists()


def test_matching_screen_needs_permission(client, needs, db):
    user = get_user_model().objects.create_user("clerk", password="pw")
    client.force_login(user)
    response = client.get(
        f"/admin/snippets/kexie_pages/need/matching/{needs['wheat'].pk}/"
    )
    assert response.status_code in (302, 403)


def test_matching_screen_unknown_action_is_a_message(client, needs, staff):
    client.force_login(staff)
    url = f"/admin/snippets/kexie_pages/need/matching/{needs['wheat'].pk}/"
    response = client.post(url, {"action": "status", "status": "nope"}, follow=True)
    assert "未知状态" in response.content.decode()


# Statistics and dashboard ------------------------------------------------------


def test_statistics(needs):
    need_set_status(need=needs["cattle"], status=NeedStatus.SOLVED)
    stats = needs_statistics()
    rows = {row["county"].name: row for row in stats["counties"]}
    assert rows["扶沟县"]["by_status"] == {
        "open": 3,
        "in_talks": 0,
        "matched": 0,
        "solved": 0,
    }
    assert rows["西华县"]["by_status"]["solved"] == 1
    assert rows["郸城县"]["total"] == 0
    assert len(stats["counties"]) == County.objects.count()
    industries = {row["category"].name: row for row in stats["industries"]}
    assert industries["种植"]["total"] == 2 and industries["种植"]["households"] == 12
    assert industries["养殖"]["solved"] == 1
    assert stats["total"] == 4
    assert needs_statistics(live_only=True)["total"] == 3


def test_dashboard_panel(client, needs, staff):
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert "科技需求库" in page and "待对接" in page and "扶沟县" in page


def test_admin_need_list_and_edit(client, needs, staff):
    client.force_login(staff)
    listing = client.get("/admin/snippets/kexie_pages/need/", {"status": "open"})
    assert "小麦赤霉病连年发生" in listing.content.decode()
    edit = client.get(f"/admin/snippets/kexie_pages/need/edit/{needs['wheat'].pk}/")
    assert edit.status_code == 200
    assert SECRET_PHONE in edit.content.decode()


# API ------------------------------------------------------------------------


def test_api_lists_public_fields_filtered(client, needs):
    data = client.get("/api/v3/kexie/needs/", {"county": "411621"}).json()
    assert data["count"] == 2
    item = data["items"][0]
    assert set(item) == {
        "id",
        "title",
        "county",
        "township",
        "village",
        "category",
        "description",
        "households",
        "season",
        "urgency",
        "status",
        "status_label",
        "reported_on",
        "url",
    }
    assert (
        client.get("/api/v3/kexie/needs/", {"category": "yangzhi"}).json()["count"] == 1
    )
    assert client.get("/api/v3/kexie/needs/", {"status": "solved"}).json()["count"] == 0
    assert client.get("/api/v3/kexie/needs/", {"q": "小麦"}).json()["count"] == 1
    assert client.get("/api/v3/kexie/needs/", {"county": "bogus"}).json()["count"] == 0


def test_api_detail(client, needs):
    need = needs["wheat"]
    data = client.get(f"/api/v3/kexie/needs/{need.pk}/").json()
    assert data["title"] == "小麦赤霉病连年发生"
    assert data["url"].endswith(f"/needs/{need.pk}/")
    assert data["history"][0]["status"] == "open"
    assert client.get(f"/api/v3/kexie/needs/{needs['draft'].pk}/").status_code == 404
    assert "/api/v3/kexie/needs/" in client.get("/api/v3/openapi.json").content.decode()


def test_library_page_is_a_normal_page(needs):
    assert Page.objects.type(NeedsLibraryPage).live().count() == 1


def test_admin_add_edit_preview_and_enquiry_views(client, needs, staff):
    client.force_login(staff)
    need = needs["wheat"]
    assert client.get("/admin/snippets/kexie_pages/need/add/").status_code == 200
    enquiry = Enquiry.objects.create(
        need=need, organisation="某学会", name="甲", phone="13800000000", message="m"
    )
    edit = client.get(f"/admin/snippets/kexie_pages/enquiry/edit/{enquiry.pk}/")
    assert edit.status_code == 200 and "小麦赤霉病连年发生" in edit.content.decode()
    preview = client.get(f"/admin/snippets/kexie_pages/need/preview/{need.pk}/")
    assert preview.status_code in (200, 405)


def test_admin_publishes_a_draft(client, needs, staff):
    client.force_login(staff)
    draft = needs["draft"]
    response = client.post(
        f"/admin/snippets/kexie_pages/need/edit/{draft.pk}/",
        {
            "title": "草稿需求小麦（已审核）",
            "county": draft.county_id,
            "township": draft.township,
            "village": draft.village,
            "category": draft.category_id,
            "description": draft.description,
            "households": 5,
            "season": "",
            "urgency": "normal",
            "reported_on": "2016-10-01",
            "contact_name": "",
            "contact_phone": "13700001111",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.live and draft.title == "草稿需求小麦（已审核）"
    assert client.get(f"/needs/{draft.pk}/").status_code == 200
