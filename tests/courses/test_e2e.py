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
