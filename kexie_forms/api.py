"""Headless forms on Wagtail's v3 API: definitions, submission, status lookup.

Mounted at ``/api/v3/kexie/forms/`` by :class:`kexie_forms.apps.KexieFormsConfig`.
Submissions go through the same Django form, guards and service as the HTML
page; send ``Idempotency-Key`` so a retry stores one submission. A status
lookup needs the receipt code returned with the receipt.
"""

import json
from datetime import datetime

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kexie_pages.base.api import ApiId
from kexie_pages.base.guards import TOKEN_FIELD, rate_limit_exceeded
from kexie_pages.base.openapi import ERROR_RESPONSES

from .exceptions import SubmissionRefused
from .forms import KexieFormBuilder, form_token_new
from .guards import body_too_large, receipt_code_matches, receipt_code_normalise
from .models import FormPage, RejectionReason
from .selectors import submission_by_receipt, submission_public_summary
from .services import rejection_record, submission_create
from .views import closed_message, too_large_message

router = Router(tags=["kexie forms"])

#: The longest ``Idempotency-Key`` accepted; a longer one is refused (400),
#: never cut: two different keys are never taken for one.
IDEMPOTENCY_KEY_MAX = 100

#: The submission's fields differ per form (see the form definition's
#: ``fields``), so the body is documented as an open object.
SUBMISSION_FIELDS = {
    "type": "object",
    "description": (
        "The form's fields by `name`, as listed in the form definition "
        "(GET /api/v3/kexie/forms/{page_id}); the set differs per form. "
        "Values are strings; a multi-choice field takes a list of strings, "
        "a checkbox true/false."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "boolean"},
            {"type": "array", "items": {"type": "string"}},
        ]
    },
}

SUBMISSION_OPENAPI = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": (
                "Any unique string of 1 to 100 characters, the same on every "
                "retry of one submission (a longer key answers 400)."
            ),
            "schema": {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX},
        }
    ],
    "requestBody": {
        "required": True,
        "description": (
            "The form's fields, which are dynamic per form: as JSON, or as "
            "multipart/form-data (needed to attach files, under the file "
            "field's `name`)."
        ),
        "content": {
            "application/json": {"schema": SUBMISSION_FIELDS},
            "multipart/form-data": {
                "schema": {
                    **SUBMISSION_FIELDS,
                    "additionalProperties": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "string", "format": "binary"},
                            {"type": "array", "items": {"type": "string"}},
                        ]
                    },
                }
            },
        },
    },
    **ERROR_RESPONSES,
}


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
    receipt_code: str = Field(
        description=(
            "Six characters to show the submitter with the receipt number: "
            "a status lookup needs both. Returned only here, never stored."
        )
    )
    status: str
    status_display: str
    created: bool


class ErrorOut(Schema):
    message: str
    errors: dict[str, list[str]] = {}
    data: dict = {}


class StatusOut(Schema):
    receipt_number: str
    form: str = Field(description="The form's title.")
    county: str = Field(description="The county chosen on the form; may be empty.")
    subject: str = Field(
        description="The village or title the submission is about; may be empty."
    )
    submitted_at: datetime
    status: str
    status_display: str
    need_title: str = Field(
        description="Once promoted and published: the need's title; else empty."
    )
    need_url: str = Field(
        description="Once promoted and published: the need's public page; else empty."
    )
    need_status_display: str = Field(
        description="The published need's status (待对接 … 已解决); else empty."
    )
    matched_help: list[str] = Field(
        description=(
            "Experts and technology achievements matched to the published need, "
            "one line each. Never the submitter's name, phone or other answers."
        )
    )


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


@router.get(
    "/",
    response=list[FormSummaryOut],
    summary="List public forms",
    openapi_extra=ERROR_RESPONSES,
)
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


@router.get(
    "/receipts/{receipt_number}",
    response={200: StatusOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Submission status",
    description=(
        "Needs `code`, the receipt code returned with the receipt (for receipts "
        "issued before codes existed: the last four digits of the mobile number "
        "given). An unknown number and a wrong code both answer 404. Lookups "
        "are rate-limited per client address (429)."
    ),
    openapi_extra=ERROR_RESPONSES,
)
def receipt_status(
    request: HttpRequest,
    response: HttpResponse,
    receipt_number: str,
    code: Query[str] = "",
):
    """What a receipt holder may see: form, county, village or title, date,
    status and the published need with its matched help (no names, no phones)."""
    add_never_cache_headers(response)
    if rate_limit_exceeded(request, scope="receipt_lookup"):
        return Status(429, {"message": _("Too many lookups. Please wait a minute.")})
    if not receipt_code_normalise(code):
        return Status(
            400,
            {
                "message": _(
                    "Enter the receipt code printed under the receipt number as well."
                )
            },
        )
    submission = submission_by_receipt(receipt_number=receipt_number[:40])
    if submission is None or not receipt_code_matches(submission=submission, code=code):
        return Status(
            404,
            {
                "message": _(
                    "No submission matches this receipt number and code. "
                    "Check both and try again."
                )
            },
        )
    return Status(
        200, submission_public_summary(submission=submission, request=request)
    )


@router.get(
    "/{page_id}",
    response=FormOut,
    summary="Form definition",
    openapi_extra=ERROR_RESPONSES,
)
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
        "a retry with the same key and the same fields returns the first receipt "
        "(and its receipt code) with status 200; the same key with changed "
        "fields is a new submission (201). Show the submitter `receipt_code`: "
        "the status lookup asks for it."
    ),
    openapi_extra=SUBMISSION_OPENAPI,
)
def form_submit(request: HttpRequest, response: HttpResponse, page_id: ApiId):
    add_never_cache_headers(response)
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
    if rate_limit_exceeded(request, scope="forms"):
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
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        return Status(
            400,
            {
                "message": _(
                    "The Idempotency-Key header is longer than %(max)d characters."
                )
                % {"max": IDEMPOTENCY_KEY_MAX},
                "data": shown_back,
            },
        )
    # The API has no one-time page token; the idempotency key takes its place.
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
            "receipt_code": submission.receipt_code,
            "status": submission.status,
            "status_display": submission.get_status_display(),
            "created": created,
        },
    )
