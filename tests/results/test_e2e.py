"""Browser tests at 360 and 1280 px: the public results page (without JavaScript),
a farmer checking in on a phone, and the leaders' dashboard logged in."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from kexie_pages.models import (
    Attendance,
    County,
    IndustryCategory,
    Need,
    TrainingTarget,
)
from kexie_pages.results.services import checkin_sheet_ensure, trainee_for_registration

pytestmark = pytest.mark.e2e


def _shot(tmp_path: Path, name: str) -> str:
    """Where a screenshot goes: ``$KEXIE_SCREENSHOTS`` (to look at them), else tmp_path."""
    folder = Path(os.environ.get("KEXIE_SCREENSHOTS", tmp_path))
    return str(folder / name)


def _figures_data(add_course, sign_up, techniques) -> str:
    """Some of every figure; returns the check-in code of today's course."""
    today = timezone.localdate()
    category = IndustryCategory.objects.get(slug="zhongzhi")
    for n, code in enumerate(["411621", "411622", "411623", "411621"]):
        county = County.objects.get(code=code)
        Need.objects.create(
            title=f"需求{n}",
            county=county,
            township="练寺镇",
            village="王庄村",
            category=category,
            description="小麦赤霉病",
            status=["open", "matched", "solved", "in_talks"][n],
            reported_on=today - datetime.timedelta(days=n),
        )
        TrainingTarget.objects.get_or_create(
            county=county,
            year=today.year,
            defaults={"one_technique": 6, "two_techniques": 3},
        )
    course = add_course("today", teaches=techniques[:2])
    sign_up(course, "13800001111", name="王大成")
    earlier = add_course("earlier", days=-2, teaches=techniques[:2])
    for n in range(5):
        registration = sign_up(earlier, f"1390000{n:04d}")
        Attendance.objects.create(
            sheet=checkin_sheet_ensure(course=earlier),
            registration=registration,
            trainee=trainee_for_registration(registration=registration),
            method="staff",
        )
    return checkin_sheet_ensure(course=course).code


def _no_overflow(page, width: int, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than a {width}px screen"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_results_page_and_check_in_without_javascript(
    live_server,
    browser,
    axe_serious,
    tmp_path,
    width,
    results_page,
    add_course,
    sign_up,
    techniques,
):
    code = _figures_data(add_course, sign_up, techniques)
    context = browser.new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="成效展示").first.click()
    assert page.locator("h1").inner_text() == "成效展示"
    assert page.locator("svg.chart").count() >= 7
    assert page.locator("table").count() >= 7
    assert "13800001111" not in page.content() and "王大成" not in page.content()
    _no_overflow(page, width, "the results page")
    page.screenshot(path=_shot(tmp_path, f"h2-results-{width}.png"), full_page=True)

    page.get_by_role("link", name="正在上课？点此签到").click()
    page.get_by_label("手机号码").fill("138 0000 1111")
    page.get_by_label("签到码").fill("12")
    page.get_by_role("button", name="签到").click()
    assert "签到码为6位数字" in page.content()
    assert page.get_by_label("手机号码").input_value() == "138 0000 1111"
    page.get_by_label("签到码").fill(code)
    page.get_by_role("button", name="签到").click()
    assert "签到成功" in page.content()
    assert "13800001111" not in page.url
    _no_overflow(page, width, "the check-in page")
    page.screenshot(path=_shot(tmp_path, f"h2-checkin-{width}.png"), full_page=True)
    context.close()
    # axe-core runs as a script: check the same page in a tab with JavaScript.
    checked = browser.new_page(viewport={"width": width, "height": 800})
    checked.goto(live_server.url + results_page.url)
    assert axe_serious(checked) == []
    checked.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_leaders_dashboard_logged_in(
    live_server, browser, tmp_path, width, results_page, add_course, sign_up, techniques
):
    from django.contrib.auth import get_user_model

    _figures_data(add_course, sign_up, techniques)
    get_user_model().objects.create_superuser("boss", "boss@example.cn", "pw-123456")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + "/admin/results/dashboard/")
    assert page.locator("h1").first.inner_text().strip() == "领导看板"
    assert page.locator("svg.chart").count() >= 7
    page.select_option("select[name=period]", "quarter")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**period=quarter**")
    assert "季度" in page.content()
    _no_overflow(page, width, "the dashboard")
    page.screenshot(path=_shot(tmp_path, f"h2-dashboard-{width}.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("a[href*='export=trainees']").click()
    assert download.value.suggested_filename.startswith("trainees-")
