"""A form page's answer to a POST Django refused before any view saw it.

A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` raises ``RequestDataTooBig`` in
the CSRF middleware, which reads the POST first; Django then answered its
bare English "Bad Request (400)" and the visitor's answers were gone. Set
``handler400 = "kexie_forms.errors.bad_request"`` in the site's ``urls.py``:
on a form page the form comes back with a Chinese error and the answers it
can keep, anywhere else :func:`kexie_pages.base.views.bad_request` answers.

What can be kept: Django refuses a urlencoded body (a form without file
fields) by its ``Content-Length`` before reading any of it, so the first
``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes can still be read and every complete
field in them shown back (a giant answer is cut, and the form says it is too
long). A multipart body (a form with a file field) was half read by the
parser when it gave up, so nothing of it can be recovered: the form comes
back blank, with the same error. The form pages post multipart (they may
carry files), so in a browser only text answers over the cap in total (far
past every field's ``max_length``) get here; an attachment over its limit is
refused by the view itself, which reads no file first.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict

from kexie_pages.base.views import bad_request as site_bad_request

from .models import FormPage, RejectionReason
from .services import rejection_record
from .views import form_page_for_path, render_form, too_large_message

#: A salvaged answer longer than this is cut before it is shown back.
MAX_SHOWN_BACK_CHARS = 10_000


def salvaged_fields(request: HttpRequest) -> QueryDict | None:
    """The complete fields at the start of a refused urlencoded body, or None
    when the body cannot be read again (multipart, or already read)."""
    if request.content_type != "application/x-www-form-urlencoded":
        return None
    if getattr(request, "_read_started", True):
        return None
    limit = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or 2621440
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    head = request.read(min(length, limit))
    if length > len(head):
        # The last field was cut mid-value: drop it.
        head = head[: head.rfind(b"&")] if b"&" in head else b""
    try:
        fields = QueryDict(head, mutable=True, encoding=request.encoding or "utf-8")
    except TooManyFieldsSent:
        return None
    for key in list(fields):
        fields.setlist(key, [v[:MAX_SHOWN_BACK_CHARS] for v in fields.getlist(key)])
    return fields


def too_large_form(page: FormPage, request: HttpRequest) -> HttpResponse:
    """The form again, status 413, with a Chinese error and what was kept."""
    rejection_record(page_id=page.pk, reason=RejectionReason.TOO_LARGE)
    fields = salvaged_fields(request)
    if fields:
        form = page.get_form(fields, None, page=page, user=request.user)
        form.is_valid()
        form.refresh_token()
    else:  # nothing could be kept: a blank form to fill in again
        form = page.get_form(page=page, user=request.user)
    response = render_form(
        page, request, form, error=too_large_message(page), status=413
    )
    return response.render()


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    """``handler400``: a form page re-renders its form; anything else gets the
    site's Chinese 400 page (:func:`kexie_pages.base.views.bad_request`)."""
    if isinstance(exception, RequestDataTooBig) and request.method == "POST":
        page = form_page_for_path(request)
        if page is not None:
            return too_large_form(page, request)
    return site_bad_request(request, exception)
