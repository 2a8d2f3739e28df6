"""The directory importer and exporter: round trips, encodings, and every bad input."""

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kexie_pages.directories import reading
from kexie_pages.directories.exports import (
    directory_export,
    directory_template,
    failed_rows_workbook,
)
from kexie_pages.directories.reading import DirectoryImportError
from kexie_pages.directories.services import directory_import
from kexie_pages.directories.uploads import (
    pending_upload_delete,
    pending_upload_read,
    pending_upload_save,
    pending_uploads_clean,
)
from kexie_pages.models import DIRECTORIES, Achievement, Expert, TechLeader

from .helpers import csv_bytes, sample, table, xlsx_bytes

pytestmark = pytest.mark.django_db


def import_rows(directory, rows, **kwargs):
    return directory_import(
        directory=directory, content=csv_bytes(table(directory, rows)), **kwargs
    )


def rejected(content: bytes, *, directory="experts", filename="") -> str:
    with pytest.raises(DirectoryImportError) as caught:
        directory_import(directory=directory, content=content, filename=filename)
    return "\n".join(caught.value.messages)


# --- round trips ------------------------------------------------------------


@pytest.mark.parametrize("directory", sorted(DIRECTORIES))
@pytest.mark.parametrize("file_format", ["xlsx", "csv", "json"])
def test_export_then_import_changes_nothing(directory, file_format):
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


def test_import_creates_links_and_search_finds_them():
    rows = sample("experts", 3)
    rows[0].update(
        {
            "服务区县": "扶沟县、411622；淮阳",
            "产业类别": "种植，养殖",
            "专业领域": "小麦赤霉病防治",
        }
    )
    import_rows("experts", rows, dry_run=False)
    expert = Expert.objects.get(name=rows[0]["姓名"], employer=rows[0]["工作单位"])
    assert sorted(c.name for c in expert.counties.all()) == [
        "扶沟县",
        "淮阳区",
        "西华县",
    ]
    assert sorted(c.name for c in expert.categories.all()) == ["养殖", "种植"]
    assert expert in Expert.objects.search("赤霉病")
    assert expert.name_pinyin  # filled although bulk_create skips save()


def test_reimport_with_a_change_updates_only_that_row():
    rows = sample("leaders", 4)
    import_rows("leaders", rows, dry_run=False)
    rows[1]["带动贫困户数"] = "99"
    rows[2]["产业类别"] = "农村电商"
    result = import_rows("leaders", rows, dry_run=False)
    assert [r.status for r in result.rows] == [
        "unchanged",
        "update",
        "update",
        "unchanged",
    ]
    leader = TechLeader.objects.get(name=rows[1]["姓名"], village=rows[1]["所在村"])
    assert leader.households_helped == 99
    changed = TechLeader.objects.get(name=rows[2]["姓名"], village=rows[2]["所在村"])
    assert [c.name for c in changed.categories.all()] == ["农村电商"]


def test_dry_run_writes_nothing_and_classifies_rows():
    rows = sample("experts", 3)
    import_rows("experts", rows[:2], dry_run=False)
    rows[1]["职称"] = "研究员（二级）"
    result = import_rows("experts", rows, dry_run=True)
    assert [r.status for r in result.rows] == ["unchanged", "update", "new"]
    assert Expert.objects.count() == 2
    assert not result.applied


def test_serial_column_and_blank_rows_are_ignored():
    rows = table("experts", sample("experts", 2))
    with_serial = [["序号", *rows[0]], ["1", *rows[1]], [""] * 12, ["2", *rows[2]]]
    result = directory_import(directory="experts", content=csv_bytes(with_serial))
    assert result.counts == {"new": 2}
    assert [r.number for r in result.rows] == [2, 4]


def test_achievement_links_to_expert_by_name_or_name_and_unit():
    experts = sample("experts", 2)
    import_rows("experts", experts, dry_run=False)
    rows = sample("achievements", 2)
    rows[0]["联系专家"] = experts[0]["姓名"]
    rows[1]["联系专家"] = f"{experts[1]['姓名']}({experts[1]['工作单位']})"
    import_rows("achievements", rows, dry_run=False)
    linked = {a.expert.name for a in Achievement.objects.select_related("expert")}
    assert linked == {experts[0]["姓名"], experts[1]["姓名"]}


def test_queries_grow_with_batches_not_rows():
    def queries(count):
        Expert.objects.all().delete()
        rows = sample("experts", count, seed=count)
        with CaptureQueriesContext(connection) as captured:
            import_rows("experts", rows, dry_run=False)
        return len(captured)

    few, many = queries(40), queries(400)
    # Ten times the rows: a handful more queries (one per 500-row batch), not 360.
    assert few <= many <= few + 10


