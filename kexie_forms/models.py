"""Form pages built by staff, their fields, submissions, receipts and review data."""

from django.conf import settings
from django.contrib.admin import display as admin_display
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.forms.models import (
    FORM_FIELD_CHOICES,
    AbstractEmailForm,
    AbstractFormField,
    AbstractFormSubmission,
)
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from kexie_pages.base.slugs import PinyinSlugMixin
from kexie_pages.search import ChineseSearchField

from .storage import private_storage

KEXIE_FIELD_CHOICES = (
    ("county", _("County")),
    ("industry", _("Industry category")),
    ("mobile", _("Mobile number")),
    ("file", _("File attachment")),
    ("nominee", _("Think-tank entry (association, base or tech-leader)")),
)

#: File kinds a form field may accept, keyed by the extension detected from
#: the bytes (``filetype``); text formats such as HTML and SVG are never offered.
FILE_KIND_CHOICES = (
    ("pdf", "PDF"),
    ("jpg", "JPEG"),
    ("png", "PNG"),
    ("docx", "Word (.docx)"),
    ("xlsx", "Excel (.xlsx)"),
    ("doc", "Word 97-2003 (.doc)"),
    ("xls", "Excel 97-2003 (.xls)"),
)


class FormField(AbstractFormField):
    """A field of a :class:`FormPage`: Wagtail's types plus county, industry, mobile, file."""

    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")
    field_type = models.CharField(
        verbose_name=pgettext_lazy("form field", "field type"),
        max_length=16,
        choices=FORM_FIELD_CHOICES + KEXIE_FIELD_CHOICES,
    )
    # Wagtail's flag, set on the model field as its AbstractFormField does.
    field_type.required_on_save = True  # type: ignore[attr-defined]
    max_length = models.PositiveIntegerField(
        _("maximum length"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(20_000)],
        help_text=_(
            "Text fields only: most characters accepted (default 255 for one line, "
            "5000 for several lines)."
        ),
    )
    allowed_file_types = models.CharField(
        _("allowed file types"),
        max_length=100,
        blank=True,
        default="pdf,jpg,png",
        help_text=_(
            "File fields only: comma-separated, from pdf, jpg, png, docx, xlsx, "
            "doc, xls. The type is detected from the file's content."
        ),
    )
    max_file_size_mb = models.PositiveSmallIntegerField(
        _("maximum file size (MB)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("File fields only."),
    )

    panels = AbstractFormField.panels + [
        FieldRowPanel(
            [
                FieldPanel("max_length"),
                FieldPanel("allowed_file_types"),
                FieldPanel("max_file_size_mb"),
            ],
            heading=_("Limits"),
        )
    ]

    class Meta(AbstractFormField.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def allowed_kinds(self) -> list[str]:
        """Return the configured file kinds, ignoring ones this app never accepts."""
        known = {kind for kind, _label in FILE_KIND_CHOICES}
        kinds = [k.strip().lower() for k in self.allowed_file_types.split(",")]
        return [k for k in kinds if k in known]


class FormPage(PinyinSlugMixin, AbstractEmailForm):
    """A public form counties fill in; staff build its fields in the admin.

    Accepted submissions get a receipt number ``<prefix>-<year>-<six digits>``.
    The form can open and close on dates and stop after a number of submissions.
    """

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        help_text=_("Shown with the receipt number after a successful submission."),
    )
    receipt_prefix = models.CharField(
        _("receipt prefix"),
        max_length=6,
        default="XQ",
        validators=[
            RegexValidator(r"^[A-Z]{2,6}$", _("Use 2 to 6 capital letters, e.g. XQ."))
        ],
        help_text=_("Receipt numbers look like XQ-2026-000123."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    submission_limit = models.PositiveIntegerField(
        _("submission limit"),
        null=True,
        blank=True,
        help_text=_("Stop accepting submissions after this many. Empty: no limit."),
    )

    is_needs_survey = models.BooleanField(
        _("needs survey"),
        default=False,
        help_text=_(
            "Accepted submissions of this form can be promoted to draft needs "
            "in the needs library."
        ),
    )
    needs_mapping = models.TextField(
        _("mapping to need fields"),
        blank=True,
        help_text=_(
            "One line per need field: need_field = form_field_name, "
            "e.g. description = u9700u6c42u63cfu8ff0."
        ),
    )

    review_scores = models.BooleanField(
        _("reviewers give scores"),
        default=False,
        help_text=_(
            "Each reviewer gives a submission a score from 0 to 100 with a comment; "
            "the review screen shows every score and their average."
        ),
    )

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldPanel("receipt_prefix"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("submission_limit"),
                FieldPanel("review_scores"),
            ],
            heading=_("Receipts and limits"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("to_address"),
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("subject")]),
            ],
            heading=_("Email to staff"),
        ),
        MultiFieldPanel(
            [FieldPanel("is_needs_survey"), FieldPanel("needs_mapping")],
            heading=_("Needs library"),
        ),
    ]

    search_fields = AbstractEmailForm.search_fields + [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("intro"),
    ]

    parent_page_types = ["kexie_pages.HomePage", "kexie_forms.FormIndexPage"]
    subpage_types: list[str] = []
    template = "kexie_forms/form_page.html"
    landing_page_template = "kexie_forms/form_page_landing.html"

    class Meta:
        verbose_name = _("form page")
        verbose_name_plural = _("form pages")

    # Wagtail's documented hooks -------------------------------------------------

    def get_form_fields(self):
        # Building the form, sizing the body cap and storing the data all read
        # the fields; one query per request is enough.
        if getattr(self, "_form_fields_cache", None) is None:
            self._form_fields_cache = list(super().get_form_fields())
        return self._form_fields_cache

    @property
    def form_builder(self):
        from .forms import KexieFormBuilder

        return KexieFormBuilder

    def get_submission_class(self):
        return FormSubmission

    def get_submissions_list_view_class(self):
        # Imported here: the admin view imports this module.
        from .viewsets import FormSubmissionsListView

        return FormSubmissionsListView

    def process_form_submission(self, form):
        """Store the submission with a receipt, its attachments and county.

        Wagtail's version stores ``cleaned_data`` as it is, which cannot hold
        uploaded files or model instances, and knows nothing of receipts; the
        work is done by :func:`kexie_forms.services.submission_create`. The
        staff email of :class:`EmailFormMixin` is kept.
        """
        from .services import submission_create

        submission, created = submission_create(
            page=self, form=form, idempotency_key=form.cleaned_data.get("form_token")
        )
        if created and self.to_address:
            self.send_mail(form)
        return submission

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        """Redirect to the receipt (POST-redirect-GET): a refresh never posts again.

        The receipt page's address carries the receipt code, which only the
        submitter's browser has ever been sent.
        """
        from django.shortcuts import redirect
        from django.utils.http import urlencode

        if form_submission is None:  # preview of the landing page
            return super().render_landing_page(request, None, *args, **kwargs)
        query = urlencode(
            {
                "receipt": form_submission.receipt_number,
                "code": form_submission.receipt_code,
            }
        )
        return redirect(f"{self.url}?{query}")

    def serve(self, request, *args, **kwargs):
        from .views import form_page_serve

        return form_page_serve(self, request, super().serve, *args, **kwargs)

    # Plain helpers --------------------------------------------------------------

    def closed_reason(self) -> str:
        """Return why the form takes no submissions now ("" when it is open)."""
        now = timezone.now()
        if self.opens_at and now < self.opens_at:
            return "not_open"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        if (
            self.submission_limit is not None
            and FormSubmission.objects.filter(page=self).count()
            >= self.submission_limit
        ):
            return "full"
        return ""

    def needs_field_map(self) -> dict[str, str]:
        """``{need field: form field clean name}`` parsed from :attr:`needs_mapping`."""
        mapping = {}
        for line in self.needs_mapping.splitlines():
            need_field, sep, form_field = line.partition("=")
            if sep and need_field.strip() and form_field.strip():
                mapping[need_field.strip()] = form_field.strip()
        return mapping

    def max_body_bytes(self) -> int:
        """The largest request body this form accepts: its file limits plus text."""
        files = sum(
            field.max_file_size_mb * 1024 * 1024
            for field in self.get_form_fields()
            if field.field_type == "file"
        )
        return files + getattr(settings, "KEXIE_FORMS_MAX_TEXT_BYTES", 256 * 1024)


