"""Fixtures of the lecture hall tests: the hall, courses, sign-ups (with the
form's one-time token), the editor, and a file copy of the database for the
concurrency test."""

import datetime
import sqlite3
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from kexie_pages.models import County, CoursePage, IndustryCategory, LectureHallPage

from .helpers import PHONE, SHANGHAI


@pytest.fixture
def at() -> Callable[..., datetime.datetime]:
    """``at(days, hour=9)``: a Beijing-time instant ``days`` from today at ``hour``."""

    def instant(days: int, hour: int = 9) -> datetime.datetime:
        day = timezone.localdate() + datetime.timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)

    return instant


@pytest.fixture
def hall(home) -> LectureHallPage:
    return home.add_child(
        instance=LectureHallPage(
            title="农村科普大讲堂", slug="lecture-hall", show_in_menus=True
        )
    )


@pytest.fixture
def county(db) -> Callable[[str], County]:
    """Look a county up by its code: ``county("411621")``."""

    def by_code(code: str) -> County:
        return County.objects.get(code=code)

    return by_code


@pytest.fixture
def category(db) -> Callable[[str], IndustryCategory]:
    """Look an industry category up by its slug: ``category("zhongzhi")``."""

    def by_slug(slug: str) -> IndustryCategory:
        return IndustryCategory.objects.get(slug=slug)

    return by_slug


@pytest.fixture
def add_course(at, county, category) -> Callable[..., CoursePage]:
    """Factory: ``add_course(hall, slug, *, days=10, **fields)``."""

    def add(
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

    return add


@pytest.fixture
def signup_token(form_token) -> Callable[..., str]:
    """``signup_token(client, course)``: the one-time token of the course's sign-up
    form, as the visitor's open page has it. Where the page shows no form any
    more (the course began, was cancelled), the token a page opened earlier had."""

    def token(client, course: CoursePage) -> str:
        """Open the course page with ``client`` and read its sign-up token."""
        from kexie_pages.courses.forms import CourseRegistrationForm

        return (
            form_token(client, course.url)
            or CourseRegistrationForm(course_id=course.pk).new_token()
        )

    return token


@pytest.fixture
def sign_up(signup_token) -> Callable:
    """``sign_up(client, course, **data)``: open the course page, then post its
    sign-up form, as 王大成 by default."""

    def post(client, course, **data):
        """Post the sign-up form of ``course`` with the token the page gave."""
        payload = {
            "name": "王大成",
            "phone": PHONE,
            "village": "王庄村",
            "form_token": signup_token(client, course),
            **data,
        }
        return client.post(course.url + "register/", payload)

    return post


@pytest.fixture
def admin_client(db, client):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def course_form_data(county, category) -> Callable[..., dict]:
    """``course_form_data(**overrides)``: the editor's form for a new course."""

    def data_for(**overrides) -> dict:
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
            "lecturers": inline_formset(
                [{"name": "李建国", "affiliation": "市农科院"}]
            ),
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

    return data_for


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
