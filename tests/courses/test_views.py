"""The public lecture hall: course pages, the listing and its filters, the
month calendar, sign-ups (limits, bad input, concurrency) and privacy."""

import datetime
import re
import sqlite3
import threading

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from kexie_pages.courses.forms import CourseRegistrationForm
from kexie_pages.models import CourseRegistration, CourseSession

from .helpers import PHONE, SHANGHAI


@pytest.mark.django_db
def test_cancelled_course_shows_a_clear_notice(hall, client, add_course):
    course = add_course(
        hall, "c1", cancelled=True, cancellation_notice="因天气原因取消"
    )
    content = client.get(course.url).content.decode()
    assert "本课程已取消。" in content
    assert "因天气原因取消" in content


@pytest.mark.django_db
def test_held_course_shows_its_report(hall, client, add_course):
    course = add_course(
        hall,
        "c1",
        days=-10,
        attendance_total=86,
        attendance_poor=52,
        report="现场示范了喷药技术。",
    )
    content = client.get(course.url).content.decode()
    assert "已举办" in content
    assert "共 86 人参训，其中贫困户 52 人。" in content
    assert "现场示范了喷药技术。" in content


@pytest.mark.django_db
def test_listing_shows_upcoming_first_and_past_with_reports(hall, client, add_course):
    add_course(hall, "later", days=20, title="二十天后的课")
    add_course(hall, "sooner", days=2, title="两天后的课")
    add_course(
        hall,
        "past",
        days=-30,
        title="上个月的课",
        attendance_total=40,
        attendance_poor=20,
    )
    content = client.get(hall.url).content.decode()
    assert content.index("两天后的课") < content.index("二十天后的课")
    assert "上个月的课" not in content
    past = client.get(hall.url + "?when=past").content.decode()
    assert "上个月的课" in past and "两天后的课" not in past
    assert "参训 40 人，贫困户 20 人" in past


@pytest.mark.django_db
def test_listing_filters_by_county_industry_and_month(
    hall, client, county, category, add_course
):
    add_course(hall, "fugou", days=5, title="扶沟的课")
    add_course(hall, "xihua", days=5, title="西华的课", county=county("411622"))
    add_course(hall, "cattle", days=5, title="养牛的课", category=category("yangzhi"))
    later = add_course(hall, "later", days=70, title="两个月后的课")
    content = client.get(hall.url + "?county=411622").content.decode()
    assert "西华的课" in content and "扶沟的课" not in content
    content = client.get(hall.url + "?industry=yangzhi").content.decode()
    assert "养牛的课" in content and "扶沟的课" not in content
    month = timezone.localtime(later.start).strftime("%Y-%m")
    content = client.get(hall.url + f"?month={month}").content.decode()
    assert "两个月后的课" in content and "扶沟的课" not in content
    # The chosen filters stay selected (bookmarkable) and feed the tabs.
    content = client.get(hall.url + "?county=411622&industry=zhongzhi").content.decode()
    assert 'value="411622" selected' in content
    assert "?when=past&amp;county=411622&amp;industry=zhongzhi" in content


@pytest.mark.django_db
def test_month_filter_finds_later_sessions_of_a_series(hall, client, at, add_course):
    course = add_course(hall, "series", days=3, title="系列课")
    course.sessions = [CourseSession(start=at(80), end=at(80, 11))]
    course.save()
    month = timezone.localtime(at(80)).strftime("%Y-%m")
    assert "系列课" in client.get(hall.url + f"?month={month}").content.decode()


@pytest.mark.django_db
def test_listing_empty_states_bad_filters_and_pagination(hall, client, add_course):
    assert "目前没有安排课程" in client.get(hall.url).content.decode()
    add_course(hall, "c1")
    content = client.get(hall.url + "?county=411622").content.decode()
    assert "没有符合筛选条件的课程。" in content
    content = client.get(hall.url + "?month=2026-13").content.decode()
    assert "请按“年-月”填写月份" in content
    assert client.get(hall.url + "?county=999999").status_code == 200
    for number in range(13):
        add_course(hall, f"p{number}", days=number + 11)
    content = client.get(hall.url).content.decode()
    assert "第 1 页，共 2 页" in content or "page=2" in content
    assert client.get(hall.url + "?page=99").status_code == 200