class FormIndexPage(PinyinSlugMixin, Page):
    """The counties' entry point (县区填报): its child forms, their deadlines,
    and the receipt lookup. Put it under the home page, shown in menus."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("intro"),
    ]
    parent_page_types = ["kexie_pages.HomePage"]
    subpage_types = ["kexie_forms.FormPage"]
    template = "kexie_forms/form_index_page.html"

    class Meta:
        verbose_name = _("form index page")
        verbose_name_plural = _("form index pages")

    def forms(self) -> list[FormPage]:
        """The live public forms under this page, open ones first, by deadline."""
        pages = list(FormPage.objects.child_of(self).live().public())
        for form in pages:
            form.kexie_closed_reason = form.closed_reason()
        return sorted(
            pages,
            key=lambda f: (
                bool(f.kexie_closed_reason),
                f.closes_at is None,
                f.closes_at.timestamp() if f.closes_at else 0,
                f.title,
            ),
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["forms"] = self.forms()
        return context


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    NEEDS_MORE = "needs_more", _("Needs more information")


class FormSubmission(AbstractFormSubmission):
    """A stored submission with its receipt number, county and review state."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("form"),
        on_delete=models.CASCADE,
        related_name="kexie_form_submissions",
    )

    receipt_number = models.CharField(
        _("receipt number"), max_length=20, unique=True, db_index=True
    )
    # The second factor of a status lookup, as kexie_forms.guards stores it
    # (salted SHA-256; "" on receipts issued before codes existed).
    receipt_code_hash = models.CharField(
        _("receipt code (hashed)"), max_length=100, blank=True, editable=False
    )
    # NULL, not "", for "no key": the unique constraint must ignore keyless rows.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=100, null=True, blank=True, editable=False
    )
    county = models.ForeignKey(
        "kexie_pages.County",
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="form_submissions",
    )
    status = models.CharField(
        pgettext_lazy("submission", "status"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
        db_index=True,
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    promoted_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    promoted_id = models.CharField(max_length=64, blank=True, editable=False)
    notes = models.TextField(
        _("private notes"),
        blank=True,
        help_text=_("Seen by staff only, never by the submitter."),
    )

    #: The plain receipt code, known only to the request that stored (or
    #: replayed) the submission; never saved.
    receipt_code: str = ""

    panels = [FieldPanel("status"), FieldPanel("notes")]
    # Submissions are data, not content: keep them (and their cost on every
    # insert) out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submit_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "idempotency_key"],
                name="kexie_forms_submission_idempotency",
            )
        ]

    def __str__(self) -> str:
        return self.receipt_number

    @admin_display(description=_("Data"))
    def export_data_summary(self) -> str:
        """Every answer on one line, for spreadsheet exports."""
        from .selectors import submission_rows

        return "; ".join(
            f"{label}: {value}"
            for label, value, _url in submission_rows(submission=self)
        )

    @admin_display(description=_("Attachments"))
    def export_attachment_links(self) -> str:
        """Absolute admin download links of the attachments, for exports."""
        from .selectors import attachment_url

        return " ".join(attachment_url(a.key) for a in self.attachments.all())

    def get_data(self):
        data = super().get_data()
        data.update(
            receipt_number=self.receipt_number,
            status=self.get_status_display(),
            county=self.county.name if self.county else "",
        )
        return data


