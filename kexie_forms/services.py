"""Writes that span models: storing a submission with its receipt, reviewing it."""

import hashlib
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from wagtail import hooks

from kexie_pages.base.guards import body_digest
from kexie_pages.models import County, IndustryCategory

from .exceptions import PromotionUnavailable, SubmissionRefused
from .guards import receipt_code_again, receipt_code_new
from .models import (
    FormPage,
    FormSubmission,
    ReceiptCounter,
    RejectionCount,
    SubmissionAttachment,
    SubmissionScore,
    SubmissionStatus,
)


def receipt_allocate(*, prefix: str, year: int) -> str:
    """Hand out the next receipt number for ``prefix`` in ``year``.

    Call inside a transaction: the counter row stays locked (PostgreSQL row
    lock; SQLite's write lock under IMMEDIATE transactions) until it commits,
    so concurrent submissions get distinct, gap-free numbers.
    """
    counter, _created = ReceiptCounter.objects.get_or_create(prefix=prefix, year=year)
    ReceiptCounter.objects.filter(pk=counter.pk).update(
        last_number=models.F("last_number") + 1
    )
    counter.refresh_from_db(fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:06d}"


def _form_data(*, page: FormPage, form) -> tuple[dict, County | None, list]:
    """JSON-safe data, the submission's county, and the uploads to store."""
    data: dict = {}
    county = None
    uploads = []
    for field in page.get_form_fields():
        name = field.clean_name
        value = form.cleaned_data.get(name)
        if isinstance(value, County):
            county = county or value
            value = value.name
        elif isinstance(value, IndustryCategory):
            value = value.name
        elif field.field_type == "file":
            if value:
                key = uuid.uuid4()
                uploads.append((name, key, value))
                value = str(key)
            else:
                value = ""
        data[name] = value
    return data, county, uploads


def form_answers_digest(*, page: FormPage, form) -> str:
    """A fingerprint of a valid form's answers: what "the same submission" means.

    Counties and industries count by code, files by their bytes' SHA-256, so
    a replay of the same POST matches and any changed answer or file does not.
    """
    answers: dict = {}
    for field in page.get_form_fields():
        value = form.cleaned_data.get(field.clean_name)
        if isinstance(value, County):
            value = value.code
        elif isinstance(value, IndustryCategory):
            value = value.slug
        elif field.field_type == "file":
            value = _file_digest(value) if value else ""
        answers[field.clean_name] = value
    return body_digest(answers)


def _file_digest(upload) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def submission_create(
    *, page: FormPage, form, idempotency_key: str | None
) -> tuple[FormSubmission, bool]:
    """Store a valid form's submission once; return it and whether it is new.

    A second call with the same ``idempotency_key`` *and the same answers*
    (a refresh, a double click, a retried API call) returns the first
    submission instead; the same key with changed answers (Back, edit,
    submit) is a new submission with its own receipt. The key and a digest
    of the answers are stored as one SHA-256: signed form tokens and
    clients' own keys vary in length, the column does not.
    The returned submission's ``receipt_code`` holds the plain receipt code
    (also on a replay). Raises :class:`SubmissionRefused` when the form is
    closed or full.
    """
    material = None
    if idempotency_key:
        material = f"{idempotency_key}\n{form_answers_digest(page=page, form=form)}"
        idempotency_key = hashlib.sha256(material.encode()).hexdigest()
        existing = _replayed(
            page=page, idempotency_key=idempotency_key, material=material
        )
        if existing:
            return existing, False
    data, county, uploads = _form_data(page=page, form=form)
    code, code_hash = receipt_code_new(material=material)
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            reason = page.closed_reason()
            if reason:
                raise SubmissionRefused(reason)
            submission = FormSubmission.objects.create(
                page=page,
                form_data=data,
                county=county,
                idempotency_key=idempotency_key or None,
                receipt_number=receipt_allocate(prefix=page.receipt_prefix, year=year),
                receipt_code_hash=code_hash,
            )
            for field_name, key, upload in uploads:
                attachment = SubmissionAttachment(
                    key=key,
                    submission=submission,
                    field_name=field_name,
                    original_name=upload.name[:255],
                    content_type=upload.content_type,
                    size=upload.size,
                )
                attachment.file.save(
                    f"{year}/{key}.{upload.kexie_kind}", upload, save=False
                )
                attachment.save()
    except IntegrityError:
        if idempotency_key and material:
            existing = _replayed(
                page=page, idempotency_key=idempotency_key, material=material
            )
            if existing:
                return existing, False
        raise
    submission.receipt_code = code
    return submission, True


