"""Public views: serving a form page, receipts, status lookup, CSRF failures;
and the admin's attachment download."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Site

from kexie_pages.base.guards import (
    HONEYPOT_FILLED,
    RATE_LIMITED,
    TOKEN_FIELD,
    rate_limit_exceeded,
)

from .exceptions import SubmissionRefused
from .guards import body_too_large, receipt_code_matches, receipt_code_normalise
from .models import FormPage, RejectionReason
from .selectors import (
    attachments_for_user,
    submission_by_receipt,
    submission_on_page,
    submission_public_summary,
    submissions_for_user,
)
from .services import rejection_record


def closed_message(reason: str) -> str:
    """The Chinese sentence telling a visitor why the form takes nothing now."""
    return {
        "not_open": _("This form is not open yet."),
        "closed": _("This form is closed and no longer accepts submissions."),
        "full": _("This form has reached its submission limit."),
    }.get(reason, "")


def render_form(
    page: FormPage, request: HttpRequest, form, *, error: str = "", status: int = 200
) -> TemplateResponse:
    """Render the form page with ``form`` (bound: the visitor's input shown back)."""
    context = page.get_context(request)
    context["form"] = form
    context["form_error"] = error
    context["closed_reason"] = page.closed_reason() if form is None else ""
    if form is None and not error:
        context["form_error"] = closed_message(context["closed_reason"])
    return TemplateResponse(request, page.get_template(request), context, status=status)


def form_page_serve(
    page: FormPage, request: HttpRequest, parent_serve, *args, **kwargs
):
    """Serve a :class:`FormPage`: the blank form, a POST, or a receipt.

    Every answer is private and uncacheable: the form carries a one-time
    token and the receipt a code, neither of which a shared cache or the
    browser's Back button should hand out again.
    """
    response = form_page_respond(page, request, parent_serve, *args, **kwargs)
    add_never_cache_headers(response)
    return response


def form_page_respond(
    page: FormPage, request: HttpRequest, parent_serve, *args, **kwargs
):
    if request.method == "POST":
        return form_page_post(page, request)
    if request.GET.get("receipt"):
        return receipt_page(page, request)
    reason = page.closed_reason()
    if reason:
        return render_form(page, request, None)
    return parent_serve(request, *args, **kwargs)


def receipt_page(page: FormPage, request: HttpRequest) -> TemplateResponse:
    """The thank-you page: ``?receipt=<number>&code=<receipt code>``.

    Without the right code it is a 404, like an unknown number, so it tells
    an enumerator nothing; its attempts count as status lookups.
    """
    if rate_limit_exceeded(request, scope="receipt_lookup"):
        return lookup_refused(request)
    code = receipt_code_normalise(request.GET.get("code", ""))
    submission = submission_on_page(
        page=page, receipt_number=request.GET.get("receipt", "")[:40]
    )
    if (
        submission is None
        or not submission.receipt_code_hash
        or not receipt_code_matches(submission=submission, code=code)
    ):
        raise Http404
    submission.receipt_code = code
    context = page.get_context(request)
    context["form_submission"] = submission
    return TemplateResponse(request, page.get_landing_page_template(request), context)


def form_page_post(page: FormPage, request: HttpRequest) -> HttpResponse:
    """Validate and store a POST, refusing abuse with the input shown back."""
    if body_too_large(page=page, request=request):
        rejection_record(page_id=page.pk, reason=RejectionReason.TOO_LARGE)
        return render_form(
            page, request, None, error=too_large_message(page), status=413
        )
    try:
        form = page.get_form(request.POST, request.FILES, page=page, user=request.user)
    except RequestDataTooBig:
        rejection_record(page_id=page.pk, reason=RejectionReason.TOO_LARGE)
        return render_form(
            page, request, None, error=too_large_message(page), status=413
        )

    if rate_limit_exceeded(request, scope="forms"):
        rejection_record(page_id=page.pk, reason=RejectionReason.RATE_LIMIT)
        form.is_valid()
        form.refresh_token()
        return render_form(page, request, form, error=str(RATE_LIMITED), status=429)
    if form.honeypot_filled:
        rejection_record(page_id=page.pk, reason=RejectionReason.HONEYPOT)
        form.is_valid()
        form.refresh_token()
        return render_form(page, request, form, error=str(HONEYPOT_FILLED), status=400)
    reason = page.closed_reason()
    if reason:
        rejection_record(page_id=page.pk, reason=RejectionReason.CLOSED)
        form.is_valid()
        return render_form(
            page, request, form, error=closed_message(reason), status=403
        )

    if not form.is_valid():
        token_bad = TOKEN_FIELD in form.errors
        rejection_record(
            page_id=page.pk,
            reason=RejectionReason.TOKEN if token_bad else RejectionReason.INVALID,
        )
        form.refresh_token()
        return render_form(
            page,
            request,
            form,
            error=_("Please correct the errors below and submit again.")
            + (" " + _("Attachments must be chosen again.") if request.FILES else ""),
        )
    try:
        submission = page.process_form_submission(form)
    except SubmissionRefused as refused:
        rejection_record(page_id=page.pk, reason=RejectionReason.CLOSED)
        return render_form(
            page, request, form, error=closed_message(refused.reason), status=403
        )
    return page.render_landing_page(request, submission)


def too_large_message(page: FormPage) -> str:
    from django.template.defaultfilters import filesizeformat

    return _(
        "Your submission is too large (this form accepts at most %(limit)s in "
        "total). Nothing was stored: please make the attachments smaller and "
        "submit again."
    ) % {"limit": filesizeformat(page.max_body_bytes())}


def lookup_refused(request: HttpRequest) -> TemplateResponse:
    """The lookup page saying "too many lookups" (429), the number kept."""
    context = {
        "receipt": request.GET.get("receipt", "").strip()[:40],
        "code": request.GET.get("code", "").strip()[:12],
        "submission": None,
        "error": _("Too many lookups. Please wait a minute."),
    }
    response = TemplateResponse(
        request, "kexie_forms/receipt_lookup.html", context, status=429
    )
    add_never_cache_headers(response)
    return response


def receipt_lookup(request: HttpRequest) -> TemplateResponse:
    """Public status lookup by receipt number and receipt code.

    Shows :func:`~kexie_forms.selectors.submission_public_summary`: what was
    submitted and what became of it, never names or phone numbers.

    A wrong code and an unknown number get the same answer, so the page
    never tells whether a number exists.
    """
    receipt = request.GET.get("receipt", "").strip()[:40]
    code = request.GET.get("code", "").strip()[:12]
    context: dict = {"receipt": receipt, "code": code, "submission": None}
    status = 200
    if receipt:
        if rate_limit_exceeded(request, scope="receipt_lookup"):
            return lookup_refused(request)
        if not receipt_code_normalise(code):
            context["error"] = _(
                "Enter the receipt code printed under the receipt number as well."
            )
            status = 400
        else:
            submission = submission_by_receipt(receipt_number=receipt)
            if submission and receipt_code_matches(submission=submission, code=code):
                context["submission"] = submission_public_summary(
                    submission=submission, request=request
                )
            else:
                context["error"] = _(
                    "No submission matches this receipt number and code. "
                    "Check both and try again."
                )
                status = 404
    response = TemplateResponse(
        request, "kexie_forms/receipt_lookup.html", context, status=status
    )
    add_never_cache_headers(response)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale CSRF token on a form page: show the input back with a fresh token.

    Set ``CSRF_FAILURE_VIEW = "kexie_forms.views.csrf_failure"``; any other
    page falls back to Django's own failure view.
    """
    page = form_page_for_path(request)
    if page is None:
        return django_csrf_failure(request, reason)
    rejection_record(page_id=page.pk, reason=RejectionReason.CSRF)
    try:
        form = page.get_form(request.POST, page=page, user=request.user)
    except RequestDataTooBig:
        form = None
    else:
        form.is_valid()
        form.refresh_token()
    response = render_form(
        page,
        request,
        form,
        error=_(
            "The page was open too long and its security check expired. "
            "Your answers are kept below: please check them and submit again."
        ),
        status=403,
    )
    add_never_cache_headers(response)
    return response


def form_page_for_path(request: HttpRequest) -> FormPage | None:
    """The live :class:`FormPage` that ``request.path`` routes to, if any."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [c for c in request.path.split("/") if c]
    try:
        result = site.root_page.specific.route(request, components)
    except Http404:
        return None
    page = result.page if hasattr(result, "page") else result[0]
    page = page.specific
    return page if isinstance(page, FormPage) else None


def attachment_download(request: HttpRequest, key: str) -> FileResponse:
    """Send an attachment to staff who may see its submission (admin only)."""
    if not request.user.has_perm("kexie_forms.view_formsubmission") and not (
        request.user.has_perm("kexie_forms.change_formsubmission")
    ):
        raise PermissionDenied
    attachment = get_object_or_404(attachments_for_user(user=request.user), key=key)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def submission_promote_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Admin: confirm, then promote one submission of the user's county."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from .exceptions import PromotionUnavailable
    from .services import submission_promote

    if not request.user.has_perm("kexie_forms.change_formsubmission"):
        raise PermissionDenied
    submission = get_object_or_404(submissions_for_user(user=request.user), pk=pk)
    edit_url = reverse("kexie_submissions:edit", args=[submission.pk])
    if request.method == "POST":
        try:
            need = submission_promote(submission=submission, user=request.user)
        except PromotionUnavailable as refused:
            messages.error(request, promotion_message(str(refused)))
            return redirect(edit_url)
        messages.success(request, _("A draft need was created from this submission."))
        # Land on the draft itself: staff complete it there before publishing.
        return redirect(AdminURLFinder(request.user).get_edit_url(need) or edit_url)
    return TemplateResponse(
        request,
        "kexie_forms/admin/confirm_promote.html",
        {"submission": submission, "edit_url": edit_url},
    )


def promotion_message(reason: str) -> str:
    """Why a submission could not be promoted, for the reviewer."""
    return {
        "not_needs_survey": _("This form is not a needs survey."),
        "not_accepted": _("Only accepted submissions can be promoted."),
        "no_handler": _("The needs library is not installed yet."),
    }.get(reason, reason)
