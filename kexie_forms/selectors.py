"""Reads that span models: county scoping and receipt lookup."""

from django.conf import settings
from django.db.models import QuerySet
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
        )
        .filter(receipt_number=receipt_number.strip().upper())
        .first()
    )


def submission_on_page(*, page: FormPage, receipt_number: str) -> FormSubmission | None:
    """The submission of ``page`` with this receipt number, for its thank-you page."""
    return FormSubmission.objects.filter(
        page=page, receipt_number=receipt_number.strip().upper()
    ).first()


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
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        rows.append((field.label, str(value), url))
    return rows
