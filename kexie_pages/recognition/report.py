"""The year-end summary (总结) as files: a PDF to print and an XLSX to edit.

The content is gathered by ``selectors.summary_report`` into a
:class:`SummaryReport`; here it is only laid out. The PDF is drawn with fpdf2
(fonts embedded as for the certificates) with simple horizontal bar charts for
the charts of the results page; the workbook holds the same content, one sheet
per part, for staff who rewrite the summary in WPS or Excel.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF, XPos, YPos
from fpdf.fonts import FontFace

from ..base.spreadsheets import formula_safe, workbook_sheets_bytes
from .certificates import certificate_fonts

Number = int | float | Decimal


@dataclass
class Chart:
    """A bar chart: a title and ``(label, value)`` bars."""

    title: str
    bars: list[tuple[str, Number]]
    unit: str = ""


@dataclass
class SummaryReport:
    """Everything a year-end summary shows, read from the data and from staff."""

    title: str
    year: int
    place: str
    organisation: str
    #: ``(section, label, value)`` in the order shown.
    figures: list[tuple[str, str, Number]] = field(default_factory=list)
    #: The results page's tables: ``(title, headers, rows)``.
    tables: list[tuple[str, list[str], list[list]]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    #: Staff's own ``(heading, text)`` paragraphs.
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    #: Chosen news: ``(title, date, absolute URL)``.
    highlights: list[tuple[str, datetime.date, str]] = field(default_factory=list)
    agreement_headers: list[str] = field(default_factory=list)
    agreements: list[list[str]] = field(default_factory=list)
    generated_at: datetime.datetime = field(default_factory=timezone.now)


BAR_COLOUR = (27, 94, 32)
HEADING_COLOUR = (176, 30, 35)


def _number(value: Number) -> str:
    if isinstance(value, Decimal | float) and value != int(value):
        return f"{value:,.2f}"
    return f"{int(value):,}"


class _SummaryPDF(FPDF):
    footer_text = ""

    def multi_cell(self, *args, **kwargs):
        # A paragraph is followed by the next one at the left margin (fpdf2's
        # default leaves the cursor right of it, with no room for the next).
        kwargs.setdefault("new_x", XPos.LMARGIN)
        kwargs.setdefault("new_y", YPos.NEXT)
        return super().multi_cell(*args, **kwargs)

    def footer(self):
        self.set_y(-12)
        self.set_font("regular", size=8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 6, f"{self.footer_text}  {self.page_no()}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font("title", size=15)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.multi_cell(0, 9, text)
    pdf.set_text_color(30, 30, 30)
    pdf.ln(1)


def _chart(pdf: FPDF, chart: Chart) -> None:
    """A horizontal bar chart: label, bar scaled to the largest value, value."""
    pdf.set_font("regular", size=11)
    pdf.multi_cell(0, 7, chart.title)
    largest = max((float(v) for _label, v in chart.bars), default=0) or 1
    label_width, bar_width = 45, 100
    pdf.set_font("regular", size=9)
    for label, value in chart.bars:
        if pdf.will_page_break(7):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin)
        pdf.cell(label_width, 6, label[:16], align="R")
        width = bar_width * float(value) / largest
        pdf.set_fill_color(*BAR_COLOUR)
        if width > 0:
            pdf.rect(pdf.l_margin + label_width + 2, y + 1, width, 4, style="F")
        pdf.set_xy(pdf.l_margin + label_width + 4 + width, y)
        pdf.cell(30, 6, _number(value) + chart.unit)
        pdf.ln(6)
    pdf.ln(3)


def summary_pdf(report: SummaryReport) -> bytes:
    """The summary as an A4 PDF with embedded Chinese fonts."""
    pdf = _SummaryPDF(orientation="P", unit="mm", format="A4")
    for style, (path, index) in certificate_fonts().items():
        pdf.add_font(style, "", path, collection_font_number=index)
    pdf.set_title(report.title)
    pdf.set_auto_page_break(True, margin=18)
    pdf.footer_text = report.title
    pdf.add_page()

    pdf.set_font("title", size=20)
    pdf.multi_cell(0, 12, report.title, align="C")
    pdf.set_font("regular", size=11)
    generated = timezone.localtime(report.generated_at)
    pdf.multi_cell(
        0,
        7,
        f"{report.organisation} · {report.place} · "
        + _("generated %(when)s") % {"when": date_format(generated, "DATETIME_FORMAT")},
        align="C",
    )

    _heading(pdf, _("1. The year in figures"))
    section = None
    grey = FontFace(fill_color=(240, 240, 240))
    pdf.set_font("regular", size=10)
    with pdf.table(
        col_widths=(40, 90, 40),
        text_align=("LEFT", "LEFT", "RIGHT"),
        headings_style=FontFace(emphasis=None, fill_color=(230, 230, 230)),
        line_height=7,
    ) as table:
        head = table.row()
        for text in (
            pgettext("kexie summary", "Area"),
            pgettext("kexie summary", "Item"),
            pgettext("kexie summary", "Figure"),
        ):
            head.cell(text)
        for group, label, value in report.figures:
            row = table.row()
            row.cell(group if group != section else "", style=grey)
            section = group
            row.cell(label)
            row.cell(_number(value))

    pdf.set_font("regular", size=8)
    for title, headers, rows in report.tables:
        pdf.set_font("title", size=11)
        pdf.multi_cell(0, 8, title)
        pdf.set_font("regular", size=8)
        with pdf.table(
            headings_style=FontFace(emphasis=None, fill_color=(230, 230, 230)),
            line_height=5,
        ) as table:
            head = table.row()
            for text in headers:
                head.cell(str(text))
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(str(text))
        pdf.ln(2)

    if report.charts:
        _heading(pdf, _("2. Charts"))
        for chart in report.charts:
            _chart(pdf, chart)

    _heading(pdf, _("3. Summary of the work"))
    if report.paragraphs:
        for heading, text in report.paragraphs:
            if heading:
                pdf.set_font("title", size=12)
                pdf.multi_cell(0, 8, heading)
            pdf.set_font("regular", size=11)
            pdf.multi_cell(0, 7, text)
            pdf.ln(2)
    else:
        pdf.set_font("regular", size=11)
        pdf.multi_cell(0, 7, _("No paragraphs were written."))

    _heading(pdf, _("4. Highlights"))
    pdf.set_font("regular", size=11)
    for number, (title, day, url) in enumerate(report.highlights, start=1):
        pdf.multi_cell(0, 7, f"{number}. {title}（{date_format(day, 'DATE_FORMAT')}）")
        pdf.set_font("regular", size=8)
        pdf.set_text_color(80, 80, 80)
        pdf.multi_cell(0, 5, url, link=url)
        pdf.set_text_color(30, 30, 30)
        pdf.set_font("regular", size=11)
    if not report.highlights:
        pdf.multi_cell(0, 7, _("No highlights were chosen."))

    # The appendix's seven columns read best across a landscape page.
    pdf.add_page(orientation="L")
    _heading(pdf, _("Appendix: agreements"))
    if report.agreements:
        pdf.set_font("regular", size=8)
        with pdf.table(
            col_widths=(70, 25, 22, 45, 55, 28, 32),
            headings_style=FontFace(emphasis=None, fill_color=(230, 230, 230)),
            line_height=5,
        ) as table:
            head = table.row()
            for text in report.agreement_headers:
                head.cell(text)
            for values in report.agreements:
                row = table.row()
                for text in values:
                    row.cell(str(text))
    else:
        pdf.set_font("regular", size=11)
        pdf.multi_cell(0, 7, _("No agreements this year."))
    return bytes(pdf.output())


def summary_xlsx(report: SummaryReport) -> bytes:
    """The summary as a workbook: figures, charts' data, paragraphs, highlights, appendix."""
    safe = formula_safe
    sheets: dict[str, tuple[list[str], Sequence[list]]] = {
        pgettext("kexie summary", "Figures"): (
            [
                pgettext("kexie summary", "Area"),
                pgettext("kexie summary", "Item"),
                pgettext("kexie summary", "Figure"),
            ],
            [[safe(g), safe(label), value] for g, label, value in report.figures],
        ),
        **{
            title: (
                [str(h) for h in headers],
                [[safe(str(v)) if isinstance(v, str) else v for v in r] for r in rows],
            )
            for title, headers, rows in report.tables
        },
        pgettext("kexie summary", "Charts"): (
            [
                pgettext("kexie summary", "Chart"),
                pgettext("kexie summary", "Item"),
                pgettext("kexie summary", "Figure"),
            ],
            [
                [safe(chart.title), safe(label), value]
                for chart in report.charts
                for label, value in chart.bars
            ],
        ),
        pgettext("kexie summary", "Summary"): (
            [pgettext("kexie summary", "Heading"), pgettext("kexie summary", "Text")],
            [[safe(h), safe(t)] for h, t in report.paragraphs],
        ),
        pgettext("kexie summary", "Highlights"): (
            [
                pgettext("kexie summary", "Title"),
                pgettext("kexie summary", "Date"),
                pgettext("kexie summary", "Link"),
            ],
            [[safe(t), d, url] for t, d, url in report.highlights],
        ),
        pgettext("kexie summary", "Agreements"): (
            report.agreement_headers,
            [[safe(str(v)) for v in row] for row in report.agreements],
        ),
    }
    return workbook_sheets_bytes(sheets)
