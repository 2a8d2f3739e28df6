"""Certificates of experts of outstanding contribution (突出贡献专家证书) as PDF.

fpdf2 (as the booklets' demo PDFs) draws an A4 landscape page with the Noto
CJK fonts embedded as subsets, so the certificate prints the same everywhere
(no fallback boxes on a machine without Chinese fonts). A QR code printed on it
points at the public verification page ``/c/<number>/``.
"""

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from wagtail.models import Site

from ..base.models import OrganisationSettings
from ..booklets.qr import qr_png
from ..exceptions import KexiePagesError
from .models import HonourEntry

#: (path, index in the collection) of the regular and the bold CJK font;
#: Debian's fonts-noto-cjk. ``KEXIE_CJK_FONTS`` overrides them.
DEFAULT_FONTS = {
    "regular": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "title": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
}
# Ink of the border and the title: a seal-like red on white paper.
RED = (176, 30, 35)
GOLD = (191, 144, 0)


class CertificateFontMissing(KexiePagesError):
    """The Chinese fonts the certificates embed are not installed."""


def certificate_fonts() -> dict[str, tuple[str, int]]:
    """The fonts to embed, checked to exist (raises :class:`CertificateFontMissing`)."""
    fonts = getattr(settings, "KEXIE_CJK_FONTS", DEFAULT_FONTS)
    for path, _index in fonts.values():
        if not Path(path).exists():
            raise CertificateFontMissing(path)
    return fonts


def certificate_url(*, number: str, site: Site | None = None) -> str:
    """The absolute address of a certificate's verification page, on the site's host."""
    site = site or Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site else ""
    return root + reverse("kexie_certificate", args=[number])


def organisation_name(*, site: Site | None = None) -> str:
    """The association's name from the site's organisation details."""
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    return OrganisationSettings.for_site(site).organisation


def _draw(pdf: FPDF, entry: HonourEntry, *, organisation: str, url: str) -> None:
    """One certificate on a new page of ``pdf``."""
    pdf.add_page()
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(*RED)
    pdf.set_line_width(2.2)
    pdf.rect(8, 8, width - 16, height - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.rect(13, 13, width - 26, height - 26)

    pdf.set_text_color(*RED)
    pdf.set_font("title", size=44)
    pdf.set_xy(0, 30)
    pdf.cell(width, 22, _("Certificate of Honour"), align="C")
    pdf.set_font("title", size=20)
    pdf.set_xy(0, 54)
    pdf.cell(width, 12, _("Expert of outstanding contribution"), align="C")

    expert = entry.expert
    name = entry.display_name
    employer = expert.employer if expert else ""
    pdf.set_text_color(30, 30, 30)
    pdf.set_font("regular", size=18)
    pdf.set_xy(40, 78)
    salutation = (
        _("%(name)s (%(employer)s):") % {"name": name, "employer": employer}
        if employer
        else _("%(name)s:") % {"name": name}
    )
    pdf.cell(width - 80, 12, salutation)
    body = _(
        "In %(year)s, in the programme mobilising science and technology workers "
        "for poverty alleviation, %(citation)s, you are honoured as an expert of "
        "outstanding contribution. This certificate is awarded in recognition."
    ) % {
        "year": entry.roll.year,
        "citation": entry.citation
        or _("you served poor villages and households with your skills"),
    }
    pdf.set_xy(52, 94)
    pdf.set_font("regular", size=16)
    pdf.multi_cell(width - 100, 11, body, align="L")

    # The issuer and the date, bottom right, as a seal would sit.
    pdf.set_font("title", size=18)
    pdf.set_xy(width - 150, height - 62)
    pdf.cell(120, 10, organisation, align="C")
    pdf.set_font("regular", size=15)
    pdf.set_xy(width - 150, height - 50)
    pdf.cell(120, 10, date_format(entry.roll.issued_on, "DATE_FORMAT"), align="C")

    # The number and the QR code of the verification page, bottom left.
    qr_size = 32
    pdf.image(io.BytesIO(qr_png(url)), x=24, y=height - 24 - qr_size, w=qr_size)
    pdf.set_font("regular", size=12)
    pdf.set_xy(24 + qr_size + 4, height - 24 - qr_size + 6)
    pdf.cell(
        110,
        7,
        _("Certificate number: %(number)s") % {"number": entry.certificate_number},
    )
    pdf.set_xy(24 + qr_size + 4, height - 24 - qr_size + 14)
    pdf.set_font("regular", size=10)
    pdf.cell(110, 6, _("Scan the code or visit the address to verify:"))
    pdf.set_xy(24 + qr_size + 4, height - 24 - qr_size + 20)
    pdf.cell(110, 6, url)


def _new_pdf(title: str) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    for style, (path, index) in certificate_fonts().items():
        pdf.add_font(style, "", path, collection_font_number=index)
    return pdf


def certificate_pdf(
    *, entry: HonourEntry, organisation: str = "", site: Site | None = None
) -> bytes:
    """The certificate of one expert on an honour roll, as PDF bytes."""
    if not entry.certificate_number:
        raise KexiePagesError("no certificate number")
    organisation = organisation or organisation_name(site=site)
    pdf = _new_pdf(f"{entry.display_name} {entry.certificate_number}")
    _draw(
        pdf,
        entry,
        organisation=organisation,
        url=certificate_url(number=entry.certificate_number, site=site),
    )
    return bytes(pdf.output())


def certificates_zip(
    *, entries: Iterable[HonourEntry], site: Site | None = None
) -> bytes:
    """A ZIP of one PDF per certificate, named ``<number>-<name>.pdf``."""
    organisation = organisation_name(site=site)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            safe = "".join(c for c in entry.display_name if c not in '\\/:*?"<>|\r\n\t')
            archive.writestr(
                f"{entry.certificate_number}-{safe}.pdf",
                certificate_pdf(entry=entry, organisation=organisation, site=site),
            )
    return buffer.getvalue()
