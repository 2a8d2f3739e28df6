"""Headless forms on Wagtail's v3 API: definitions, submission, status lookup.

Mounted at ``/api/v3/kexie/forms/`` by :class:`kexie_forms.apps.KexieFormsConfig`.
Submissions go through the same Django form, guards and service as the HTML
page; send ``Idempotency-Key`` so a retry stores one submission.
"""

import json
from datetime import datetime

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from kexie_pages.base.api import ApiId

from .exceptions import SubmissionRefused
from .forms import TOKEN_FIELD, KexieFormBuilder
from .guards import body_too_large, rate_limit_exceeded
from .models import FormPage, RejectionReason
from .selectors import submission_by_receipt
from .services import rejection_record, submission_create
from .views import closed_message, too_large_message

router = Router(tags=["kexie forms"])


class ChoiceOut(Schema):
    value: str
    label: str


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    help_text: str
    choices: list[ChoiceOut]
    max_length: int | None
    allowed_file_types: list[str]
    max_file_size: int | None


class FormSummaryOut(Schema):
    id: int
    title: str
    url: str
    is_open: bool


class FormOut(FormSummaryOut):
    intro: str
    opens_at: datetime | None
    closes_at: datetime | None
    closed_reason: str
    fields: list[FieldOut]


class ReceiptOut(Schema):
    receipt_number: str
    status: str
    status_display: str
    created: bool


class ErrorOut(Schema):
    message: str
    errors: dict[str, list[str]] = {}
    data: dict = {}


class StatusOut(Schema):
    receipt_number: str
    form: str
    submitted_at: datetime
    status: str
    status_display: str


def _live_forms():
    return FormPage.objects.live().public()


def _field_definition(field, form_field) -> dict:
    choices = []
    if hasattr(form_field, "choices"):
        choices = [
            {"value": str(value), "label": str(label)}
            for value, label in form_field.choices
            if value != ""
        ]
    is_file = field.field_type == "file"
    return {
        "name": field.clean_name,
        "label": field.label,
        "type": field.field_type,
        "required": field.required,
        "help_text": field.help_text,
        "choices": choices,
        "max_length": getattr(form_field, "max_length", None),
        "allowed_file_types": field.allowed_kinds() if is_file else [],
        "max_file_size": field.max_file_size_mb * 1024 * 1024 if is_file else None,
    }


@router.get("/", response=list[FormSummaryOut], summary="List public forms")
def form_list(request: HttpRequest):
    return [
        {
            "id": page.pk,
            "title": page.title,
            "url": page.full_url or page.url,
            "is_open": not page.closed_reason(),
        }
        for page in _live_forms()
    ]


@router.get("/receipts/{receipt_number}", response={200: StatusOut, 404: ErrorOut})
def receipt_status(request: HttpRequest, receipt_number: str):
    """A submission's status by receipt number (never its content)."""
    submission = submission_by_receipt(receipt_number=receipt_number[:40])
    if submission is None:
        return Status(404, {"message": _("No submission has this receipt number.")})
    return Status(
        200,
        {
            "receipt_number": submission.receipt_number,
            "form": submission.page.title,
            "submitted_at": submission.submit_time,
            "status": submission.status,
            "status_display": submission.get_status_display(),
        },
    )


@router.get("/{page_id}", response=FormOut, summary="Form definition")
def form_detail(request: HttpRequest, page_id: ApiId):
    page = get_object_or_404(_live_forms(), pk=page_id)
    fields = list(page.get_form_fields())
    form_fields = KexieFormBuilder(fields).formfields
    reason = page.closed_reason()
    return {
        "id": page.pk,
        "title": page.title,
        "url": page.full_url or page.url,
        "is_open": not reason,
        "intro": page.intro,
        "opens_at": page.opens_at,
        "closes_at": page.closes_at,
        "closed_reason": reason,
        "fields": [_field_definition(f, form_fields[f.clean_name]) for f in fields],
    }


