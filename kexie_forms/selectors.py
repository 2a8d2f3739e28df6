"""Reads that span models: county scoping and receipt lookup."""

from django.conf import settings
from django.db.models import Avg, QuerySet
from django.urls import reverse

# ``county_for_user`` lives in kexie_pages, which scopes its own admin by the
# same binding; kexie_forms code imports it from here.
from kexie_pages.base.selectors import CountyScope, county_for_user

from .models import FormPage, FormSubmission, SubmissionAttachment

#: Submissions belong to the county the submitter chose; one without a county
#: is city business, hidden from county users.
SUBMISSION_SCOPE = CountyScope("county")


def user_is_county_bound(*, user) -> bool:
    """Whether ``user`` sees one county's submissions only."""
    return county_for_user(user=user) is not None


def submissions_for_user(*, user, queryset: QuerySet | None = None) -> QuerySet:
    """Narrow ``queryset`` (default: every submission) to what ``user`` may see.

    A user bound to a county sees only submissions from that county; a
    submission with no county is city business and hidden from county users.
    """
    if queryset is None:
        queryset = FormSubmission.objects.all()
    return SUBMISSION_SCOPE.visible(user=user, queryset=queryset)


def attachments_for_user(*, user) -> QuerySet:
    """Attachments of the submissions ``user`` may see."""
    return SubmissionAttachment.objects.filter(
        submission__in=submissions_for_user(user=user)
    )


def submission_by_receipt(*, receipt_number: str) -> FormSubmission | None:
    """The submission with this receipt number (for status lookups), if any.

    The caller checks the receipt code (``guards.receipt_code_matches``)
    before showing anything.
    """
    return (
        FormSubmission.objects.select_related("page")
        .only(
            "receipt_number",
            "receipt_code_hash",
            "status",
            "submit_time",
            "form_data",
            "page__title",
            "county",
            "promoted_type",
            "promoted_id",
        )
        .filter(receipt_number=receipt_number.strip().upper())
        .first()
    )


def submission_on_page(*, page: FormPage, receipt_number: str) -> FormSubmission | None:
    """The submission of ``page`` with this receipt number, for its thank-you page."""
    return FormSubmission.objects.filter(
        page=page, receipt_number=receipt_number.strip().upper()
    ).first()


def submission_scores(*, submission: FormSubmission) -> dict:
    """``{"scores": [...], "average": float | None}``: every reviewer's score."""
    scores = list(submission.scores.select_related("reviewer"))
    average = submission.scores.aggregate(average=Avg("score"))["average"]
    return {"scores": scores, "average": average}


def attachment_url(key) -> str:
    """Absolute admin URL of an attachment (for exports and emails)."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return base + reverse("kexie_forms_attachment", args=[str(key)])


def submission_rows(*, submission: FormSubmission) -> list[tuple[str, str, str]]:
    """``(label, value, download URL or "")`` for each field of a submission."""
    page = submission.page.specific
    attachments = {str(a.key): a for a in submission.attachments.all()}
    rows = []
    fields = page.get_form_fields() if isinstance(page, FormPage) else []
    for field in fields:
        value = submission.form_data.get(field.clean_name, "")
        url = ""
        if field.field_type == "file" and value in attachments:
            url = reverse("kexie_forms_attachment", args=[value])
            value = attachments[value].original_name
        elif field.field_type == "nominee" and value:
            from .forms import nominee_resolve

            entry = nominee_resolve(value)
            value = str(entry) if entry is not None else value
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        rows.append((field.label, str(value), url))
    return rows


#: Words naming the field that says what a submission is about (its village
#: or title), tried after the form's needs mapping. Never a person's name or
#: phone: those are not shown to whoever holds a receipt.
SUBJECT_FIELD_HINTS = ("village", "title", "村", "标题", "名称", "题目")


def submission_subject(*, submission: FormSubmission) -> str:
    """The village or title a submission is about, for the receipt lookup."""
    page = submission.page.specific
    if not isinstance(page, FormPage):
        return ""
    data = submission.form_data or {}
    mapping = page.needs_field_map()
    for need_field in ("village", "title"):
        value = data.get(mapping.get(need_field, ""), "")
        if isinstance(value, str) and value.strip():
            return value.strip()[:100]
    for field in page.get_form_fields():
        if field.field_type not in ("singleline", "multiline"):
            continue
        name = f"{field.clean_name} {field.label}".lower()
        if any(hint in name for hint in SUBJECT_FIELD_HINTS):
            value = data.get(field.clean_name, "")
            if isinstance(value, str) and value.strip():
                return value.strip()[:100]
    return ""


def submission_public_summary(*, submission: FormSubmission, request=None) -> dict:
    """What the holder of a receipt number and code may see of a submission.

    The form, county, date, village or title, status and, once promoted to a
    published need, the need's public address and its matched help. No
    names, phone numbers or other answers.
    """
    summary: dict = {
        "receipt_number": submission.receipt_number,
        "form": submission.page.title,
        "county": submission.county.name if submission.county else "",
        "subject": submission_subject(submission=submission),
        "submitted_at": submission.submit_time,
        "status": submission.status,
        "status_display": submission.get_status_display(),
        "need_title": "",
        "need_url": "",
        "need_status_display": "",
        "matched_help": [],
    }
    need = promoted_public_need(submission=submission)
    if need is None:
        return summary
    from kexie_pages.needs.selectors import need_public_matches

    experts, achievements = need_public_matches(need=need)
    summary.update(
        need_title=need.title,
        need_url=need.get_url(request) or "",
        need_status_display=need.get_status_display(),
        matched_help=[
            f"{expert.name}（{expert.employer}）"
            + (f" · {expert.speciality}" if expert.speciality else "")
            for expert in experts
        ]
        + [f"{a.title}（{a.organisation}）" for a in achievements],
    )
    return summary


def promoted_public_need(*, submission: FormSubmission):
    """The published need a submission was promoted to, or ``None``."""
    promoted_type = submission.promoted_type
    if promoted_type is None or not submission.promoted_id:
        return None
    from kexie_pages.models import Need

    if promoted_type.model_class() is not Need:
        return None
    return Need.objects.public().filter(pk=submission.promoted_id).first()