@pytest.mark.django_db
def test_calendar_month_view_shows_each_session_on_its_day(hall, client, add_course):
    start = datetime.datetime(2030, 3, 5, 9, tzinfo=SHANGHAI)
    course = add_course(hall, "series", start=start, title="春季大蒜系列课")
    course.sessions = [
        CourseSession(
            start=start + datetime.timedelta(weeks=1),
            end=start + datetime.timedelta(weeks=1, hours=2),
        ),
        CourseSession(
            start=start + datetime.timedelta(weeks=2),
            end=start + datetime.timedelta(weeks=2, hours=2),
            cancelled=True,
        ),
    ]
    course.save()
    response = client.get(hall.url + "calendar/2030/3/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "2030年3月" in content
    for day in ("20300305", "20300312", "20300319"):
        assert f'href="#d{day}"' in content and f'id="d{day}"' in content
    assert content.count("春季大蒜系列课") == 3
    assert 'href="/lecture-hall/calendar/2030/2/"' in content
    assert 'href="/lecture-hall/calendar/2030/4/"' in content
    assert "<script" not in content
    empty = client.get(hall.url + "calendar/2030/4/?county=411622").content.decode()
    assert "本月没有课程。" in empty
    assert client.get(hall.url + "calendar/2030/13/").status_code == 404


@pytest.mark.django_db
def test_sign_up_confirms_then_waitlists_when_full(hall, client, add_course, sign_up):
    course = add_course(hall, "c1", registration_required=True, capacity=1)
    response = sign_up(client, course)
    assert response.status_code == 302
    assert response["Location"].endswith("?signup=confirmed#signup")
    assert "报名成功" in client.get(response["Location"]).content.decode()
    response = sign_up(client, course, phone="139 1234 5678")
    assert response["Location"].endswith("?signup=waitlisted#signup")
    assert "您已进入候补名单" in client.get(response["Location"]).content.decode()
    statuses = dict(CourseRegistration.objects.values_list("phone", "status"))
    assert statuses == {PHONE: "confirmed", "13912345678": "waitlisted"}
    content = client.get(course.url).content.decode()
    assert "名额 1 个，已报 1 人，剩余 0 个。" in content and "候补 1 人。" in content
    assert "报名候补" in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "12345"}, "请填写正确的11位手机号码"),
        ({"phone": "23812345678"}, "请填写正确的11位手机号码"),
        ({"name": ""}, "必需字段"),
    ],
)
def test_sign_up_rejects_bad_input_in_chinese(
    hall, client, data, message, add_course, sign_up
):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    response = sign_up(client, course, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CourseRegistration.objects.exists()


@pytest.mark.django_db
def test_duplicate_and_late_sign_ups_are_refused(hall, client, add_course, sign_up):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    sign_up(client, course)
    response = sign_up(client, course, phone="+86 138-1234-5678", name="王大成")
    assert response.status_code == 400
    assert "该手机号码已经报名过本课程" in response.content.decode()
    assert CourseRegistration.objects.count() == 1

    started = add_course(
        hall,
        "c2",
        days=0,
        start=timezone.now() - datetime.timedelta(minutes=5),
        registration_required=True,
    )
    response = sign_up(client, started)
    assert response.status_code == 400
    assert "课程已经开始，报名已截止。" in response.content.decode()
    cancelled = add_course(hall, "c3", registration_required=True, cancelled=True)
    assert "本课程已取消，报名已关闭。" in sign_up(client, cancelled).content.decode()
    assert client.get(course.url + "register/").status_code == 405
    walk_in = add_course(hall, "c4", registration_required=False)
    assert sign_up(client, walk_in).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_capacity_holds_under_fifty_concurrent_sign_ups(
    hall, file_database, add_course, signup_token
):
    course = add_course(hall, "c1", registration_required=True, capacity=20)
    # Fifty farmers, each on their own phone with the course page open.
    tokens = [signup_token(Client(), course) for _ in range(50)]
    if file_database:
        # Re-copy now that the course exists.
        target = sqlite3.connect(file_database["NAME"])
        connection.connection.backup(target)
        target.close()
    wrapper_class = type(connections["default"])
    barrier = threading.Barrier(50)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            if file_database:
                connections["default"] = wrapper_class(file_database, "default")
            barrier.wait()
            response = Client(REMOTE_ADDR=f"10.0.0.{number + 1}").post(
                course.url + "register/",
                {
                    "name": f"农户{number}",
                    "phone": f"138{number:08d}",
                    "village": "王庄村",
                    "form_token": tokens[number],
                },
            )
            results.append(response.status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert results == [302] * 50

    if file_database:
        rows = sqlite3.connect(file_database["NAME"]).execute(
            "SELECT status, COUNT(*) FROM kexie_pages_courseregistration GROUP BY status"
        )
        counts = dict(rows.fetchall())
    else:
        counts = dict(
            CourseRegistration.objects.values_list("status").annotate(n=Count("pk"))
        )
    assert counts == {"confirmed": 20, "waitlisted": 30}


@pytest.mark.django_db
def test_phone_numbers_never_leave_for_the_public(hall, client, add_course, sign_up):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    sign_up(client, course)
    places = [
        course.url,
        course.url + "?signup=confirmed",
        course.url + "ics/",
        hall.url,
        hall.url + "ics/",
        hall.url + "calendar/",
        "/api/v3/pages/?type=kexie_pages.CoursePage",
        f"/api/v3/pages/{course.pk}/",
        "/api/v3/kexie/courses/",
    ]
    for place in places:
        response = client.get(place)
        assert response.status_code == 200, place
        body = response.content.decode()
        assert PHONE not in body and "王大成" not in body, place


@pytest.mark.django_db
def test_listing_offers_feeds_for_every_county(hall, client):
    content = client.get(hall.url + "?county=411622").content.decode()
    assert 'href="webcal://testserver/lecture-hall/ics/"' in content
    assert 'href="/lecture-hall/ics/411622/"' in content
    assert content.count("订阅") >= 11
    assert '<li class="selected">西华县' in content


def test_a_walk_in_course_says_no_sign_up_is_needed(client, hall, add_course):
    course = add_course(hall, "walk-in", registration_required=False)
    page = client.get(course.url).content.decode()
    assert "无需报名，直接到场" in page
    assert 'class="signup-form"' not in page


def test_new_courses_take_sign_ups_unless_staff_untick_it(hall):
    from kexie_pages.models import CoursePage

    assert CoursePage().registration_required is True
    assert (
        str(CoursePage._meta.get_field("registration_required").verbose_name)
        == "需要报名"
    )


# --- the county forms' defences on the sign-up (issue 11, items 4 and 5) -----------


@pytest.mark.django_db
def test_a_replayed_sign_up_gets_the_first_outcome(
    hall, client, add_course, signup_token
):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    data = {
        "name": "王大成",
        "phone": PHONE,
        "village": "王庄村",
        "form_token": signup_token(client, course),
    }
    responses = [client.post(course.url + "register/", data) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert {r["Location"] for r in responses} == {
        f"{course.url}?signup=confirmed#signup"
    }
    assert CourseRegistration.objects.count() == 1


@pytest.mark.django_db
def test_the_eleventh_sign_up_in_a_minute_from_one_address_is_refused(
    hall, client, add_course, sign_up
):
    course = add_course(hall, "c1", registration_required=True, capacity=3)
    outcomes = [
        sign_up(client, course, phone=f"1391234{n:04d}")["Location"].split("=")[-1]
        for n in range(10)
    ]
    assert outcomes == ["confirmed#signup"] * 3 + ["waitlisted#signup"] * 7
    refused = sign_up(client, course, phone="13900000011", village="李庄村")
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "提交过于频繁" in html
    assert "13900000011" in html and "李庄村" in html  # the input is kept
    assert CourseRegistration.objects.count() == 10
    assert CourseRegistration.objects.filter(status="confirmed").count() == 3
    other = sign_up(Client(REMOTE_ADDR="10.0.0.9"), course, phone="13900000012")
    assert other["Location"].endswith("?signup=waitlisted#signup")  # still full


@pytest.mark.django_db
def test_sign_up_with_the_honeypot_filled_is_refused_and_not_stored(
    hall, client, add_course, sign_up
):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    response = sign_up(client, course, website="http://spam.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "您的提交未被接受" in html and "王庄村" in html
    assert not CourseRegistration.objects.exists()


@pytest.mark.django_db
def test_sign_up_without_a_valid_token_keeps_the_input_and_gives_a_fresh_one(
    hall, client, add_course, sign_up
):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    other = add_course(hall, "c2", registration_required=True, capacity=5)
    for token in ("", "forged", CourseRegistrationForm(course_id=other.pk).new_token()):
        response = sign_up(client, course, form_token=token)
        html = response.content.decode()
        assert response.status_code == 400, token
        assert "表单已过期" in html and "王庄村" in html
    assert not CourseRegistration.objects.exists()
    fresh = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert sign_up(client, course, form_token=fresh).status_code == 302


@pytest.mark.django_db
def test_course_page_is_never_cached_while_it_takes_sign_ups(hall, client, add_course):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    control = client.get(course.url)["Cache-Control"]
    assert "no-store" in control and "private" in control
    walk_in = add_course(hall, "c2", registration_required=False)
    assert "no-store" not in client.get(walk_in.url).get("Cache-Control", "")


# --- the sign-up journey on a phone (issue 12, item 3) ---------------------------


@pytest.mark.django_db
def test_failed_sign_up_lands_on_the_form_with_a_summary_first(
    hall, client, add_course, sign_up
):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    page = client.get(course.url).content.decode()
    assert f'action="{course.url}register/#signup"' in page
    response = sign_up(client, course, phone="12345", name="王大成", village="王庄村")
    html = response.content.decode()
    signup = html.split('id="signup"', 1)[1]
    summary = re.search(r'<div class="[^"]*error-summary[^"]*" role="alert"', signup)
    assert summary, "no error summary with role=alert in the sign-up section"
    # the summary comes before the form and links to the bad field
    assert summary.start() < signup.index("<form")
    assert 'href="#id_phone"' in signup[summary.start() : signup.index("<form")]
    assert "请填写正确的11位手机号码" in signup[summary.start() : signup.index("<form")]
    # what was typed is kept
    assert 'value="王大成"' in signup and 'value="王庄村"' in signup
    assert 'value="12345"' in signup


@pytest.mark.django_db
def test_confirmation_repeats_course_time_place_and_what_to_bring(
    hall, client, add_course, sign_up
):
    course = add_course(
        hall,
        "c1",
        registration_required=True,
        capacity=5,
        address="王庄村村委会东侧",
        what_to_bring="一株发病的麦穗、笔记本",
    )
    response = sign_up(client, course)
    html = client.get(response["Location"]).content.decode()
    confirmation = html.split("signup-confirmation", 1)[1].split("</div>", 1)[0]
    assert "报名成功" in confirmation
    assert course.title in confirmation
    start = timezone.localtime(course.start, SHANGHAI)
    assert f"{start.year}年{start.month}月{start.day}日" in confirmation
    assert start.strftime("%H:%M") in confirmation
    assert "城郊乡王庄村党群服务中心" in confirmation
    assert "王庄村村委会东侧" in confirmation
    assert "一株发病的麦穗、笔记本" in confirmation
    assert "王大成" not in html and PHONE not in html
