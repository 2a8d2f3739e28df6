"""Services: receipt allocation and promotion to the needs library (hook), with
a stand-in library and with the real one: an accepted needs survey becomes a
draft need."""

import pytest
from wagtail import hooks

from kexie_forms.exceptions import PromotionUnavailable
from kexie_forms.models import FormSubmission, SubmissionStatus
from kexie_forms.services import (
    PROMOTE_HOOK,
    receipt_allocate,
    submission_promote,
    submissions_promote,
)
from kexie_pages.models import County, Need

from .helpers import make_form_page

pytestmark = pytest.mark.django_db


def test_receipt_numbers_restart_each_year_and_are_zero_padded():
    assert receipt_allocate(prefix="TJ", year=2026) == "TJ-2026-000001"
    assert receipt_allocate(prefix="TJ", year=2026) == "TJ-2026-000002"
    assert receipt_allocate(prefix="TJ", year=2027) == "TJ-2027-000001"


def test_promote_maps_fields_creates_draft_and_links_back(
    survey, admin_user, submission, fake_need_library
):
    received = []
    accepted = submission(survey)
    with hooks.register_temporarily(PROMOTE_HOOK, fake_need_library(received)):
        need = submission_promote(submission=accepted, user=admin_user)
        again = submission_promote(submission=accepted, user=admin_user)
    assert received == [{"title": "前进村1", "detail": "小麦赤霉病防治"}]
    assert need == again
    accepted.refresh_from_db()
    assert accepted.promoted_id == str(need.pk)


def test_bulk_promote(survey, admin_user, submission, fake_need_library):
    received = []
    chosen = [submission(survey, n=n) for n in (1, 2, 3)]
    with hooks.register_temporarily(PROMOTE_HOOK, fake_need_library(received)):
        needs = submissions_promote(submissions=chosen, user=admin_user)
    assert [n.name for n in needs] == ["前进村1", "前进村2", "前进村3"]


@pytest.mark.parametrize("case", ["pending", "not_survey", "no_handler"])
def test_promote_refuses(
    home, survey, admin_user, case, monkeypatch, submission, fake_need_library
):
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


# With the real needs library: kexie_pages registers the promotion hook.
MAPPING = "county = county\nvillage = village\ndescription = need\ncategory = industry\ncontact_phone = mobile"


def accepted(page, **data) -> FormSubmission:
    return FormSubmission.objects.create(
        page=page,
        form_data={"village": "前进村", "need": "小麦赤霉病年年发生，减产三成", **data},
        county=County.objects.get(code="411621"),
        receipt_number="XQ-2026-000042",
        status=SubmissionStatus.ACCEPTED,
    )


def test_promoting_creates_a_draft_need_linked_back(home, admin_user):
    survey = make_form_page(home, is_needs_survey=True, needs_mapping=MAPPING)
    submission = accepted(survey, industry="种植", mobile="13812345678")

    need = submission_promote(submission=submission, user=admin_user)

    assert isinstance(need, Need)
    assert not need.live  # a draft: staff review it before it is published
    assert need.county.name == "扶沟县"
    assert need.category.name == "种植"
    assert need.village == "前进村"
    assert need.description == "小麦赤霉病年年发生，减产三成"
    assert need.title == "前进村：小麦赤霉病年年发生"  # the problem's first clause
    assert need.contact_phone == "13812345678"  # staff-only field
    submission.refresh_from_db()
    assert submission.promoted_id == str(need.pk)
    assert submission_promote(submission=submission, user=admin_user) == need
    assert Need.objects.count() == 1


def test_a_submission_without_an_industry_is_refused_in_chinese(home, admin_user):
    survey = make_form_page(home, is_needs_survey=True, needs_mapping=MAPPING)
    with pytest.raises(PromotionUnavailable) as refused:
        submission_promote(submission=accepted(survey), user=admin_user)
    assert "产业" in str(refused.value)
    assert Need.objects.count() == 0


def test_a_promoted_need_takes_its_household_count_from_the_form(home, admin_user):
    survey = make_form_page(
        home, is_needs_survey=True, needs_mapping=MAPPING + "\nhouseholds = households"
    )
    submission = accepted(survey, industry="种植", households="３５户")
    need = submission_promote(submission=submission, user=admin_user)
    assert need.households == 35
