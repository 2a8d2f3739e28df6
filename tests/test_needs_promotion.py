"""An accepted needs survey becomes a draft need in the needs library."""

import pytest

from kexie_forms.exceptions import PromotionUnavailable
from kexie_forms.models import FormSubmission, SubmissionStatus
from kexie_forms.services import submission_promote
from kexie_pages.models import County, Need

from .forms.helpers import make_form_page

pytestmark = pytest.mark.django_db

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
    assert need.title.startswith("前进村：小麦赤霉病")
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