# --- encodings ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(encoding):
    rows = sample("experts", 3)
    result = directory_import(
        directory="experts",
        content=csv_bytes(table("experts", rows), encoding=encoding),
    )
    assert result.counts == {"new": 3}
    assert [r.cells[0] for r in result.rows] == [row["姓名"] for row in rows]


def test_sample_files_in_fixtures_all_import(settings):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
    files = sorted(folder.iterdir())
    assert len(files) >= 25
    for path in files:
        if "error" in path.name:
            continue
        directory = next(
            d
            for d in sorted(DIRECTORIES, key=len, reverse=True)
            if path.name.startswith(d)
        )
        result = directory_import(
            directory=directory, content=path.read_bytes(), filename=path.name
        )
        assert not result.has_errors, (path.name, result.error_lines())


# --- bad input: the file as a whole ---------------------------------------------


def test_empty_file():
    assert rejected(b"") == "文件是空的。"


def test_header_only():
    assert "没有数据行" in rejected(csv_bytes([table("experts", [])[0]]))


def test_wrong_and_missing_headers():
    headers = table("experts", [])[0]
    headers[2] = "单位"
    message = rejected(csv_bytes([headers, ["x"] * len(headers)]))
    assert "缺少列：「工作单位」" in message
    assert "无法识别的列：「单位」" in message


def test_duplicate_headers():
    headers = table("experts", [])[0] + ["姓名"]
    assert "表头重复：「姓名」" in rejected(csv_bytes([headers, ["x"] * len(headers)]))


def test_csv_renamed_xlsx():
    content = csv_bytes(table("experts", sample("experts", 1)))
    assert "改了扩展名的 CSV" in rejected(content, filename="专家.xlsx")


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "不是 Excel 工作簿" in rejected(buffer.getvalue(), filename="a.xlsx")


def test_damaged_zip():
    assert "文件已损坏" in rejected(
        b"PK\x03\x04" + b"\x00garbage" * 10, filename="a.xlsx"
    )


def _rewrite_sheet(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def test_xlsx_with_huge_declared_dimensions_is_refused_before_parsing(monkeypatch):
    content = xlsx_bytes(table("experts", sample("experts", 1)))
    huge = _rewrite_sheet(
        content,
        lambda xml: xml.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )

    def no_parsing(*args, **kwargs):
        raise AssertionError("the parser must not see this file")

    monkeypatch.setattr("python_calamine.CalamineWorkbook.from_filelike", no_parsing)
    message = rejected(huge, filename="a.xlsx")
    assert "1048576 行" in message and "16384 列" in message


def test_compression_bomb(settings):
    settings.KEXIE_IMPORT_MAX_UNZIPPED_BYTES = 2 * 1024 * 1024
    content = xlsx_bytes(table("experts", sample("experts", 1)))
    bomb = _rewrite_sheet(
        content,
        lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 8_000_000),
    )
    assert len(bomb) < 100_000
    assert "恶意压缩文件" in rejected(bomb, filename="a.xlsx")


def test_file_over_the_size_cap_is_refused_before_parsing(settings, monkeypatch):
    settings.KEXIE_IMPORT_MAX_BYTES = 1000
    monkeypatch.setattr(reading, "read_rows", lambda *a: pytest.fail("parsed"))
    content = csv_bytes(table("experts", sample("experts", 20)))
    assert "最多只能导入" in rejected(content)


def test_file_over_the_row_cap(settings):
    settings.KEXIE_IMPORT_MAX_ROWS = 10
    rows = table("experts", sample("experts", 11))
    assert "超过 10 行" in rejected(csv_bytes(rows))
    assert "最多只能导入 10 行" in rejected(xlsx_bytes(rows), filename="a.xlsx")


def test_nul_bytes():
    content = csv_bytes(table("experts", sample("experts", 1))).replace(
        b",", b",\x00", 1
    )
    assert "空字符" in rejected(content)


def test_utf16_csv_is_refused_not_garbled():
    text = "\r\n".join(",".join(r) for r in table("experts", sample("experts", 1)))
    assert "空字符" in rejected(text.encode("utf-16"))


def test_json_that_is_not_a_list_of_objects():
    assert "对象列表" in rejected(json.dumps({"姓名": "张三"}).encode())
    assert "无法读取 JSON" in rejected(b"[{]")


