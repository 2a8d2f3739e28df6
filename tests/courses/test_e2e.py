"""Browser test: a farmer finds a course in their county and signs up."""

import datetime

import pytest

from kexie_pages.models import CoursePage, CourseRegistration

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_lecture_hall_filter_open_and_register(
    live_server,
    hall,
    browser,
    width,
    tmp_path,
    add_course,
    county,
):
    add_course(hall, "fugou", days=3, title="扶沟县大蒜栽培培训班")
    add_course(
        hall,
        "xihua",
        days=4,
        title="西华县肉牛养殖培训班",
        county=county("411622"),
        registration_required=True,
        capacity=30,
    )
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(live_server.url + "/lecture-hall/")
    assert page.locator("h1").inner_text() == "农村科普大讲堂"
    assert "扶沟县大蒜栽培培训班" in page.content()

    page.get_by_label("区县").select_option(label="西华县")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/lecture-hall/?county=411622*")
    assert "扶沟县大蒜栽培培训班" not in page.content()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"listing is {overflow}px wider than a {width}px screen"
    page.screenshot(path=str(tmp_path / f"lecture-hall-{width}.png"), full_page=True)

    page.get_by_role("link", name="西华县肉牛养殖培训班").click()
    assert page.locator("h1").inner_text().startswith("西华县肉牛养殖培训班")
    page.get_by_label("姓名").fill("王大成")
    page.get_by_label("手机号码").fill("1381234")
    page.get_by_label("所在村").fill("王庄村")
    page.get_by_role("button", name="报名").click()
    assert "请填写正确的11位手机号码" in page.content()
    page.get_by_label("手机号码").fill("138 1234 5678")
    page.get_by_role("button", name="报名").click()
    page.wait_for_url("**?signup=confirmed*")
    assert "报名成功" in page.content()
    assert "13812345678" not in page.content()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"course page is {overflow}px wider than a {width}px screen"
    page.screenshot(path=str(tmp_path / f"course-{width}.png"), full_page=True)

    course = CoursePage.objects.get(slug="xihua")
    registration = CourseRegistration.objects.get(course=course)
    assert (registration.name, registration.phone) == ("王大成", "13812345678")
    assert course.start > datetime.datetime.now(datetime.UTC)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_farmer_journey_from_home_to_confirmation_on_a_phone(
    live_server, hall, browser, add_course, county, axe_serious
):
    """Issue 12: home → lecture hall → county filter → course → failed sign-up
    lands on the form with a summary → fixed → confirmation, at 360 px, with
    axe-core finding nothing serious or critical on any page visited."""
    add_course(hall, "fugou", days=3, title="扶沟县大蒜栽培培训班")
    add_course(
        hall,
        "xihua",
        days=4,
        title="西华县肉牛养殖培训班",
        county=county("411622"),
        registration_required=True,
        capacity=30,
        address="红花集镇畜牧站",
        what_to_bring="笔记本和本村养殖情况",
    )
    found: list[str] = []
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    found += axe_serious(page)
    page.get_by_role("navigation").get_by_role("link", name="农村科普大讲堂").click()
    page.wait_for_url("**/lecture-hall/")
    found += axe_serious(page)

    page.get_by_label("区县").select_option(label="西华县")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/lecture-hall/?county=411622*")
    found += axe_serious(page)
    page.get_by_role("link", name="西华县肉牛养殖培训班").click()
    page.wait_for_url("**/lecture-hall/xihua/")
    found += axe_serious(page)

    page.get_by_label("姓名").fill("王大成")
    page.get_by_label("手机号码").fill("1381234")
    page.get_by_label("所在村").fill("王庄村")
    page.get_by_role("button", name="报名").click()
    page.wait_for_url("**/register/#signup")
    summary = page.locator(".error-summary[role=alert]")
    assert "请填写正确的11位手机号码" in summary.inner_text()
    # the summary is on screen without scrolling, the answers kept
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < 740, box
    assert page.get_by_label("姓名").input_value() == "王大成"
    found += axe_serious(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_phone"

    page.get_by_label("手机号码").fill("138 1234 5678")
    page.get_by_role("button", name="报名").click()
    page.wait_for_url("**?signup=confirmed#signup")
    confirmation = page.locator(".signup-confirmation")
    text = confirmation.inner_text()
    for shown in (
        "报名成功",
        "西华县肉牛养殖培训班",
        "红花集镇畜牧站",
        "笔记本和本村养殖情况",
    ):
        assert shown in text, shown
    box = confirmation.bounding_box()
    assert box is not None and 0 <= box["y"] < 740, box
    assert "13812345678" not in page.content()
    found += axe_serious(page)
    assert not found, "\n".join(found)
