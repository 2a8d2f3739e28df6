"""The rural science lecture hall: courses, series, filters, calendar, feeds,
sign-ups (limits, concurrency, privacy), statistics and the API."""

import datetime
import sqlite3
import threading
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from kexie_pages.courses.selectors import course_statistics
from kexie_pages.courses.services import course_registration_withdraw
from kexie_pages.models import (
    County,
    CourseLecturer,
    CoursePage,
    CourseRegistration,
    CourseSession,
    CourseStatus,
    IndustryCategory,
    LectureHallPage,
    RegistrationStatus,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"


def at(days: int, hour: int = 9) -> datetime.datetime:
    """A Beijing-time instant ``days`` from today at ``hour`` o'clock."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)


@pytest.fixture(autouse=True)
def empty_cache():
    """Feeds are cached by a fingerprint; tests start from a cold cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hall(home) -> LectureHallPage:
    return home.add_child(
        instance=LectureHallPage(
            title="农村科普大讲堂", slug="lecture-hall", show_in_menus=True
        )
    )


def county(code: str) -> County:
    return County.objects.get(code=code)


def category(slug: str) -> IndustryCategory:
    return IndustryCategory.objects.get(slug=slug)


def add_course(
    hall: LectureHallPage, slug: str, *, days: int = 10, **fields
) -> CoursePage:
    """Add a live course under ``hall``; two and a half hours from ``days`` ahead."""
    start = fields.pop("start", at(days))
    values = {
        "title": f"小麦赤霉病防控培训 {slug}",
        "county": county("411621"),
        "category": category("zhongzhi"),
        "venue": "城郊乡王庄村党群服务中心",
        "start": start,
        "end": start + datetime.timedelta(hours=2, minutes=30),
        **fields,
    }
    course = hall.add_child(instance=CoursePage(slug=slug, **values))
    return CoursePage.objects.get(pk=course.pk)


def parse_ics(response) -> Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


# --- models: status and series ------------------------------------------------


@pytest.mark.django_db
def test_status_is_derived_from_dates_and_cancelled_flag(hall):
    course = add_course(hall, "c1", days=1)
    course.sessions = [CourseSession(start=at(8), end=at(8, 11))]
    course.save()
    assert course.last_end == at(8, 11)
    assert course.get_status(at(0)) == CourseStatus.UPCOMING
    assert course.get_status(at(1, 10)) == CourseStatus.IN_PROGRESS
    assert course.get_status(at(5)) == CourseStatus.IN_PROGRESS  # between sessions
    assert course.get_status(at(9)) == CourseStatus.HELD
    course.cancelled = True
    assert course.get_status(at(0)) == CourseStatus.CANCELLED


@pytest.mark.django_db
def test_cancelled_course_shows_a_clear_notice(hall, client):
    course = add_course(
        hall, "c1", cancelled=True, cancellation_notice="因天气原因取消"
    )
    content = client.get(course.url).content.decode()
    assert "本课程已取消。" in content
    assert "因天气原因取消" in content


@pytest.mark.django_db
def test_held_course_shows_its_report(hall, client):
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


# --- the editor ---------------------------------------------------------------


@pytest.fixture
def admin_client(db, client):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(user)
    return client


def course_form_data(**overrides) -> dict:
    data = {
        "title": "大蒜高产栽培系列课",
        "slug": "garlic",
        "county": str(county("411621").pk),
        "category": str(category("zhongzhi").pk),
        "venue": "城郊乡王庄村",
        "address": "",
        "start": "2030-03-05 09:00",
        "end": "2030-03-05 11:30",
        "summary": "",
        "techniques": "配方施肥",
        "audience": "",
        "capacity": "",
        "body": streamfield([]),
        "sessions": inline_formset([]),
        "lecturers": inline_formset([{"name": "李建国", "affiliation": "市农科院"}]),
        "related_pages": inline_formset([]),
        "photos": inline_formset([]),
        "comments": inline_formset([]),
        "cancellation_notice": "",
        "report": "",
        "repeat_weekly_until": "",
        "repeat_every_weeks": "1",
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url(hall) -> str:
    return f"/admin/pages/add/kexie_pages/coursepage/{hall.pk}/"


@pytest.mark.django_db
def test_editor_rejects_end_before_start_and_missing_venue(hall, admin_client):
    response = admin_client.post(
        add_url(hall), course_form_data(end="2030-03-05 08:00", venue="")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "课程结束时间必须晚于开始时间。" in content
    assert "请填写培训地点：举办培训的乡镇或村。" in content
    assert not CoursePage.objects.exists()


@pytest.mark.django_db
def test_editor_generates_a_weekly_series(hall, admin_client):
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
def test_editor_rejects_a_series_ending_before_it_starts(hall, admin_client):
    response = admin_client.post(
        add_url(hall), course_form_data(repeat_weekly_until="2030-03-01")
    )
    assert "系列课的结束日期必须晚于第一次课。" in response.content.decode()


# --- public listing and filters -------------------------------------------------


@pytest.mark.django_db
def test_listing_shows_upcoming_first_and_past_with_reports(hall, client):
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
def test_listing_filters_by_county_industry_and_month(hall, client):
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
def test_month_filter_finds_later_sessions_of_a_series(hall, client):
    course = add_course(hall, "series", days=3, title="系列课")
    course.sessions = [CourseSession(start=at(80), end=at(80, 11))]
    course.save()
    month = timezone.localtime(at(80)).strftime("%Y-%m")
    assert "系列课" in client.get(hall.url + f"?month={month}").content.decode()


@pytest.mark.django_db
def test_listing_empty_states_bad_filters_and_pagination(hall, client):
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


# --- the month calendar ---------------------------------------------------------


@pytest.mark.django_db
def test_calendar_month_view_shows_each_session_on_its_day(hall, client):
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


# --- calendar feeds ---------------------------------------------------------------


@pytest.mark.django_db
def test_full_feed_parses_back_with_time_zone_and_stable_uids(hall, client):
    start = datetime.datetime(2030, 3, 5, 9, tzinfo=SHANGHAI)
    course = add_course(hall, "c1", start=start, title="大蒜培训")
    course.sessions = [
        CourseSession(
            start=start + datetime.timedelta(weeks=1),
            end=start + datetime.timedelta(weeks=1, hours=2),
        )
    ]
    course.save()
    other = add_course(hall, "c2", county=county("411622"), title="西华培训")

    cal = parse_ics(client.get(hall.url + "ics/"))
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    found = events(cal)
    assert len(found) == 3
    first = next(e for e in found if e["SUMMARY"] == "大蒜培训")
    assert first["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert first.decoded("DTSTART") == start
    assert first.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=8)
    assert "城郊乡王庄村党群服务中心" in str(first["LOCATION"])
    uids = sorted(str(e["UID"]) for e in found)
    assert len(set(uids)) == 3

    # Editing a course keeps its UIDs.
    course.title = "大蒜培训（改期）"
    course.save()
    again = sorted(
        str(e["UID"]) for e in events(parse_ics(client.get(hall.url + "ics/")))
    )
    assert again == uids

    county_cal = parse_ics(client.get(hall.url + "ics/411622/"))
    assert [str(e["SUMMARY"]) for e in events(county_cal)] == ["西华培训"]
    assert county_cal.walk("VTIMEZONE")
    assert client.get(hall.url + "ics/999999/").status_code == 404
    assert other.pk


@pytest.mark.django_db
def test_cancelled_courses_and_sessions_are_marked_cancelled(hall, client):
    start = at(10)
    course = add_course(hall, "c1", start=start)
    course.sessions = [CourseSession(start=at(17), end=at(17, 11), cancelled=True)]
    course.save()
    add_course(hall, "c2", cancelled=True)
    by_status = {}
    for event in events(parse_ics(client.get(hall.url + "ics/"))):
        by_status.setdefault(str(event["STATUS"]), []).append(event)
    assert len(by_status["CONFIRMED"]) == 1
    assert len(by_status["CANCELLED"]) == 2
    assert all(
        str(e["SUMMARY"]).startswith("【已取消】") for e in by_status["CANCELLED"]
    )


@pytest.mark.django_db
def test_per_course_add_to_calendar_file(hall, client):
    course = add_course(hall, "c1")
    content = client.get(course.url).content.decode()
    assert f'href="{course.url}ics/"' in content
    cal = parse_ics(client.get(course.url + "ics/"))
    assert [str(e["SUMMARY"]) for e in events(cal)] == [course.title]
    assert str(events(cal)[0]["URL"]).endswith(course.url)


# --- sign-ups ---------------------------------------------------------------------


def sign_up(client, course, **data):
    payload = {"name": "王大成", "phone": PHONE, "village": "王庄村", **data}
    return client.post(course.url + "register/", payload)


@pytest.mark.django_db
def test_sign_up_confirms_then_waitlists_when_full(hall, client):
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
def test_withdrawal_promotes_the_waiting_list(hall):
    from kexie_pages.courses.services import course_register

    course = add_course(hall, "c1", registration_required=True, capacity=1)
    first = course_register(course=course, name="甲", phone=PHONE, village="王庄村")
    second = course_register(
        course=course, name="乙", phone="13912345678", village="王庄村"
    )
    assert second.status == RegistrationStatus.WAITLISTED
    course_registration_withdraw(registration=first)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "12345"}, "请填写正确的11位手机号码"),
        ({"phone": "23812345678"}, "请填写正确的11位手机号码"),
        ({"name": ""}, "必需字段"),
    ],
)
def test_sign_up_rejects_bad_input_in_chinese(hall, client, data, message):
    course = add_course(hall, "c1", registration_required=True, capacity=5)
    response = sign_up(client, course, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CourseRegistration.objects.exists()


@pytest.mark.django_db
def test_duplicate_and_late_sign_ups_are_refused(hall, client):
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


@pytest.fixture(params=["IMMEDIATE", "DEFERRED"])
def file_database(request, tmp_path):
    """Point worker threads at a file copy of the SQLite test database.

    The in-memory test database uses a shared cache, whose table locks fail
    at once instead of waiting; a file in WAL mode queues writers like
    production does. Both SQLite transaction modes are tried: the sign-up
    must hold even where a site leaves Django's default (DEFERRED). On
    PostgreSQL the threads use the test database itself.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield None
        return
    path = tmp_path / "concurrency.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    options = {**connection.settings_dict["OPTIONS"], "transaction_mode": request.param}
    settings_dict = {**connection.settings_dict, "NAME": str(path), "OPTIONS": options}
    yield settings_dict


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_capacity_holds_under_fifty_concurrent_sign_ups(hall, file_database):
    course = add_course(hall, "c1", registration_required=True, capacity=20)
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
            response = Client().post(
                course.url + "register/",
                {
                    "name": f"农户{number}",
                    "phone": f"138{number:08d}",
                    "village": "王庄村",
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


# --- privacy -------------------------------------------------------------------------


@pytest.mark.django_db
def test_phone_numbers_never_leave_for_the_public(hall, client):
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
def test_sign_ups_are_staff_only_and_export_formula_safe(hall, client, admin_client):
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


# --- statistics ------------------------------------------------------------------------


@pytest.mark.django_db
def test_statistics_per_county_and_month(hall, admin_client):
    march = datetime.datetime(2025, 3, 10, 9, tzinfo=SHANGHAI)
    add_course(hall, "a", start=march, attendance_total=50, attendance_poor=30)
    add_course(
        hall,
        "b",
        start=march + datetime.timedelta(days=5),
        attendance_total=40,
        attendance_poor=10,
    )
    add_course(
        hall,
        "c",
        start=march + datetime.timedelta(days=40),
        county=county("411622"),
        attendance_total=20,
        attendance_poor=5,
    )
    add_course(hall, "d", start=march, cancelled=True, attendance_total=99)
    add_course(hall, "e", days=10)  # not held yet
    stats = course_statistics(year=2025)
    rows = {row["county"].code: row for row in stats["by_county"]}
    assert (
        rows["411621"]["courses"],
        rows["411621"]["attendance"],
        rows["411621"]["attendance_poor"],
    ) == (2, 90, 40)
    assert (rows["411622"]["courses"], rows["411622"]["attendance"]) == (1, 20)
    assert rows["411602"]["courses"] == 0
    assert [
        (r["month"].month, r["courses"], r["attendance"]) for r in stats["by_month"]
    ] == [(3, 2, 90), (4, 1, 20)]
    assert stats["total"] == {"courses": 3, "attendance": 110, "attendance_poor": 45}
    assert admin_client.get("/admin/").status_code == 200


# --- API ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_courses_in_the_pages_api_with_public_fields(hall, client):
    course = add_course(hall, "c1", registration_required=True, capacity=30)
    CourseLecturer.objects.create(course=course, name="李建国", affiliation="市农科院")
    response = client.get(f"/api/v3/pages/{course.pk}/")
    data = response.json()
    assert data["county_code"] == "411621" and data["county_name"] == "扶沟县"
    assert data["status"] == "upcoming" and data["capacity"] == 30
    assert data["lecturers"][0]["name"] == "李建国"
    listing = client.get(
        f"/api/v3/pages/?type=kexie_pages.CoursePage&county={county('411621').pk}"
    ).json()
    assert [item["id"] for item in listing["items"]] == [course.pk]


@pytest.mark.django_db
def test_courses_api_filters_by_county_category_and_dates(hall, client):
    add_course(hall, "fugou", days=5)
    add_course(hall, "xihua", days=5, county=county("411622"))
    add_course(hall, "cattle", days=40, category=category("yangzhi"))
    url = "/api/v3/kexie/courses/"

    def slugs(query: str) -> list[str]:
        response = client.get(url + query)
        assert response.status_code == 200, response.content
        return sorted(
            item["url"].rstrip("/").rsplit("/", 1)[-1]
            for item in response.json()["items"]
        )

    assert slugs("") == ["cattle", "fugou", "xihua"]
    assert slugs("?county=411622") == ["xihua"]
    assert slugs("?category=yangzhi") == ["cattle"]
    later = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    assert slugs(f"?date_from={later}") == ["cattle"]
    assert slugs(f"?date_to={later}") == ["fugou", "xihua"]
    assert client.get(url + "?date_from=not-a-date").status_code in (400, 422)
    schema = client.get("/api/v3/openapi.json").json()
    assert "/api/v3/kexie/courses/" in schema["paths"]


@pytest.mark.django_db
def test_feed_is_cached_until_a_course_is_published(hall, client):
    course = add_course(hall, "c1", title="第一版标题")
    first = client.get(hall.url + "ics/")
    etag = first["ETag"]
    assert client.get(hall.url + "ics/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    course.title = "第二版标题"
    course.save_revision().publish()
    second = client.get(hall.url + "ics/", HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag
    assert [str(e["SUMMARY"]) for e in events(parse_ics(second))] == ["第二版标题"]


@pytest.mark.django_db
def test_editor_form_renders_with_series_fields(hall, admin_client):
    content = admin_client.get(add_url(hall)).content.decode()
    assert (
        "每周重复，直到" in content and "后续课次" in content and "授课专家" in content
    )


@pytest.mark.django_db
def test_dashboard_panel_shows_statistics(hall, admin_client):
    add_course(hall, "a", days=-3, attendance_total=50, attendance_poor=30)
    content = admin_client.get("/admin/").content.decode()
    assert "科普大讲堂：举办场次和参训人数" in content


@pytest.mark.django_db
def test_demo_courses_cover_a_year_of_every_county(home, settings):
    from kexie_pages.demo import courses as demo_courses

    assert "120" in demo_courses.load(home, settings.KEXIE_FIXTURES_DIR)
    courses = CoursePage.objects.live()
    assert set(courses.values_list("county__code", flat=True)) == set(
        County.objects.values_list("code", flat=True)
    )
    now = timezone.now()
    assert courses.filter(last_end__lt=now, attendance_total__isnull=False).exists()
    assert courses.filter(photos__isnull=False).exists()
    assert courses.filter(start__gt=now, registration_required=True).exists()
    assert courses.filter(sessions__isnull=False).exists()
    assert courses.filter(cancelled=True).exists()


@pytest.mark.django_db
def test_staff_deleting_a_sign_up_promotes_the_waiting_list(hall, admin_client):
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


@pytest.mark.django_db
def test_a_draft_with_more_sessions_leaves_the_live_course_alone(hall):
    course = add_course(hall, "c1", days=3)
    live_end = course.last_end
    course.sessions = [CourseSession(start=at(30), end=at(30, 11))]
    course.save_revision()  # a draft: not published
    course = CoursePage.objects.get(pk=course.pk)
    assert course.last_end == live_end
    assert course.sessions.count() == 0
    course.get_latest_revision().publish()
    assert CoursePage.objects.get(pk=course.pk).last_end == at(30, 11)


@pytest.mark.django_db
def test_listing_offers_feeds_for_every_county(hall, client):
    content = client.get(hall.url + "?county=411622").content.decode()
    assert 'href="webcal://testserver/lecture-hall/ics/"' in content
    assert 'href="/lecture-hall/ics/411622/"' in content
    assert content.count("订阅") >= 11
    assert '<li class="selected">西华县' in content


@pytest.mark.django_db
def test_site_search_finds_courses_by_technique_and_lecturer(hall, client):
    course = add_course(
        hall, "c1", title="小麦病害防治培训", techniques="赤霉病绿色防控"
    )
    course.lecturers = [CourseLecturer(name="李建国")]
    course.save()
    assert list(CoursePage.objects.search("赤霉病")) == [course]
    assert course.title in client.get("/search/?q=赤霉病").content.decode()


@pytest.mark.django_db
def test_a_lecturer_can_be_an_expert_from_the_think_tank(hall):
    from django.core.exceptions import ValidationError

    from kexie_pages.models import CourseLecturer, Expert

    expert = Expert.objects.create(
        name="王建国", employer="周口市农业科学院", title="研究员", phone="13812345678"
    )
    lecturer = CourseLecturer(expert=expert)
    lecturer.clean()
    assert lecturer.name == "王建国"
    assert lecturer.affiliation == "研究员 周口市农业科学院"

    course = add_course(hall, "expert-led")
    lecturer.course = course
    lecturer.save()
    page = Client().get(course.url).content.decode()
    assert "王建国（研究员 周口市农业科学院）" in page
    assert "13812345678" not in page

    with pytest.raises(ValidationError):
        CourseLecturer(course=course).clean()
