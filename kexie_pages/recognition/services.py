"""Writes of recognition: awards from nominations, decisions, certificate numbers."""

import decimal
import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..exceptions import KexiePagesError
from .models import (
    Award,
    AwardDecision,
    AwardRound,
    HonourCategory,
    HonourEntry,
    HonourRoll,
)

#: Words in a number field's label or name marking the evidence it holds.
HOUSEHOLD_HINTS = ("household", "户")
INCOME_HINTS = ("income", "收入", "增收")
NOMINEE_ATTRS = {
    "associations": "association",
    "demo-bases": "demo_base",
    "leaders": "leader",
}


class AwardUnavailable(KexiePagesError):
    """The submission is not a nomination of any awards round."""


def award_round_for_submission(*, submission) -> AwardRound | None:
    """The awards round whose nomination form took ``submission``."""
    return AwardRound.objects.filter(form_page_id=submission.page_id).first()


def _evidence(submission) -> dict:
    """Nominee, households and income read from a nomination's answers."""
    page = submission.page.specific
    data = submission.form_data or {}
    found: dict = {}
    for field in page.get_form_fields():
        value = data.get(field.clean_name)
        if value in (None, ""):
            continue
        name = f"{field.clean_name} {field.label}".lower()
        if field.field_type == "nominee" and "nominee" not in found:
            directory, _sep, pk = str(value).partition(":")
            if directory in NOMINEE_ATTRS and pk.isdigit():
                found["nominee"] = (NOMINEE_ATTRS[directory], int(pk))
        elif field.field_type == "number":
            try:
                number = decimal.Decimal(str(value))
            except decimal.InvalidOperation:
                continue
            if any(h in name for h in HOUSEHOLD_HINTS) and "households" not in found:
                found["households"] = max(int(number), 0)
            elif any(h in name for h in INCOME_HINTS) and "income" not in found:
                found["income"] = number.quantize(decimal.Decimal("0.01"))
    return found


def award_from_submission(*, submission) -> Award:
    """The award record of a nomination, made from its answers the first time.

    Raises :class:`AwardUnavailable` when the submission's form is no round's.
    """
    existing = Award.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    round_ = award_round_for_submission(submission=submission)
    if round_ is None:
        raise AwardUnavailable(submission.pk)
    evidence = _evidence(submission)
    award = Award(
        round=round_,
        submission=submission,
        county_id=submission.county_id,
        households_helped=evidence.get("households"),
        income_raised=evidence.get("income"),
    )
    if "nominee" in evidence:
        attr, pk = evidence["nominee"]
        setattr(award, f"{attr}_id", pk)
    award.save()
    return award


def award_decide(
    *,
    award: Award,
    user,
    decision: str,
    amount: decimal.Decimal | int | None,
    citation: str = "",
) -> Award:
    """Record the decision on a nomination and the amount awarded (none when declined)."""
    award.decision = decision
    award.amount = amount if decision == AwardDecision.AWARDED else None
    award.citation = citation
    award.decided_by = user
    award.decided_at = timezone.now()
    award.save()
    return award


def award_decision_record(*, award: Award, user) -> Award:
    """Stamp who decided and when, after an admin form changed the decision."""
    if award.decision == AwardDecision.PENDING:
        award.decided_by = None
        award.decided_at = None
    else:
        award.decided_by = user
        award.decided_at = timezone.now()
    if award.decision != AwardDecision.AWARDED:
        award.amount = None
    award.save()
    return award


CERTIFICATE_PREFIX = "ZJ"
_NUMBER = re.compile(rf"^{CERTIFICATE_PREFIX}(\d{{4}})-(\d+)$")


def certificate_numbers_assign(*, roll: HonourRoll) -> list[HonourEntry]:
    """Give every expert of outstanding contribution on ``roll`` a certificate number.

    Numbers read ``ZJ<year>-<three digits>``, in the roll's order, and never
    change once given (a printed certificate carries it); entries that are no
    longer experts lose theirs. Returns the entries that got a new number.
    """
    with transaction.atomic():
        HonourEntry.objects.filter(roll=roll).exclude(
            category=HonourCategory.EXPERT
        ).exclude(certificate_number="").update(certificate_number="")
        taken = HonourEntry.objects.filter(
            certificate_number__startswith=f"{CERTIFICATE_PREFIX}{roll.year}-"
        ).aggregate(last=Max("certificate_number"))["last"]
        match = _NUMBER.match(taken or "")
        last = int(match.group(2)) if match else 0
        assigned = []
        for entry in roll.entries.filter(
            category=HonourCategory.EXPERT, certificate_number=""
        ).order_by("sort_order", "id"):
            last += 1
            entry.certificate_number = f"{CERTIFICATE_PREFIX}{roll.year}-{last:03d}"
            entry.save(update_fields=["certificate_number"])
            assigned.append(entry)
    return assigned
