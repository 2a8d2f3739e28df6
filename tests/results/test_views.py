"""The public results page and the farmers' check-in form."""

import re

import pytest
from django.utils import timezone

from kexie_pages.models import Attendance, CheckInSheet
from kexie_pages.results.services import (
    checkin_sheet_ensure,
    trainee_for_registration,
)

pytestmark = pytest.mark.django_db
PHONE_RE = re.compile(r"1[3-9]\d{9}")


def _checkin_url(page) -> str:
    return page.url + page.reverse_subpage("checkin")


def _post(client, form_token, page, **data):
    url = _checkin_url(page)
    return client.post(
        url, {"form_token": form_token(client, url), "website": "", **data}
    )


def test_a_farmer_checks_in_with_the_code_and_again_without_harm(
    client, form_token, results_page, add_course, sign_up
):
    course = add_course("c1")
    sign_up(course, "13800001111")
    sheet = checkin_sheet_ensure(course=course)
    response = _post(
        client, form_token, results_page, phone="138 0000 1111", code=sheet.code
    )
    assert response.status_code == 302 and "13800001111" not in response["Location"]
    assert "签到成功" in client.get(response["Location"]).content.decode()
    again = _post(
        client, form_token, results_page, phone="13800001111", code=sheet.code
    )
    assert "已经签到" in client.get(again["Location"]).content.decode()
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("phone", "code", "message"),
    [
        ("12345", "123456", "请填写正确的11位手机号码"),
        ("13800001111", "12ab", "签到码为6位数字"),
        ("13900009999", None, "该手机号没有报名这门课程"),
        ("13800001111", "999999", "没有这个签到码的课程"),
    ],
)
def test_refused_check_ins_say_why_in_chinese_and_keep_the_input(
    client, form_token, results_page, add_course, sign_up, phone, code, message
):
    course = add_course("c1")
    sign_up(course, "13800001111")
    sheet = checkin_sheet_ensure(course=course)
    if code is None:
        code = sheet.code
    if code == "999999" and CheckInSheet.objects.filter(code=code).exists():
        code = "999998"
    response = _post(client, form_token, results_page, phone=phone, code=code)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html, html
    assert f'value="{code}"' in html
    assert Attendance.objects.count() == 0


def test_the_check_in_form_has_the_public_forms_defences(
    client, form_token, results_page, add_course, sign_up
):
    course = add_course("c1")
    sign_up(course, "13800001111")
    sheet = checkin_sheet_ensure(course=course)
    url = _checkin_url(results_page)
    no_token = client.post(url, {"phone": "13800001111", "code": sheet.code})
    assert no_token.status_code == 400
    honeypot = client.post(
        url,
        {
            "form_token": form_token(client, url),
            "website": "http://spam",
            "phone": "13800001111",
            "code": sheet.code,
        },
    )
    assert honeypot.status_code == 400
    assert Attendance.objects.count() == 0
    assert (
        "no-store" in client.get(url)["Cache-Control"]
        or "no-cache" in client.get(url)["Cache-Control"]
    )


def test_a_code_in_the_link_is_filled_in(client, results_page, add_course):
    sheet = checkin_sheet_ensure(course=add_course("c1"))
    html = client.get(_checkin_url(results_page), {"code": sheet.code}).content.decode()
    assert f'value="{sheet.code}"' in html


def test_the_results_page_shows_figures_without_personal_data(
    client, results_page, add_course, sign_up, techniques
):
    course = add_course("c1", days=0, teaches=techniques[:2])
    phones = [f"1380000{n:04d}" for n in range(5)]
    for phone in phones:
        registration = sign_up(course, phone, name="张秘密")
        Attendance.objects.create(
            sheet=checkin_sheet_ensure(course=course),
            registration=registration,
            trainee=trainee_for_registration(registration=registration),
            method="staff",
        )
    year = timezone.localdate().year
    response = client.get(results_page.url, {"period": "year", "year": year})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<table" in html
    assert "<script" not in html  # works without JavaScript
    assert html.count('<svg class="chart"') == html.count("<svg")
    for phone in phones:
        assert phone not in html
        assert f"{phone[:3]}****{phone[-4:]}" not in html
    assert "张秘密" not in html and "王庄村" not in html
    assert not PHONE_RE.search(re.sub(r"<[^>]+>", " ", html))
    # Every chart has a table beside it.
    assert html.count("<table") >= 7


def test_the_results_page_is_linked_from_the_home_page(client, results_page):
    assert results_page.url in client.get("/").content.decode()
