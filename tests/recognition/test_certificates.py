"""The certificate PDF: what it says, that its fonts travel with it, the ZIP."""

import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from wagtail.models import Site

from kexie_pages.models import OrganisationSettings
from kexie_pages.recognition.certificates import certificate_pdf, certificates_zip
from kexie_pages.recognition.selectors import certificates_of_year

from .conftest import PHONES

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    """The PDF's text as pypdf reads it.

    fpdf2 embeds the CFF-flavoured Noto CJK fonts with a two-byte CMap whose
    codes pypdf reads with a NUL before each character; the NULs go.
    """
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace("\x00", "")


def _fonts(pdf: bytes) -> list:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.append(font.get_object())
    return fonts


def test_certificate_names_the_expert_number_and_association(certificate):
    organisation = OrganisationSettings.for_site(
        Site.objects.get(is_default_site=True)
    ).organisation
    pdf = certificate_pdf(entry=certificate)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A4 landscape: 297 × 210 mm in points.
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595
    text = _text(pdf)
    assert "李建国" in text
    assert certificate.certificate_number == "ZJ2026-001"
    assert "ZJ2026-001" in text
    assert organisation and organisation in text
    assert "荣誉证书" in text
    assert "2026年12月20日" in text
    assert "http://localhost/c/ZJ2026-001/" in text


def test_certificate_fonts_are_embedded_subsets(certificate):
    fonts = _fonts(certificate_pdf(entry=certificate))
    assert len(fonts) == 2
    for font in fonts:
        # A subset's name carries a six-letter tag: ABCDEF+NotoSansCJKsc-Regular.
        assert re.match(r"^/[A-Z]{6}\+", font["/BaseFont"]), font["/BaseFont"]
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        # Noto CJK is CFF-flavoured OpenType: embedded as FontFile3.
        assert {"/FontFile2", "/FontFile3"} & set(descriptor), "font not embedded"


def test_certificate_holds_no_phone(certificate):
    pdf = certificate_pdf(entry=certificate)
    text = _text(pdf)
    for phone in PHONES:
        assert phone not in text and phone[-4:] not in text


def test_zip_holds_every_certificate_of_the_year(honour_roll, entries):
    from kexie_pages.models import Expert, HonourCategory, HonourEntry
    from kexie_pages.recognition.services import certificate_numbers_assign

    second = Expert.objects.create(name="张秀兰", employer="周口市农科院")
    HonourEntry.objects.create(
        roll=honour_roll, category=HonourCategory.EXPERT, expert=second, sort_order=9
    )
    certificate_numbers_assign(roll=honour_roll)
    archive = zipfile.ZipFile(
        io.BytesIO(certificates_zip(entries=certificates_of_year(year=2026)))
    )
    names = sorted(archive.namelist())
    assert names == ["ZJ2026-001-李建国.pdf", "ZJ2026-002-张秀兰.pdf"]
    assert "张秀兰" in _text(archive.read("ZJ2026-002-张秀兰.pdf"))
