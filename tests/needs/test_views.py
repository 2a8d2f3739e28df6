"""The public needs library: filters and facets, bad input, pagination, the
detail page, privacy on every public surface, downloads and enquiries."""

import csv
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from kexie_pages.models import Enquiry, Expert, Need, NeedStatus
from kexie_pages.needs.services import need_confirm_match, need_set_status

from .helpers import ENQUIRY, SECRET_NAME, SECRET_PHONE

pytestmark = pytest.mark.django_db


#: Any mainland mobile number, as the private contact and enquiry phones are.
PHONE = re.compile(r"1[3-9]\d{9}")


def titles(response) -> list[str]:
    return re.findall(
        r'<h2><a href="[^"]+">([^<]+)</a></h2>', response.content.decode()
    )


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


def test_pagination_keeps_filters(client, library, make_need):
    for i in range(25):
        make_need(title=f"种植需求{i:02d}")
    page1 = client.get("/needs/", {"county": "411621"}).content.decode()
    assert len(re.findall(r'class="need need--', page1)) == 20
    assert "county=411621&amp;page=2" in page1
    page2 = client.get("/needs/", {"county": "411621", "page": "2"})
    assert len(titles(page2)) == 5


def test_library_query_count_does_not_grow_with_rows(client, library, make_need):
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


def test_csv_export_sorted_by_industry_then_county_and_filtered(
    client, library, county, category, make_need
):
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


def test_xlsx_export_groups_by_industry_and_is_formula_safe(
    client, library, category, make_need
):
    make_need(title='=HYPERLINK("http://evil.example","点我")', village="+1村")
    make_need(title="肉牛", category=category("养殖"))
    response = client.get("/needs/export/xlsx/")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["全部需求", "种植", "养殖"]
    cells = [c.value for c in workbook["种植"][2]]
    assert cells[4] == '\'=HYPERLINK("http://evil.example","点我")'
    assert cells[3] == "'+1村"
    assert workbook["种植"][2][4].data_type == "s"


def test_enquiry_reaches_staff_and_accepting_moves_the_need(
    client, needs, staff, enquire
):
    need = needs["wheat"]
    response = enquire(client, need)
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
def test_enquiry_bad_input_in_chinese(client, needs, change, message, enquire):
    response = enquire(client, needs["wheat"], **change)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Enquiry.objects.exists()


def test_enquiry_honeypot_and_draft_needs(client, needs, enquire):
    response = enquire(client, needs["wheat"], website="x")
    assert response.status_code == 400
    assert client.post(f"/needs/{needs['draft'].pk}/", ENQUIRY).status_code == 404
    assert not Enquiry.objects.exists()


def test_export_links_name_the_sites_public_address(client, library, make_need):
    from kexie_pages.base.services import site_url_apply

    need = make_need()
    site_url_apply(url="https://kx.example.cn")
    response = client.get("/needs/export/csv/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][-1] == f"https://kx.example.cn/needs/{need.pk}/"


# --- the county forms' defences on the enquiry form (issue 11, items 4 and 5) ------


def test_a_replayed_enquiry_is_stored_once(client, needs, form_token):
    need = needs["wheat"]
    url = f"/needs/{need.pk}/"
    data = {**ENQUIRY, "form_token": form_token(client, url)}
    responses = [client.post(url, data) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert {r["Location"] for r in responses} == {f"{url}?sent=1#enquiry"}
    assert Enquiry.objects.count() == 1


def test_a_changed_enquiry_with_a_reused_token_is_stored_too(client, needs, form_token):
    url = f"/needs/{needs['wheat'].pk}/"
    data = {**ENQUIRY, "form_token": form_token(client, url)}
    client.post(url, data)
    # Back, the offer reworded, sent again with the page's old token.
    changed = client.post(url, {**data, "message": "我们还可以提供抗病品种。"})
    assert changed.status_code == 302
    assert sorted(Enquiry.objects.values_list("message", flat=True)) == sorted(
        [ENQUIRY["message"], "我们还可以提供抗病品种。"]
    )


def test_the_eleventh_enquiry_in_a_minute_from_one_address_is_refused(
    client, needs, enquire
):
    need = needs["wheat"]
    for number in range(10):
        response = enquire(client, need, name=f"联系人{number}")
        assert response.status_code == 302, number
    refused = enquire(client, need, message="第十一条：可派两名专家。")
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "提交过于频繁" in html
    assert "第十一条：可派两名专家。" in html  # the input is kept
    assert Enquiry.objects.count() == 10
    other = enquire(Client(REMOTE_ADDR="10.0.0.9"), need)
    assert other.status_code == 302


def test_enquiry_with_the_honeypot_filled_is_refused_and_not_stored(
    client, needs, enquire
):
    response = enquire(client, needs["wheat"], website="http://spam.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "您的提交未被接受" in html
    assert ENQUIRY["message"] in html
    assert not Enquiry.objects.exists()


def test_enquiry_without_a_valid_token_keeps_the_input_and_gives_a_fresh_one(
    client, needs
):
    url = f"/needs/{needs['wheat'].pk}/"
    response = client.post(url, {**ENQUIRY, "form_token": "forged"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "表单已过期" in html and ENQUIRY["message"] in html
    assert not Enquiry.objects.exists()
    fresh = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert client.post(url, {**ENQUIRY, "form_token": fresh}).status_code == 302


def test_need_page_with_the_enquiry_form_is_never_cached(client, needs, enquire):
    url = f"/needs/{needs['wheat'].pk}/"
    control = client.get(url)["Cache-Control"]
    assert "no-store" in control and "private" in control
    refused = enquire(client, needs["wheat"], phone="12345")
    assert "no-store" in refused["Cache-Control"]


def test_an_empty_enquiry_post_shows_the_errors_in_chinese(client, needs):
    response = client.post(f"/needs/{needs['wheat'].pk}/", {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写学会、企业或单位名称" in html and "表单已过期" in html
    assert not Enquiry.objects.exists()
