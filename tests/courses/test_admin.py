"""The courses admin: the course editor and its weekly series, sign-ups for
staff only, the dashboard panel."""

import datetime

import pytest
from django.test import Client

from kexie_pages.models import CoursePage, RegistrationStatus

from .helpers import PHONE, SHANGHAI


def add_url(hall) -> str:
    return f"/admin/pages/add/kexie_pages/coursepage/{hall.pk}/"


@pytest.mark.django_db
def test_editor_rejects_end_before_start_and_missing_venue(
    hall, admin_client, course_form_data
):
    response = admin_client.post(
        add_url(hall), course_form_data(end="2030-03-05 08:00", venue="")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "课程结束时间必须晚于开始时间。" in content
    assert "请填写培训地点：举办培训的乡镇或村。" in content
    assert not CoursePage.objects.exists()


@pytest.mark.django_db
def test_editor_generates_a_weekly_series(hall, admin_client, course_form_data):
    # 2030-03-05 is a Tuesday: "every Tuesday in March".
    response = admin_client.post(
        add_url(hall), course_form_data(repeat_weekly_until="2030-03-31")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="garlic")
    starts = [o.start.astimezone(SHANGHAI) for o in course.occurrences()]
    assert [s.day for s in starts] == [5, 12, 19, 26]
    assert all(s.weekday() == 1 and s.hour == 9 for s in starts)
    assert course.last_end == datetime.datetime(2030, 3, 26, 11, 30, tzinfo=SHANGHAI)
    assert course.lecturer_names == ["李建国"]


@pytest.mark.django_db
def test_editor_rejects_a_series_ending_before_it_starts(
    hall, admin_client, course_form_data
):
    response = admin_client.post(
        add_url(hall), course_form_data(repeat_weekly_until="2030-03-01")
    )
    assert "系列课的结束日期必须晚于第一次课。" in response.content.decode()


@pytest.mark.django_db
def test_sign_ups_are_staff_only_and_export_formula_safe(
    hall, client, admin_client, add_course, sign_up
):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    sign_up(client, course, name="=HYPERLINK(1)", village="+王庄村")
    anonymous = Client().get("/admin/snippets/kexie_pages/courseregistration/")
    assert anonymous.status_code == 302
    listing = admin_client.get("/admin/snippets/kexie_pages/courseregistration/")
    assert PHONE in listing.content.decode()
    export = admin_client.get(
        "/admin/snippets/kexie_pages/courseregistration/?export=csv"
    )
    csv_text = b"".join(export.streaming_content).decode()
    assert PHONE in csv_text
    assert "'=HYPERLINK(1)" in csv_text and "'+王庄村" in csv_text
    assert ",=" not in csv_text and ",+" not in csv_text
    xlsx = admin_client.get(
        "/admin/snippets/kexie_pages/courseregistration/?export=xlsx"
    )
    assert xlsx.status_code == 200


@pytest.mark.django_db
def test_editor_form_renders_with_series_fields(hall, admin_client):
    content = admin_client.get(add_url(hall)).content.decode()
    assert (
        "每周重复，直到" in content and "后续课次" in content and "授课专家" in content
    )


@pytest.mark.django_db
def test_dashboard_panel_shows_statistics(hall, admin_client, add_course):
    add_course(hall, "a", days=-3, attendance_total=50, attendance_poor=30)
    content = admin_client.get("/admin/").content.decode()
    assert "科普大讲堂：举办场次和参训人数" in content


@pytest.mark.django_db
def test_staff_deleting_a_sign_up_promotes_the_waiting_list(
    hall, admin_client, add_course
):
    from kexie_pages.courses.services import course_register

    course = add_course(hall, "c1", registration_required=True, capacity=1)
    first = course_register(course=course, name="甲", phone=PHONE, village="王庄村")
    second = course_register(
        course=course, name="乙", phone="13912345678", village="王庄村"
    )
    url = f"/admin/snippets/kexie_pages/courseregistration/delete/{first.pk}/"
    assert admin_client.post(url).status_code == 302
    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED


def test_county_staff_cannot_move_a_sign_up_to_another_countys_course(
    hall, add_course, county, county_staff
):
    from kexie_pages.courses.services import course_register

    own = add_course(hall, "own", registration_required=True)
    other = add_course(hall, "other", county=county("411622"))
    sign_up = course_register(course=own, name="甲", phone=PHONE, village="王庄村")
    fugou = county_staff(
        "411621",
        "kexie_pages.change_courseregistration",
        "kexie_pages.view_courseregistration",
    )
    url = f"/admin/snippets/kexie_pages/courseregistration/edit/{sign_up.pk}/"
    data = {"name": "甲", "phone": PHONE, "village": "王庄村", "status": "confirmed"}
    response = fugou.post(url, {**data, "course": other.pk})
    assert response.status_code == 200
    sign_up.refresh_from_db()
    assert sign_up.course_id == own.pk
    assert fugou.post(url, {**data, "course": own.pk}).status_code == 302
