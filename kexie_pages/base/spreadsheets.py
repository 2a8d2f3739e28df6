"""What every file the site hands out shares: formula-safe cells, one CSV and
one XLSX writer, and one ``Content-Disposition`` helper.

Exports (directories, needs, course sign-ups, submissions) go to staff and
counties who open them in Excel or WPS; a cell that starts like a formula would
run there, so every export passes its cells through ``formula_safe``. Wagtail's
own listing exports (``SpreadsheetExportMixin``) get the same treatment from
:class:`SafeSpreadsheetExportMixin`.
"""

import csv
import datetime
import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar, overload

from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    # The mixin goes in front of Wagtail's SpreadsheetExportMixin; as its base,
    # mypy takes super() from there (Wagtail has no types).
    from wagtail.admin.views.mixins import SpreadsheetExportMixin as _WagtailExport
else:
    _WagtailExport = object

#: A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_Cell = TypeVar("_Cell")


@overload
def formula_safe(value: str) -> str: ...
@overload
def formula_safe(value: _Cell) -> _Cell: ...
def formula_safe(value: object) -> object:
    """Make a cell inert in a spreadsheet: prefix a formula-like text with ``'``.

    The one guard against CSV/XLSX formula injection for every export; values
    that are not text pass through unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def content_disposition(
    filename: str, *, fallback: str = "", inline: bool = False
) -> str:
    """The ``Content-Disposition`` value for a file called ``filename``.

    Django's ``content_disposition_header`` encodes a Chinese name per RFC 5987
    (``filename*=utf-8''…``); ``fallback`` adds a plain ASCII ``filename`` before
    it for the few download managers that read only that (RFC 6266 §4.3).
    """
    # Django gives None only for an inline file without a name.
    header = content_disposition_header(not inline, filename) or "inline"
    if fallback and not filename.isascii():
        kind, _separator, encoded = header.partition("; ")
        header = f'{kind}; filename="{fallback}"; {encoded}'
    return header


def csv_bytes(headers: list[str], rows: Iterable[list]) -> bytes:
    """A CSV file as Excel in China opens it: UTF-8 with a BOM (else it reads
    GBK and shows mojibake), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def sheet_title(name: str) -> str:
    """``name`` as Excel accepts a sheet title: no ``[]:*?/\\``, 31 characters."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "-"


def _display_width(value: object) -> int:
    """How many Latin characters wide a cell's text is: CJK counts double."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: Rows sampled to fit column widths; enough to see typical values, cheap at 100,000 rows.
WIDTH_SAMPLE_ROWS = 200


def workbook_bytes(
    headers: list[str],
    sheets: Mapping[str, Sequence[list]],
    *,
    number_columns: Iterable[int] = (),
) -> bytes:
    """An XLSX with one sheet per entry of ``sheets`` (title → rows), each under
    the same bold header row, columns as wide as their header and typical cells.

    Cells in ``number_columns`` (0-based) that hold a whole number are written as
    numbers, so Excel can sum and sort them; every other cell keeps its type
    (phone numbers stay text, or Excel would show ``1.38E+10``). Write-only, so
    memory stays flat however many rows.
    """
    return workbook_sheets_bytes(
        {title: (headers, rows) for title, rows in sheets.items()},
        number_columns=number_columns,
    )


def workbook_sheets_bytes(
    sheets: Mapping[str, tuple[list[str], Sequence[list]]],
    *,
    number_columns: Iterable[int] = (),
) -> bytes:
    """:func:`workbook_bytes` for sheets of different columns: title → (headers, rows).

    Cells are written as given: pass them through :func:`formula_safe` first
    when they hold what users typed.
    """
    numeric = set(number_columns)
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, (headers, rows) in sheets.items():
        title = sheet_title(title.lstrip("'"))
        if title in used:
            continue
        used.add(title)
        sheet = workbook.create_sheet(title)
        for index, header in enumerate(headers):
            sample = [
                row[index] for row in rows[:WIDTH_SAMPLE_ROWS] if index < len(row)
            ]
            width = max(
                [_display_width(header) + 2] + [_display_width(v) for v in sample]
            )
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(width, 60)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            if numeric:
                row = [
                    int(v)
                    if i in numeric and isinstance(v, str) and v.isdecimal()
                    else v
                    for i, v in enumerate(row)
                ]
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class SafeSpreadsheetExportMixin(_WagtailExport):
    """Wagtail's listing exports (CSV and XLSX) as every file of the site is made.

    Put it in front of a view using Wagtail's ``SpreadsheetExportMixin`` (a
    viewset's index view, the forms' submissions list). Wagtail copies text
    into the cells as it is (a visitor's ``=HYPERLINK(…)`` runs in Excel),
    writes times in UTC (naive, in the XLSX; with ``+00:00``, in the CSV) and
    a CSV without a byte-order mark (Excel in China then reads it as GBK).
    Here every cell and heading goes through :func:`formula_safe`, times are in
    the site's time zone (Asia/Shanghai), and the CSV starts with a BOM.
    """

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            # Naive local time: Wagtail leaves it so in the XLSX (a real date
            # cell), and in the CSV it reads as the clock on the wall did.
            value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
        return formula_safe(super().preprocess_field_value(field, value, export_format))

    def get_heading(self, queryset, field):
        return formula_safe(super().get_heading(queryset, field))

    def stream_csv(self, queryset):
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        response["Content-Disposition"] = content_disposition(
            f"{self.get_filename()}.csv", fallback="export.csv"
        )
        return response
