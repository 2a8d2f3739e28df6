"""Fixtures of the kexie_forms tests: a needs form page, a needs survey,
submissions, county-bound and city-wide reviewers, and a stand-in needs
library for the promotion hook."""

import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.test import Client

from kexie_forms.models import FormPage, FormSubmission, SubmissionStatus, UserCounty
from kexie_pages.models import County

from .helpers import (
    FUGOU,
    PDF,
    XIHUA,
    make_form_page,
    receipt_code_of,
    upload,
    valid_data,
)


@pytest.fixture
def page(home) -> FormPage:
    return make_form_page(home)


@pytest.fixture
def survey(home) -> FormPage:
    return make_form_page(
        home, is_needs_survey=True, needs_mapping="title = village\ndetail = need\n"
    )


@pytest.fixture
def submission(db) -> Callable[..., FormSubmission]:
    """``submission(page, status=ACCEPTED, n=1)``: a submission stored directly."""

    def create(page, status=SubmissionStatus.ACCEPTED, n=1) -> FormSubmission:
        return FormSubmission.objects.create(
            page=page,
            form_data={"village": f"前进村{n}", "need": "小麦赤霉病防治"},
            receipt_number=f"XQ-2026-{n:06d}",
            status=status,
        )

    return create


@pytest.fixture
def submissions(page):
    """One submission from 扶沟县 (A) and one from 西华县 (B), each with a PDF."""
    client = Client()
    made = {}
    for code, village in ((FUGOU, "前进村"), (XIHUA, '=HYPERLINK("http://x")')):
        response = client.post(
            page.url,
            valid_data(
                page,
                county=code,
                village=village[:20],
                attachment=upload(f"{code}.pdf", PDF),
            ),
        )
        made[code] = FormSubmission.objects.get(county__code=code)
        # The code the submitter was shown (its receipt page's address).
        made[code].receipt_code = receipt_code_of(response)
    return made


@pytest.fixture
def reviewer(db) -> Callable[[str, str | None], Client]:
    """``reviewer(username, county_code)``: a logged-in client of a reviewer."""

    def log_in(username: str, county_code: str | None) -> Client:
        """A logged-in reviewer with the review permissions, bound to a county or not."""
        group, _created = Group.objects.get_or_create(name="reviewers")
        group.permissions.set(
            Permission.objects.filter(
                Q(content_type__app_label="wagtailadmin", codename="access_admin")
                | Q(
                    content_type__app_label="kexie_forms",
                    codename__in=[
                        "view_formsubmission",
                        "change_formsubmission",
                        "delete_formsubmission",
                    ],
                )
            )
        )
        user = get_user_model().objects.create_user(username, password="x")
        user.groups.add(group)
        if county_code:
            UserCounty.objects.create(
                user=user, county=County.objects.get(code=county_code)
            )
        client = Client()
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def county_a(reviewer) -> Client:
    return reviewer("fugou", FUGOU)


@pytest.fixture
def city(reviewer) -> Client:
    return reviewer("city", None)


@pytest.fixture
def fake_need_library() -> Callable[[list], Callable]:
    """``fake_need_library(received)``: a promotion hook standing in for the needs
    app; it records the mapped data and makes a 'draft need' (a Group here)."""

    def library(received: list) -> Callable:
        def promote(submission, data, user):
            received.append(data)
            return Group.objects.create(name=data["title"])

        return promote

    return library


@pytest.fixture
def form_index(home):
    """The counties' entry point 县区填报 in the menu, with an open form, a form
    closing later, a closed one and a draft under it."""
    from django.utils import timezone

    from kexie_forms.models import FormIndexPage

    index = home.add_child(
        instance=FormIndexPage(title="县区填报", slug="tianbao", show_in_menus=True)
    )
    now = timezone.now()
    make_form_page(index, "open", closes_at=now + datetime.timedelta(days=10))
    make_form_page(index, "later", closes_at=now + datetime.timedelta(days=40))
    closed = make_form_page(index, "closed", closes_at=now - datetime.timedelta(days=1))
    closed.title = "去年的需求征集"
    closed.save_revision().publish()
    draft = make_form_page(index, "draft")
    draft.title = "未发布的征集"
    draft.save_revision()
    draft.unpublish()
    return index


@pytest.fixture
def promoted(survey, client):
    """``(receipt, code, need)``: a survey submission from 前进村 posted by a
    client, accepted, promoted to a published need with a public expert matched."""
    from django.contrib.contenttypes.models import ContentType

    from kexie_pages.models import (
        Expert,
        IndustryCategory,
        Need,
        NeedMatch,
        NeedsLibraryPage,
    )
    from kexie_pages.needs.services import needs_bulk_create

    survey.get_parent().add_child(
        instance=NeedsLibraryPage(title="科技需求库", slug="library")
    )
    response = client.post(survey.url, valid_data(survey))
    submission = FormSubmission.objects.get()
    submission.status = SubmissionStatus.ACCEPTED
    need = needs_bulk_create(
        needs=[
            Need(
                title="前进村小麦赤霉病防治",
                county=County.objects.get(code=FUGOU),
                village="前进村",
                category=IndustryCategory.objects.first(),
                description="小麦赤霉病防治",
                contact_name="张三",
                contact_phone="13803940001",
            )
        ],
        publish=True,
    )[0]
    expert = Expert.objects.create(
        name="李明",
        employer="周口市农业科学院",
        speciality="小麦赤霉病",
        is_public=True,
        phone="13912345678",
    )
    NeedMatch.objects.create(need=need, expert=expert)
    submission.promoted_type = ContentType.objects.get_for_model(Need)
    submission.promoted_id = str(need.pk)
    submission.save()
    return submission.receipt_number, receipt_code_of(response), need