class SubmissionScore(models.Model):
    """One reviewer's score of a submission (forms with reviewer scores)."""

    submission = models.ForeignKey(
        FormSubmission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField(
        pgettext_lazy("kexie review", "comment"), max_length=2000, blank=True
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["scored_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"], name="kexie_forms_score_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission}: {self.score}"


class ReceiptCounter(models.Model):
    """The last receipt number handed out for one prefix in one year."""

    prefix = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="kexie_forms_receipt_counter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class SubmissionAttachment(models.Model):
    """A file uploaded with a submission, kept in private storage."""

    key = models.UUIDField(_("key"), unique=True)
    submission = models.ForeignKey(
        FormSubmission,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    field_name = models.CharField(_("field"), max_length=255)
    file = models.FileField(
        pgettext_lazy("attachment", "file"), storage=private_storage, max_length=255
    )
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(
        pgettext_lazy("attachment", "content type"), max_length=100
    )
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class UserCounty(models.Model):
    """Binds a staff user to one county: they then see only its submissions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("county staff", "user"),
        on_delete=models.CASCADE,
        related_name="kexie_county",
    )
    county = models.ForeignKey(
        "kexie_pages.County", verbose_name=_("county"), on_delete=models.CASCADE
    )

    panels = [FieldPanel("user"), FieldPanel("county")]

    class Meta:
        verbose_name = _("county staff binding")
        verbose_name_plural = _("county staff bindings")

    def __str__(self) -> str:
        return f"{self.user} → {self.county}"


class RejectionReason(models.TextChoices):
    HONEYPOT = "honeypot", _("Honeypot filled in")
    RATE_LIMIT = "rate_limit", _("Too many submissions from one address")
    TOO_LARGE = "too_large", _("Request body too large")
    INVALID = "invalid", _("Invalid input")
    CLOSED = "closed", _("Form closed or full")
    TOKEN = "token", _("Missing or forged form token")
    CSRF = "csrf", _("Stale or missing CSRF token")


class RejectionCount(models.Model):
    """How many submissions a form rejected on one day, by reason."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    reason = models.CharField(max_length=16, choices=RejectionReason.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "day", "reason"], name="kexie_forms_rejection_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}: {self.count}"
