"""Awards from nominations, decisions, certificate numbers, submissions by the form."""

import decimal

import pytest

from kexie_forms.models import FormSubmission
from kexie_pages.models import AwardDecision, HonourCategory, HonourEntry
from kexie_pages.recognition.services import (
    AwardUnavailable,
    award_decide,
    award_from_submission,
    certificate_numbers_assign,
)

from .conftest import FUGOU

pytestmark = pytest.mark.django_db


def test_award_copies_the_evidence_of_the_nomination(award_round, nomination, entries):
    award = award_from_submission(submission=nomination("leader", households=31))
    assert award.round == award_round
    assert award.leader == entries["leader"] and award.nominee == entries["leader"]
    assert award.county.code == FUGOU
    assert award.households_helped == 31
    assert award.income_raised == decimal.Decimal("12.50")
    assert award.decision == AwardDecision.PENDING
    # Asking again opens the same record.
    assert award_from_submission(submission=award.submission) == award


def test_submission_of_another_form_is_no_nomination(home, nomination, award_round):
    submission = nomination()
    award_round.form_page = None
    award_round.save()
    with pytest.raises(AwardUnavailable):
        award_from_submission(submission=submission)


def test_declining_clears_the_amount(award_round, nomination):
    award = award_from_submission(submission=nomination())
    award_decide(award=award, user=None, decision=AwardDecision.DECLINED, amount=9)
    award.refresh_from_db()
    assert award.amount is None and award.decided_at is not None


def test_certificate_numbers_follow_the_roll_and_stay(honour_roll, entries):
    expert = honour_roll.entries.get(category=HonourCategory.EXPERT)
    assert expert.certificate_number == "ZJ2026-001"
    others = honour_roll.entries.exclude(category=HonourCategory.EXPERT)
    assert set(others.values_list("certificate_number", flat=True)) == {""}
    added = HonourEntry.objects.create(
        roll=honour_roll,
        category=HonourCategory.EXPERT,
        name="张秀兰",
        sort_order=-1,
    )
    assert certificate_numbers_assign(roll=honour_roll) == [added]
    added.refresh_from_db()
    expert.refresh_from_db()
    assert (expert.certificate_number, added.certificate_number) == (
        "ZJ2026-001",
        "ZJ2026-002",
    )
    # An entry that is no longer an expert loses its number.
    added.category = HonourCategory.INDIVIDUAL
    added.save()
    certificate_numbers_assign(roll=honour_roll)
    added.refresh_from_db()
    assert added.certificate_number == ""


def test_public_form_takes_a_nomination_of_a_public_entry(
    client, nomination_form, entries, form_token
):
    from .conftest import PHONES

    fields = {f.label: f.clean_name for f in nomination_form.get_form_fields()}
    hidden = type(entries["leader"]).objects.create(
        name="未公开带头人", village="后村", county=entries["fugou"]
    )
    html = client.get(nomination_form.url).content.decode()
    assert "扶沟县蔬菜种植协会（扶沟县）" in html and "未公开带头人" not in html
    base = {
        fields["county"]: FUGOU,
        fields["帮扶贫困户数"]: "40",
        fields["带动增收（万元）"]: "8.5",
        fields["mobile"]: PHONES[4],
    }
    refused = client.post(
        nomination_form.url,
        {
            **base,
            fields["nominee"]: f"leaders:{hidden.pk}",
            "form_token": form_token(client, nomination_form.url),
        },
    )
    assert refused.status_code == 200
    assert "请从列表中选择一个条目" in refused.content.decode()
    response = client.post(
        nomination_form.url,
        {
            **base,
            fields["nominee"]: f"associations:{entries['association'].pk}",
            "form_token": form_token(client, nomination_form.url),
        },
    )
    assert response.status_code == 302
    submission = FormSubmission.objects.get()
    assert submission.form_data[fields["nominee"]] == (
        f"associations:{entries['association'].pk}"
    )
