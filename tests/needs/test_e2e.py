"""Browser test on a 360 px phone: library → filter → need → send an enquiry."""

import pytest

from kexie_pages.models import County, Enquiry, IndustryCategory, Need, NeedsLibraryPage
from kexie_pages.needs.services import needs_bulk_create

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filter_open_a_need_and_offer_help(live_server, home, browser, tmp_path):
    home.add_child(
        instance=NeedsLibraryPage(title="科技需求库", slug="needs", show_in_menus=True)
    )
    fugou, xihua = County.objects.get(name="扶沟县"), County.objects.get(name="西华县")
    zhongzhi = IndustryCategory.objects.get(slug="zhongzhi")
    yangzhi = IndustryCategory.objects.get(slug="yangzhi")
    rows = [
        ("小麦赤霉病连年发生", fugou, zhongzhi),
        ("西华县小麦倒伏", xihua, zhongzhi),
        ("扶沟县肉牛育肥", fugou, yangzhi),
    ]
    needs_bulk_create(
        needs=[
            Need(
                title=title,
                county=county,
                category=category,
                township="练寺镇",
                village="前王庄村",
                description="需要技术指导。",
                contact_phone="13912345678",
            )
            for title, county, category in rows
        ],
        publish=True,
    )

    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="科技需求库"
    ).click()
    page.wait_for_url("**/needs/")
    assert page.locator("h1").inner_text() == "科技需求库"
    assert "3 条需求" in page.locator(".needs-summary").inner_text()

    page.get_by_label("区县").select_option("411621")
    page.get_by_label("产业").select_option("zhongzhi")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/needs/?*county=411621*")
    assert "category=zhongzhi" in page.url
    assert page.locator(".need h2").all_inner_texts() == ["小麦赤霉病连年发生"]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the library is {overflow}px wider than the phone"
    page.screenshot(path=str(tmp_path / "needs-360.png"), full_page=True)

    page.get_by_role("link", name="小麦赤霉病连年发生").click()
    assert page.locator("h1").inner_text() == "小麦赤霉病连年发生"
    assert "13912345678" not in page.content()
    page.get_by_label("提供帮助的是").select_option("society")
    page.get_by_label("学会、企业或单位").fill("周口市植物保护学会")
    page.get_by_label("联系人").fill("赵老师")
    page.get_by_label("联系电话").fill("12345")
    page.get_by_label("能提供的帮助").fill("派专家现场指导赤霉病防治。")
    page.get_by_role("button", name="提交").click()
    assert "请填写11位手机号码" in page.locator(".enquiry").inner_text()
    page.get_by_label("联系电话").fill("13800001234")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**sent=1**")
    assert "您的对接意向已送达工作人员" in page.locator(".notice").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    enquiry = Enquiry.objects.get()
    assert enquiry.need.title == "小麦赤霉病连年发生"
    assert enquiry.organisation == "周口市植物保护学会"
