"""Directory exports and the files for staff: round trips through every
format, formula-safe cells, the template with its dropdowns, the failed rows."""

import io

import pytest
from openpyxl import load_workbook

from kexie_pages.directories.exports import (
    directory_export,
    directory_template,
    failed_rows_workbook,
)
from kexie_pages.directories.services import directory_import
from kexie_pages.models import DIRECTORIES

from .helpers import sample, table

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("directory", sorted(DIRECTORIES))
@pytest.mark.parametrize("file_format", ["xlsx", "csv", "json"])
def test_export_then_import_changes_nothing(directory, file_format, import_rows):
    result = import_rows(directory, sample(directory), dry_run=False)
    assert result.applied and result.counts["new"] == 5
    before = list(DIRECTORIES[directory].objects.values())

    exported = directory_export(directory=directory, file_format=file_format)
    again = directory_import(
        directory=directory,
        content=exported,
        filename=f"x.{file_format}",
        dry_run=False,
    )

    assert again.counts == {"unchanged": 5}
    assert list(DIRECTORIES[directory].objects.values()) == before


def test_formula_cells_are_inert_on_export_and_restored_on_import(import_rows):
    rows = sample("experts", 1)
    rows[0]["个人简介"] = '=HYPERLINK("http://evil")'
    rows[0]["职称"] = "+研究员"
    import_rows("experts", rows, dry_run=False)
    exported = directory_export(directory="experts", file_format="xlsx")
    sheet = load_workbook(io.BytesIO(exported)).active
    values = [cell.value for cell in sheet[2]]
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in values if v)
    assert sheet.cell(row=2, column=8).data_type == "s"  # the phone stays text
    assert sheet.cell(row=2, column=8).value == rows[0]["联系电话"]
    again = directory_import(directory="experts", content=exported, filename="a.xlsx")
    assert again.counts == {"unchanged": 1}
    csv_text = directory_export(directory="experts", file_format="csv").decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in csv_text and ",'+研究员," in csv_text


def test_xlsx_export_reads_well_in_excel(import_rows):
    """A named sheet, counts as numbers, phones as text, columns wide enough."""
    import_rows("associations", sample("associations", 3), dry_run=False)
    exported = directory_export(directory="associations", file_format="xlsx")
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.active
    assert sheet.title == str(DIRECTORIES["associations"]._meta.verbose_name_plural)
    headers = [cell.value for cell in sheet[1]]
    members = sheet.cell(row=2, column=headers.index("会员人数") + 1)
    assert members.data_type == "n" and isinstance(members.value, int)
    phone = sheet.cell(row=2, column=headers.index("联系电话") + 1)
    assert phone.data_type == "s"
    name_column = sheet.column_dimensions["A"]
    assert name_column.width >= 2 * len(str(sheet["A2"].value))  # CJK is double-width


def test_template_has_dropdowns_from_the_live_taxonomy():
    from kexie_pages.models import IndustryCategory

    IndustryCategory.objects.create(name="中药材", slug="zhongyaocai")
    workbook = load_workbook(io.BytesIO(directory_template(directory="associations")))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == table("associations", [])[0]
    lists = workbook["lists"]
    assert "中药材" in [c.value for c in lists["B"]]
    assert "扶沟县" in [c.value for c in lists["A"]]
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert any("lists!$A$1" in f for f in formulas)
    assert any("lists!$B$1" in f for f in formulas)
    assert '"是,否"' in formulas


def test_failed_rows_workbook_marks_the_cells(import_rows):
    rows = sample("experts", 3)
    rows[1]["联系电话"] = "12345"
    result = import_rows("experts", rows)
    sheet = load_workbook(io.BytesIO(failed_rows_workbook(result))).active
    assert (
        sheet["A1"].value == "序号" and sheet.cell(row=1, column=13).value == "错误说明"
    )
    assert sheet.max_row == 2
    assert sheet["A2"].value == 3
    assert sheet.cell(row=2, column=9).comment.text.startswith(
        "“12345”不是有效的电话号码"
    )
    # Fixing the cell and uploading the same workbook works: 序号 is ignored.
    sheet.cell(row=2, column=9).value = "13800001111"
    sheet.delete_cols(13)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    fixed = directory_import(
        directory="experts", content=buffer.getvalue(), filename="a.xlsx"
    )
    assert fixed.counts == {"new": 1}