def test_old_xls_file():
    assert ".xls" in rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_unknown_directory():
    assert "没有名为" in rejected(b"x", directory="needs-not-here")


# --- bad input: rows and cells --------------------------------------------------


def test_cell_errors_name_row_and_column_in_chinese():
    rows = sample("experts", 4)
    rows[1]["联系电话"] = "1380000123"
    rows[2]["服务区县"] = "扶沟县、火星县"
    rows[2]["产业类别"] = "挖矿"
    rows[3]["是否公开"] = "也许"
    result = import_rows("experts", rows, dry_run=False)
    lines = result.error_lines()
    assert lines[0].startswith("第 3 行「联系电话」：“1380000123”不是有效的电话号码")
    assert lines[1].startswith("第 4 行「产业类别」：未知的产业类别“挖矿”")
    assert lines[2].startswith("第 4 行「服务区县」：未知的区县“火星县”")
    assert lines[3] == "第 5 行「是否公开」：请填写“是”或“否”，而不是“也许”。"
    assert not result.applied
    assert Expert.objects.count() == 0


def test_missing_required_value():
    rows = sample("experts", 1)
    rows[0]["工作单位"] = ""
    result = import_rows("experts", rows)
    assert result.error_lines() == ["第 2 行「工作单位」：此字段不能为空。"]


def test_rows_with_the_wrong_number_of_columns():
    rows = table("experts", sample("experts", 3))
    rows[2] = rows[2][:5]
    rows[3] = rows[3] + ["多余"]
    result = directory_import(directory="experts", content=csv_bytes(rows))
    assert result.error_lines() == [
        "第 3 行：本行有 5 个单元格，但表头有 11 列。",
        "第 4 行：本行有 12 个单元格，但表头有 11 列。",
    ]


def test_duplicate_key_in_the_file():
    rows = sample("experts", 2)
    rows[1]["姓名"], rows[1]["工作单位"] = rows[0]["姓名"], rows[0]["工作单位"]
    result = import_rows("experts", rows)
    assert "与第 2 行的姓名+工作单位相同" in result.error_lines()[0]


def test_a_200_kb_cell():
    rows = sample("experts", 2)
    rows[1]["个人简介"] = "很长" * 100_000
    result = directory_import(
        directory="experts",
        content=xlsx_bytes(table("experts", rows)),
        filename="a.xlsx",
    )
    # Excel keeps at most 32,767 characters of a cell; either way it is too long.
    [line] = result.error_lines()
    assert line.startswith("第 3 行「个人简介」：单元格有 ")
    assert line.endswith("个字符，最多 5000 个。")
    message = rejected(csv_bytes(table("experts", rows)))
    assert "第 3 行无法读取" in message


def test_error_in_row_4999_of_5000_writes_nothing():
    rows = sample("leaders", 5000, seed=11)
    rows[4998]["所在区县"] = "不存在县"
    result = import_rows("leaders", rows, dry_run=False)
    assert result.error_lines() == [
        "第 5000 行「所在区县」：未知的区县“不存在县”：请填写区县名称或六位行政区划代码。"
    ]
    assert TechLeader.objects.count() == 0


def test_formula_cells_are_inert_on_export_and_restored_on_import():
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


# --- files for staff -------------------------------------------------------------


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


def test_failed_rows_workbook_marks_the_cells():
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


def test_pending_uploads(settings):
    from datetime import timedelta

    pending_uploads_clean(max_age=timedelta(seconds=-1))  # other tests' leftovers
    token = pending_upload_save(content=b"abc")
    assert pending_upload_read(token=token) == b"abc"
    assert pending_uploads_clean() == 0  # young uploads stay
    assert pending_uploads_clean(max_age=timedelta(seconds=-1)) == 1
    with pytest.raises(DirectoryImportError) as caught:
        pending_upload_read(token=token)
    assert caught.value.messages == ["上传的文件已不存在，请重新上传。"]
    with pytest.raises(DirectoryImportError):
        pending_upload_read(token="../../etc/passwd")


def test_pending_uploads_are_kept_where_no_url_reaches_them():
    from django.core.files.storage import default_storage

    from kexie_pages.base.storage import private_storage

    token = pending_upload_save(content=b"\xe5\xa7\x93\xe5\x90\x8d,13812341234\r\n")
    path = f"kexie_imports/{token}"
    assert private_storage().exists(path)
    assert not default_storage.exists(path)  # nothing below MEDIA_URL
    with pytest.raises(ValueError):
        private_storage().url(path)
    pending_upload_delete(token=token)
    assert not private_storage().exists(path)
