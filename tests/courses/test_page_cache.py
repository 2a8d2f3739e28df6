"""Courses in the anonymous page cache: the seats shown follow sign-ups, a page
with the sign-up form is never cached, and the .ics feed is sent compressed."""

import datetime
import gzip

import pytest
from django.test import Client
from django.utils import timezone

from kexie_pages.base.cache import STATUS_HEADER
from kexie_pages.courses.services import (
    course_registration_withdraw,
    course_seats_rebalance,
)
from kexie_pages.models import CourseRegistration

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_seats_shown_follow_registrations(
    page_cache, site_settings, hall, add_course, client
):
    started = timezone.now() - datetime.timedelta(hours=1)  # seats shown, no form
    course = add_course(
        hall, "begun", start=started, registration_required=True, capacity=5
    )
    first = client.get(course.url)
    assert first[STATUS_HEADER] == "miss"
    assert client.get(course.url)[STATUS_HEADER] == "hit"
    registration = CourseRegistration.objects.create(
        course=course, name="王大成", phone="13812345678", village="王庄村"
    )
    course_seats_rebalance(course_id=course.pk)  # as the staff's edit view does
    after = client.get(course.url)
    assert after[STATUS_HEADER] == "miss"
    assert "已报 1 人" in after.content.decode()
    assert client.get(course.url)[STATUS_HEADER] == "hit"
    course_registration_withdraw(registration=registration)  # update(): no signal
    assert "已报 0 人" in client.get(course.url).content.decode()


def test_a_page_taking_sign_ups_is_never_cached(
    page_cache, site_settings, hall, add_course, client
):
    course = add_course(hall, "open", registration_required=True, capacity=5)
    for _ in range(2):
        response = client.get(course.url)
        assert 'name="form_token"' in response.content.decode()
        assert STATUS_HEADER not in response


def test_the_calendar_feed_is_compressed_for_clients_that_ask(
    page_cache, site_settings, hall, add_course
):
    add_course(hall, "c1")
    plain = Client().get(hall.url + "ics/")
    assert plain.get("Content-Encoding") is None
    body = b"".join(plain.streaming_content) if plain.streaming else plain.content
    zipped = Client().get(hall.url + "ics/", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    raw = b"".join(zipped.streaming_content) if zipped.streaming else zipped.content
    assert gzip.decompress(raw) == body
    assert b"BEGIN:VCALENDAR" in body
