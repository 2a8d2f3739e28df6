"""Services: receipt allocation and promotion to the needs library (hook)."""

import pytest
from django.contrib.auth.models import Group
from wagtail import hooks

from kexie_forms.exceptions import PromotionUnavailable
from kexie_forms.models import FormSubmission, SubmissionStatus
from kexie_forms.services import (
    PROMOTE_HOOK,
    receipt_allocate,
    submission_promote,
    submissions_promote,
)

from .helpers import make_form_page

pytestmark = pytest.mark.django_db


def test_receipt_numbers_restart_each_year_and_are_zero_padded():
    assert receipt_allocate(prefix="TJ", year=2026) == "TJ-2026-000001"
    assert receipt_allocate(prefix="TJ", year=2026) == "TJ-2026-000002"
    assert receipt_allocate(prefix="TJ", year=2027) == "TJ-2027-000001"


@pytest.fixture
def survey(home):
    return make_form_page(
        home, is_needs_survey=True, needs_mapping="title = village\ndetail = need\n"
    )


def submission(page, status=SubmissionStatus.ACCEPTED, n=1) -> FormSubmission:
    return FormSubmission.objects.create(
        page=page,
        form_data={"village": f"前进村{n}", "need": "小麦赤霉病防治"},
        receipt_number=f"XQ-2026-{n:06d}",
        status=status,
    )


def fake_need_library(received: list):
    """Stands in for the needs app: makes a 'draft need' (a Group here)."""

    def promote(submission, data, user):
        received.append(data)
        return Group.objects.create(name=data["title"])

    return promote


def test_promote_maps_fields_creates_draft_and_links_back(survey, admin_user):
    received = []
    accepted = submission(survey)
    with hooks.register_temporarily(PROMOTE_HOOK, fake_need_library(received)):
        need = submission_promote(submission=accepted, user=admin_user)
        again = submission_promote(submission=accepted, user=admin_user)
    assert received == [{"title": "前进村1", "detail": "小麦赤霉病防治"}]
    assert need == again
    accepted.refresh_from_db()
    assert accepted.promoted_id == str(need.pk)


def test_bulk_promote(survey, admin_user):
    received = []
    chosen = [submission(survey, n=n) for n in (1, 2, 3)]
    with hooks.register_temporarily(PROMOTE_HOOK, fake_need_library(received)):
        needs = submissions_promote(submissions=chosen, user=admin_user)
    assert [n.name for n in needs] == ["前进村1", "前进村2", "前进村3"]


@pytest.mark.parametrize("case", ["pending", "not_survey", "no_handler"])
def test_promote_refuses(home, survey, admin_user, case, monkeypatch):
    if case == "pending":
        target = submission(survey, status=SubmissionStatus.PENDING)
    elif case == "not_survey":
        target = submission(make_form_page(home, slug="plain"))
    else:
        target = submission(survey)
    with pytest.raises(PromotionUnavailable):
        if case == "no_handler":
            # As in a site without the needs library: nobody registered the hook.
            monkeypatch.setattr(hooks, "get_hooks", lambda name: [])
            submission_promote(submission=target, user=admin_user)
        else:
            with hooks.register_temporarily(PROMOTE_HOOK, fake_need_library([])):
                submission_promote(submission=target, user=admin_user)


def test_promote_view_is_scoped_and_explains_a_missing_library(survey, monkeypatch):
    from django.test import Client
    from django.urls import reverse

    from kexie_pages.models import County

    from .test_admin import reviewer

    fugou = County.objects.get(code="411621")
    own = submission(survey, n=1)
    own.county = fugou
    own.save()
    other = submission(survey, n=2)  # no county: city business
    client: Client = reviewer("fugou", "411621")
    assert (
        client.get(reverse("kexie_forms_promote", args=[other.pk])).status_code == 404
    )
    assert (
        client.post(reverse("kexie_forms_promote", args=[other.pk])).status_code == 404
    )
    page = client.get(reverse("kexie_forms_promote", args=[own.pk]))
    assert "转为需求草稿" in page.content.decode()
    with monkeypatch.context() as patched:
        patched.setattr(hooks, "get_hooks", lambda name: [])
        response = client.post(
            reverse("kexie_forms_promote", args=[own.pk]), follow=True
        )
    assert "需求库尚未安装" in response.content.decode()
    received = []
    with hooks.register_temporarily(PROMOTE_HOOK, fake_need_library(received)):
        response = client.post(
            reverse("kexie_forms_promote", args=[own.pk]), follow=True
        )
    assert "已根据此提交创建需求草稿" in response.content.decode()
    edit = client.get(reverse("kexie_submissions:edit", args=[own.pk])).content.decode()
    assert "转入需求库" in edit
