"""Recognise a PDF by its bytes and read the facts a farmer sees before downloading."""

import logging
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .exceptions import KexiePagesError

PDF_MAGIC = b"%PDF-"
logger = logging.getLogger(__name__)


class NotAPDF(KexiePagesError, ValueError):
    """The file is not a readable PDF; ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PdfFacts:
    size: int
    pages: int


def check_pdf(fileobj: IO[bytes]) -> int:
    """Return the page count of the PDF in ``fileobj``, or raise ``NotAPDF``.

    The extension proves nothing: an .html or .svg file renamed .pdf would be
    served as a PDF, so the bytes must start with the PDF signature and pypdf
    must be able to read the page tree.
    """
    fileobj.seek(0)
    head = fileobj.read(len(PDF_MAGIC))
    fileobj.seek(0)
    if head != PDF_MAGIC:
        raise NotAPDF(
            _(
                "This file is not a PDF: its content is of another kind (a renamed "
                "web page or picture, for example). Export the booklet as PDF and "
                "upload that file."
            )
        )
    try:
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotAPDF(
                _("This PDF is password protected. Upload an unprotected copy.")
            )
        pages = len(reader.pages)
    except NotAPDF:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
    ) as error:
        logger.info("Unreadable PDF: %s", error)
        raise NotAPDF(
            _("This PDF could not be read: the file may be damaged.")
        ) from error
    finally:
        fileobj.seek(0)
    if pages < 1:
        raise NotAPDF(_("This PDF has no pages."))
    return pages


def pdf_facts(document) -> PdfFacts:
    """Size in bytes and page count of a Wagtail document holding a PDF."""
    try:
        with document.open_file() as fileobj:
            pages = check_pdf(fileobj)
    except (FileNotFoundError, OSError) as error:
        raise NotAPDF(_("The file of this document is missing.")) from error
    return PdfFacts(size=document.get_file_size() or 0, pages=pages)