def _replayed(
    *, page: FormPage, idempotency_key: str, material: str
) -> FormSubmission | None:
    """The submission an identical earlier request stored, with its code recomputed."""
    existing = FormSubmission.objects.filter(
        page=page, idempotency_key=idempotency_key
    ).first()
    if existing:
        existing.receipt_code = receipt_code_again(
            submission=existing, material=material
        )
    return existing


def submission_review(
    *, submission: FormSubmission, user, status: str, notes: str
) -> FormSubmission:
    """Record a reviewer's decision and private notes on a submission."""
    submission.status = status
    submission.notes = notes
    submission.reviewer = user
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "notes", "reviewer", "reviewed_at"])
    return submission


def submission_score_set(
    *, submission: FormSubmission, user, score: int, comment: str
) -> SubmissionScore:
    """Record (or change) ``user``'s score of a submission: one per reviewer."""
    row, _created = SubmissionScore.objects.update_or_create(
        submission=submission,
        reviewer=user,
        defaults={"score": score, "comment": comment},
    )
    return row


def rejection_record(*, page_id: int, reason: str) -> None:
    """Count one rejected submission for staff (by form, day and reason)."""
    day = timezone.localdate()
    try:
        with transaction.atomic():
            row, _created = RejectionCount.objects.get_or_create(
                page_id=page_id, day=day, reason=reason
            )
            RejectionCount.objects.filter(pk=row.pk).update(count=models.F("count") + 1)
    except IntegrityError:  # a concurrent first rejection of the day; count it
        RejectionCount.objects.filter(page_id=page_id, day=day, reason=reason).update(
            count=models.F("count") + 1
        )


PROMOTE_HOOK = "kexie_forms_promote_submission"


def submission_promote(*, submission: FormSubmission, user) -> models.Model:
    """Turn an accepted needs-survey submission into a draft need, linked back.

    The needs library lives in another app: it registers a Wagtail hook
    ``kexie_forms_promote_submission`` taking ``(submission, data, user)``,
    where ``data`` is ``{need field: submitted value}`` from the form's
    mapping, and returning the draft it created. Promoting twice returns
    the first draft. Raises :class:`PromotionUnavailable` otherwise.
    """
    page = submission.page.specific
    if not getattr(page, "is_needs_survey", False):
        raise PromotionUnavailable("not_needs_survey")
    if submission.status != SubmissionStatus.ACCEPTED:
        raise PromotionUnavailable("not_accepted")
    existing = submission_promoted_object(submission=submission)
    if existing is not None:
        return existing
    data = {
        need_field: submission.form_data.get(form_field, "")
        for need_field, form_field in page.needs_field_map().items()
    }
    handlers = hooks.get_hooks(PROMOTE_HOOK)
    if not handlers:
        raise PromotionUnavailable("no_handler")
    with transaction.atomic():
        need = handlers[-1](submission, data, user)
        submission.promoted_type = ContentType.objects.get_for_model(need)
        submission.promoted_id = str(need.pk)
        submission.save(update_fields=["promoted_type", "promoted_id"])
    return need


def submission_promoted_object(*, submission: FormSubmission) -> models.Model | None:
    """The need (or other object) this submission was promoted to, if it still exists."""
    if submission.promoted_type is None:
        return None
    model = submission.promoted_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=submission.promoted_id).first()


def submissions_promote(*, submissions, user) -> list[models.Model]:
    """Promote several submissions (a bulk action); all or none."""
    with transaction.atomic():
        return [submission_promote(submission=s, user=user) for s in submissions]