def _request_data(request: HttpRequest) -> tuple[QueryDict, object]:
    """The submitted fields, from JSON or from a multipart/urlencoded body."""
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            # RecursionError: thousands of nested brackets (a 500 before).
            raise ValueError(_("The body is not valid JSON.")) from error
        if not isinstance(payload, dict):
            raise ValueError(_("The body must be a JSON object."))
        data = QueryDict(mutable=True)
        for key, value in payload.items():
            nested = isinstance(value, dict) or (
                isinstance(value, list)
                and any(isinstance(v, (dict, list)) for v in value)
            )
            if nested:
                raise ValueError(
                    _(
                        "The field “%(name)s” must be a text, a number, true/false "
                        "or a list of those, not a nested object."
                    )
                    % {"name": key[:50]}
                )
            if isinstance(value, list):
                data.setlist(key, [str(v) for v in value])
            elif value is not None:
                data[key] = (
                    str(value)
                    if not isinstance(value, bool)
                    else ("on" if value else "")
                )
        return data, None
    return request.POST.copy(), request.FILES


@router.post(
    "/{page_id}/submissions",
    response={
        200: ReceiptOut,
        201: ReceiptOut,
        400: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        429: ErrorOut,
    },
    summary="Submit a form",
    description=(
        "Send the fields as JSON or multipart/form-data (files need multipart). "
        "Send an Idempotency-Key header (any unique string up to 100 characters): "
        "a retry with the same key returns the first receipt with status 200."
    ),
)
def form_submit(request: HttpRequest, page_id: ApiId):
    page = get_object_or_404(_live_forms(), pk=page_id)
    if body_too_large(request, page):
        rejection_record(page_id=page.pk, reason=RejectionReason.TOO_LARGE)
        return Status(413, {"message": too_large_message(page)})
    try:
        data, files = _request_data(request)
    except RequestDataTooBig:
        rejection_record(page_id=page.pk, reason=RejectionReason.TOO_LARGE)
        return Status(413, {"message": too_large_message(page)})
    except ValueError as error:
        return Status(400, {"message": str(error)})
    shown_back = {
        k: data.getlist(k) if len(data.getlist(k)) > 1 else data.get(k) for k in data
    }
    if rate_limit_exceeded(request):
        rejection_record(page_id=page.pk, reason=RejectionReason.RATE_LIMIT)
        return Status(
            429,
            {
                "message": _(
                    "Too many submissions from your network. Please wait a minute."
                ),
                "data": shown_back,
            },
        )
    key = (request.headers.get("Idempotency-Key") or "").strip()[:96]
    # The API has no one-time page token; the idempotency key takes its place.
    from .forms import form_token_new

    data[TOKEN_FIELD] = form_token_new(page.pk)
    form = page.get_form(data, files, page=page, user=request.user)
    if form.honeypot_filled:
        rejection_record(page_id=page.pk, reason=RejectionReason.HONEYPOT)
        return Status(
            400,
            {
                "message": _("Your submission was not accepted."),
                "data": shown_back,
            },
        )
    reason = page.closed_reason()
    if reason:
        rejection_record(page_id=page.pk, reason=RejectionReason.CLOSED)
        return Status(403, {"message": closed_message(reason), "data": shown_back})
    if not form.is_valid():
        rejection_record(page_id=page.pk, reason=RejectionReason.INVALID)
        return Status(
            400,
            {
                "message": _("Please correct the errors and submit again."),
                "errors": {k: [str(m) for m in v] for k, v in form.errors.items()},
                "data": shown_back,
            },
        )
    try:
        submission, created = submission_create(
            page=page, form=form, idempotency_key=f"api:{key}" if key else None
        )
    except SubmissionRefused as refused:
        rejection_record(page_id=page.pk, reason=RejectionReason.CLOSED)
        return Status(
            403, {"message": closed_message(refused.reason), "data": shown_back}
        )
    if created and page.to_address:
        page.send_mail(form)
    return Status(
        (201 if created else 200),
        {
            "receipt_number": submission.receipt_number,
            "status": submission.status,
            "status_display": submission.get_status_display(),
            "created": created,
        },
    )
