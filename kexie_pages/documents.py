"""Safer document uploads: content checked by bytes, size checked while receiving.

Enabled by two settings (the reference site sets both)::

    WAGTAILDOCS_DOCUMENT_FORM_BASE = "kexie_pages.documents.SafeDocumentForm"
    FILE_UPLOAD_HANDLERS = ["kexie_pages.documents.MaxSizeUploadHandler", ...defaults]

The form is the one place every upload passes: Wagtail builds the single, the
multiple and the chooser upload forms from it, and saves nothing (no document,
no file) when it refuses. A booklet's own check comes later, on a document
already stored; so a site without the first setting keeps every "PDF" that is
really a web page, and ``check_document_form`` (a system check) says so.
"""

from typing import Any, Self

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm, get_document_base_form

from .pdf import NotAPDF, check_pdf

MARKUP_PREFIXES = (b"<", b"\xef\xbb\xbf<")
SNIFF_BYTES = 512


def looks_like_markup(head: bytes) -> bool:
    """True for HTML, SVG or XML content, which a browser may run as a page."""
    return head.lstrip(b" \t\r\n").startswith(MARKUP_PREFIXES)


class SafeDocumentForm(BaseDocumentForm):
    """Refuses a .pdf that is not a PDF, and any web page or SVG in disguise."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not file or "file" not in self.changed_data:
            return file
        if getattr(file, "kexie_oversize", False):
            # The handler dropped the content; the field's size check reports it.
            return file
        file.seek(0)
        head = file.read(SNIFF_BYTES)
        file.seek(0)
        if file.name.lower().endswith(".pdf"):
            try:
                check_pdf(file)
            except NotAPDF as error:
                raise ValidationError(error.message, code="not_a_pdf") from error
        elif looks_like_markup(head):
            raise ValidationError(
                _("Web pages and SVG images cannot be uploaded as documents."),
                code="markup",
            )
        return file

    def _post_clean(self):
        refused = self.errors["file"].as_data() if self.has_error("file") else None
        super()._post_clean()
        if refused is not None:
            # Wagtail's Document.clean() checks the extension of the file the
            # document holds, which a refused upload never reached: it would add
            # "the file extension '' is not allowed" under the real reason.
            self._errors["file"] = self.error_class(refused, renderer=self.renderer)


class OversizeUploadedFile(UploadedFile):
    """Stands in for an upload that went over the limit: no content, true size."""

    kexie_oversize = True

    def __init__(self, name: str | None, content_type: str | None, size: int) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> Self:
        return self

    def read(self, *args) -> bytes:
        return b""

    def seek(self, *args) -> int:
        return 0

    def chunks(self, chunk_size=None):
        return iter(())


def upload_limit() -> int:
    """The largest file any upload may be: the larger of the document and image limits."""
    docs = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None) or 0
    images = getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024) or 0
    return getattr(settings, "KEXIE_MAX_UPLOAD_SIZE", None) or max(docs, images)


class MaxSizeUploadHandler(FileUploadHandler):
    """Stops storing an uploaded file once it passes the limit.

    Django would otherwise spool the whole upload (memory, then a temporary
    file) before Wagtail's form compares its size with the limit. Put this
    handler first: past the limit it swallows the chunks, and at the end it
    hands the form an empty stand-in that knows the size received, so the
    form refuses it with Wagtail's own "file too big" message.
    """

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = upload_limit()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.limit and self.received > self.limit:
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.limit and self.received > self.limit:
            return OversizeUploadedFile(
                self.file_name, self.content_type, self.received
            )
        return None


def check_document_form(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: document uploads go through ``SafeDocumentForm``."""
    if issubclass(get_document_base_form(), SafeDocumentForm):
        return []
    return [
        checks.Warning(
            "Uploaded documents are not checked: a web page renamed .pdf is "
            "stored and served as a booklet's PDF.",
            hint='Set WAGTAILDOCS_DOCUMENT_FORM_BASE = "kexie_pages.documents.'
            'SafeDocumentForm" (or a subclass of it).',
            id="kexie_pages.W001",
        )
    ]
