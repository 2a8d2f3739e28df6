"""The booklet library (科普图书资料), from ``fixtures/booklets.json``.

The PDFs and covers are generated here rather than committed, to keep the
repository small: fpdf2 writes each booklet in Chinese with the Noto CJK font
(Debian's fonts-noto-cjk), Pillow draws a plain cover. Without the font the
PDFs fall back to pinyin in a core PDF font, so the demo still loads.
"""

import io
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from fpdf import FPDF
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from pypinyin import lazy_pinyin
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from ..base.models import HomePage, IndustryCategory
from ..booklets.models import BookletIndexPage, BookletPage
from .base import child_page

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_INDEX = 2  # Noto Sans CJK SC inside the collection
# The renditions the booklet templates ask for, made at load time so the
# first visitor does not wait for them.
COVER_RENDITIONS = [
    f"format-{fmt}|fill-{size}"
    for size in ("72x102", "144x204", "160x226", "320x452")
    for fmt in ("webp", "jpeg")
] + ["fill-400x566|format-jpeg", "fill-320x452|format-jpeg|jpegquality-70"]
COVER_COLOURS = ["#1b5e20", "#0d47a1", "#bf360c", "#4a148c", "#006064", "#827717"]


def make_booklet_pdf(
    title: str, chapters: list[list[str]], *, publisher: str = "", font: Path = CJK_FONT
) -> bytes:
    """A small A5 booklet: a title page, then one page per chapter."""
    pdf = FPDF(format=(148, 210))
    pdf.set_title(title)
    if font.exists():
        pdf.add_font("cjk", "", str(font), collection_font_number=CJK_FONT_INDEX)
        family = "cjk"

        def text(value: str) -> str:
            return value

    else:
        family = "helvetica"

        def text(value: str) -> str:
            return (
                " ".join(lazy_pinyin(value))
                .encode("latin-1", "replace")
                .decode("latin-1")
            )

    pdf.add_page()
    pdf.set_font(family, size=22)
    pdf.ln(50)
    pdf.multi_cell(0, 12, text(title), align="C")
    pdf.ln(20)
    pdf.set_font(family, size=12)
    pdf.multi_cell(0, 8, text(publisher or "科普图书资料 · 免费赠阅"), align="C")
    for number, (heading, body) in enumerate(chapters, start=1):
        pdf.add_page()
        pdf.set_font(family, size=16)
        pdf.multi_cell(0, 10, text(f"{number}. {heading}"))
        pdf.ln(4)
        pdf.set_font(family, size=12)
        pdf.multi_cell(0, 8, text(body))
    return bytes(pdf.output())


def make_cover(title: str, colour: str, *, font: Path = CJK_FONT) -> bytes:
    """A 600×848 JPEG cover: a coloured ground with the title in white."""
    image = PILImage.new("RGB", (600, 848), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 808), outline="white", width=6)
    if font.exists():
        face = ImageFont.truetype(str(font), 56, index=CJK_FONT_INDEX)
        lines = [title[i : i + 8] for i in range(0, len(title), 8)]
        for row, line in enumerate(lines):
            draw.text((300, 260 + row * 80), line, fill="white", font=face, anchor="mm")
        small = ImageFont.truetype(str(font), 30, index=CJK_FONT_INDEX)
        draw.text(
            (300, 740), "科普图书资料 · 免费", fill="white", font=small, anchor="mm"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _document(slug: str, title: str, data: bytes):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first() or Document(title=title)
    if document.file:
        document.file.delete(save=False)
    document.file.save(f"{slug}.pdf", ContentFile(data), save=False)
    document.file_size, document.file_hash = None, ""
    document.save()
    return document


def _image(slug: str, title: str, data: bytes):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title, file=ImageFile(io.BytesIO(data), name=f"{slug}.jpg"))
        image.save()
    image.get_renditions(*COVER_RENDITIONS)
    return image


def load(home: HomePage, fixtures: Path) -> str:
    index = child_page(
        home,
        BookletIndexPage,
        "booklets",
        title="科普图书资料",
        intro="市科协编印的实用技术小册子，全部免费下载，手机上也能看。按类别或关键词查找。",
        show_in_menus=True,
        search_description="免费下载种植、养殖、林下经济等实用技术小册子",
    )
    categories = {c.slug: c for c in IndustryCategory.objects.all()}
    booklets = json.loads((fixtures / "booklets.json").read_text(encoding="utf-8"))
    for number, item in enumerate(booklets, start=1):
        slug = f"booklet-{number:02d}"
        pdf = make_booklet_pdf(
            item["title"], item["chapters"], publisher=item["publisher"]
        )
        cover = make_cover(item["title"], COVER_COLOURS[number % len(COVER_COLOURS)])
        child_page(
            index,
            BookletPage,
            slug,
            title=item["title"],
            category=categories.get(item["category"]),
            techniques=item["techniques"],
            summary=item["summary"],
            audience=item["audience"],
            publisher=item["publisher"],
            year=item["year"],
            document=_document(slug, item["title"], pdf),
            cover=_image(slug, f"{item['title']}（封面）", cover),
        )
    return f"{len(booklets)} booklets with generated PDFs and covers"
