"""The admin: reviewers' scores on a nomination, the award decision, the
certificates (one PDF, a year's ZIP), and county staff's view of awards."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kexie_forms.models import SubmissionScore
from kexie_pages.models import Award, AwardDecision

from .conftest import FUGOU, XIHUA

pytestmark = pytest.mark.django_db

REVIEW_PERMISSIONS = (
    "kexie_forms.change_formsubmission",
    "kexie_forms.view_formsubmission",
    "kexie_pages.add_award",
    "kexie_pages.change_award",
    "kexie_pages.view_award",
)


def _review(client, submission, score: int, comment: str):
    return client.post(
        reverse("kexie_submissions:edit", args=[submission.pk]),
        {
            "status": "accepted",
            "notes": "",
            "my_score": str(score),
            "my_comment": comment,
        },
    )


def test_each_reviewer_scores_and_the_average_is_shown(
    county_staff, award_round, nomination
):
    submission = nomination()
    first, second = (
        county_staff(None, *REVIEW_PERMISSIONS),
        county_staff(None, *REVIEW_PERMISSIONS),
    )
    assert _review(first, submission, 90, "成效明显").status_code == 302
    assert _review(second, submission, 75, "材料略少").status_code == 302
    # Scoring again changes the reviewer's own score, never adds one.
    assert _review(second, submission, 80, "已补充").status_code == 302
    assert SubmissionScore.objects.filter(submission=submission).count() == 2
    html = first.get(reverse("kexie_submissions:edit", args=[submission.pk]))
    html = html.content.decode()
    assert "成效明显" in html and "已补充" in html and "材料略少" not in html
    assert "平均分" in html and "85.0" in html
    # The reviewer's own score is filled in for them.
    assert 'name="my_score" value="90"' in html
    assert "决定奖励" in html


def test_forms_without_scores_show_no_score_fields(county_staff, home, nomination):
    submission = nomination()
    page = submission.page.specific
    page.review_scores = False
    page.save()
    client = county_staff(None, *REVIEW_PERMISSIONS)
    html = client.get(reverse("kexie_submissions:edit", args=[submission.pk]))
    assert 'name="my_score"' not in html.content.decode()


def test_award_decision_from_the_review_screen(county_staff, award_round, nomination):
    submission = nomination()
    client = county_staff(None, *REVIEW_PERMISSIONS)
    _review(client, submission, 88, "好")
    response = client.get(reverse("kexie_award_from_submission", args=[submission.pk]))
    award = Award.objects.get(submission=submission)
    assert response["Location"] == reverse("kexie_awards:edit", args=[award.pk])
    html = client.get(response["Location"]).content.decode()
    assert "88.0" in html  # the reviewers' average beside the decision
    data = {
        "round": award_round.pk,
        "association": award.association_id,
        "demo_base": "",
        "leader": "",
        "county": award.county_id,
        "households_helped": "56",
        "income_raised": "12.50",
        "decision": AwardDecision.AWARDED,
        "amount": "30000",
        "citation": "带动56户脱贫",
    }
    saved = client.post(response["Location"], data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    award.refresh_from_db()
    assert award.decision == AwardDecision.AWARDED and award.amount == 30000
    assert award.decided_by is not None and award.decided_at is not None


def test_county_staff_see_only_their_countys_awards(
    county_staff, award_round, nomination
):
    from kexie_pages.recognition.services import award_from_submission

    own = award_from_submission(submission=nomination("association", FUGOU, n=1))
    other = award_from_submission(submission=nomination("base", XIHUA, n=2))
    client = county_staff(FUGOU, *REVIEW_PERMISSIONS)
    html = client.get(reverse("kexie_awards:index")).content.decode()
    assert "扶沟县蔬菜种植协会" in html and "西华县食用菌示范基地" not in html
    assert client.get(reverse("kexie_awards:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("kexie_awards:edit", args=[other.pk])).status_code == 404
    nominated = other.submission_id
    assert (
        client.get(reverse("kexie_award_from_submission", args=[nominated])).status_code
        == 404
    )


def test_certificate_downloads(honour_roll, certificate):
    admin = get_user_model().objects.create_superuser("root", password="x")
    from django.test import Client

    client = Client()
    client.force_login(admin)
    pdf = client.get(reverse("kexie_honour_rolls:certificate", args=[certificate.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    archive = client.get(
        reverse("kexie_honour_rolls:certificates", args=[honour_roll.pk])
    )
    assert archive["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == ["ZJ2026-001-李建国.pdf"]
    edit = client.get(reverse("kexie_honour_rolls:edit", args=[honour_roll.pk]))
    assert "下载全部证书（ZIP）" in edit.content.decode()


def test_certificates_are_staffs(county_staff, honour_roll, certificate):
    client = county_staff(None, "kexie_forms.view_formsubmission")
    url = reverse("kexie_honour_rolls:certificates", args=[honour_roll.pk])
    assert client.get(url).status_code in (302, 403)
