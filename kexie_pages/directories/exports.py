"""Writing directory files: exports in the import format, blank templates with
dropdowns from the live taxonomy, and the failed rows of an import, annotated."""

import io
import json

from django.db import models
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..base.models import County, IndustryCategory
from ..base.spreadsheets import csv_bytes, formula_safe, workbook_bytes
from .models import DIRECTORIES
from .reading import DirectoryImportError, ImportResult, m2m_fields, resource_for
from .resources import SERIAL_COLUMN
from .widgets import (
    NO,
    YES,
    CategoriesWidget,
    CountiesWidget,
    CountyWidget,
    GenderWidget,
    WholeNumberWidget,
    YesNoWidget,
)

#: The last column of the failed-rows workbook: what is wrong with the row.
ERROR_COLUMN = "错误说明"


def directory_queryset(directory: str) -> models.QuerySet:
    """All of a directory's entries, with what export needs fetched up front."""
    model = DIRECTORIES[directory]
    queryset = model.objects.all().prefetch_related(
        *[f.name for f in m2m_fields(model)]
    )
    related = [f.name for f in model._meta.fields if f.is_relation]
    return queryset.select_related(*related)


def directory_rows(
    *, directory: str, queryset: models.QuerySet | None = None
) -> tuple[list[str], list[list[str]]]:
    """The directory's headers and its entries as rows of formula-safe text."""
    resource = resource_for(directory)
    if queryset is None:
        queryset = directory_queryset(directory)
    dataset = resource.export(queryset=queryset)
    rows = [[formula_safe(str(cell)) for cell in row] for row in dataset]
    return list(dataset.headers), rows


def directory_export(
    *, directory: str, file_format: str, queryset: models.QuerySet | None = None
) -> bytes:
    """The directory (or ``queryset``) as an XLSX, CSV or JSON file in the import format."""
    headers, rows = directory_rows(directory=directory, queryset=queryset)
    if file_format == "xlsx":
        fields = resource_for(directory).get_export_fields()
        numbers = [
            i for i, f in enumerate(fields) if isinstance(f.widget, WholeNumberWidget)
        ]
        title = str(DIRECTORIES[directory]._meta.verbose_name_plural)
        return workbook_bytes(headers, {title: rows}, number_columns=numbers)
    if file_format == "csv":
        return csv_bytes(headers, rows)
    if file_format == "json":
        data = [dict(zip(headers, row, strict=True)) for row in rows]
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    raise DirectoryImportError(
        gettext("Unknown format “%(format)s”; use xlsx, csv or json.")
        % {"format": file_format}
    )


def directory_template(*, directory: str) -> bytes:
    """A blank XLSX for ``directory`` with dropdowns from the live taxonomy."""
    resource = resource_for(directory)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(DIRECTORIES[directory]._meta.verbose_name_plural)[:31]
    lists = workbook.create_sheet("lists")
    lists.sheet_state = "hidden"
    counties = [c.name for c in County.objects.all()]
    categories = [c.name for c in IndustryCategory.objects.all()]
    for number, name in enumerate(counties, start=1):
        lists.cell(row=number, column=1, value=name)
    for number, name in enumerate(categories, start=1):
        lists.cell(row=number, column=2, value=name)
    sources = {
        "counties": f"lists!$A$1:$A${max(len(counties), 1)}",
        "categories": f"lists!$B$1:$B${max(len(categories), 1)}",
    }
    for index, resource_field in enumerate(resource.get_export_fields(), start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=resource_field.column_name)
        cell.font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(
            12, 3 * len(resource_field.column_name)
        )
        widget = resource_field.widget
        several = isinstance(widget, CountiesWidget | CategoriesWidget)
        if isinstance(widget, CountyWidget | CountiesWidget):
            formula = sources["counties"]
        elif isinstance(widget, CategoriesWidget):
            formula = sources["categories"]
        elif isinstance(widget, YesNoWidget):
            formula = f'"{YES},{NO}"'
        elif isinstance(widget, GenderWidget):
            formula = '"' + ",".join(GenderWidget.CELLS) + '"'
        else:
            continue
        # Several values go in one cell (扶沟县、西华县): the list helps but
        # must not refuse what it does not contain.
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=not several,
        )
        validation.add(f"{letter}2:{letter}5000")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def failed_rows_workbook(result: ImportResult) -> bytes:
    """The rows that failed, each error cell marked and explained, ready to fix and re-upload.

    The first column (序号) holds the row's number in the original file and is
    ignored on import. Every cell comes from the upload, so every cell goes
    through ``formula_safe``: a ``=HYPERLINK(…)`` typed into the uploaded file
    must not come back live (importing the file again removes the ``'``).
    """
    workbook = Workbook()
    sheet = workbook.active
    fill = PatternFill("solid", fgColor="FFC7CE")
    headers = [SERIAL_COLUMN, *result.headers, ERROR_COLUMN]
    sheet.append([formula_safe(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in result.error_rows:
        cells = list(row.cells) + [""] * (len(result.headers) - len(row.cells))
        sheet.append(
            [
                row.number,
                *[formula_safe(cell) for cell in cells[: len(result.headers)]],
                formula_safe("；".join(row.error_lines())),
            ]
        )
        line = sheet.max_row
        for column, message in row.errors.items():
            if column in result.headers:
                cell = sheet.cell(row=line, column=2 + result.headers.index(column))
                cell.fill = fill
                cell.comment = Comment(message, "kexie")
        sheet.cell(row=line, column=len(headers)).fill = fill
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
