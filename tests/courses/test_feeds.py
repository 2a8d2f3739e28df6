"""Calendar feeds (iCalendar): the whole hall, one county, one course;
time zone, stable UIDs, cancellations, caching."""

import datetime

import pytest
from icalendar import Calendar

from kexie_pages.models import CourseSession

from .helpers import SHANGHAI


def parse_ics(response) -> Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


@pytest.mark.django_db
def test_full_feed_parses_back_with_time_zone_and_stable_uids(
    hall, client, county, add_course
):
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
def test_cancelled_courses_and_sessions_are_marked_cancelled(
    hall, client, at, add_course
):
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
def test_per_course_add_to_calendar_file(hall, client, add_course):
    course = add_course(hall, "c1")
    content = client.get(course.url).content.decode()
    assert f'href="{course.url}ics/"' in content
    cal = parse_ics(client.get(course.url + "ics/"))
    assert [str(e["SUMMARY"]) for e in events(cal)] == [course.title]
    assert str(events(cal)[0]["URL"]).endswith(course.url)


@pytest.mark.django_db
def test_feed_is_cached_until_a_course_is_published(hall, client, add_course):
    course = add_course(hall, "c1", title="第一版标题")
    first = client.get(hall.url + "ics/")
    etag = first["ETag"]
    assert client.get(hall.url + "ics/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    course.title = "第二版标题"
    course.save_revision().publish()
    second = client.get(hall.url + "ics/", HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag
    assert [str(e["SUMMARY"]) for e in events(parse_ics(second))] == ["第二版标题"]


def test_feed_links_name_the_public_address_and_uids_outlive_a_move(
    client, hall, add_course
):
    from kexie_pages.base.services import site_url_apply

    course = add_course(hall, "c1", title="大蒜培训")
    before = [str(e["UID"]) for e in events(parse_ics(client.get(hall.url + "ics/")))]
    site_url_apply(url="https://kx.example.cn")
    found = events(parse_ics(client.get(hall.url + "ics/")))
    assert str(found[0]["URL"]) == f"https://kx.example.cn/lecture-hall/{course.slug}/"
    assert [str(e["UID"]) for e in found] == before
    assert before[0].endswith("@kexie")
