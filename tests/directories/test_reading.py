"""Reading and checking an import file: encodings, sorting rows into new /
update / unchanged, and every bad input, of the file as a whole and of its
rows and cells, refused with a message in Chinese."""

import io
import json
import zipfile

import pytest

from kexie_pages.directories import reading
from kexie_pages.directories.reading import DirectoryImportError
from kexie_pages.directories.services import directory_import
from kexie_pages.models import DIRECTORIES, Expert

from .helpers import csv_bytes, sample, table, xlsx_bytes

pytestmark = pytest.mark.django_db


def rejected(content: bytes, *, directory="experts", filename="") -> str:
    with pytest.raises(DirectoryImportError) as caught:
        directory_import(directory=directory, content=content, filename=filename)
    return "\n".join(caught.value.messages)


def test_dry_run_writes_nothing_and_classifies_rows(import_rows):
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


def test_cell_errors_name_row_and_column_in_chinese(import_rows):
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


def test_missing_required_value(import_rows):
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


def test_duplicate_key_in_the_file(import_rows):
    rows = sample("experts", 2)
    rows[1]["姓名"], rows[1]["工作单位"] = rows[0]["姓名"], rows[0]["工作单位"]
    result = import_rows("experts", rows)
    assert "与第 2 行的姓名+工作单位相同" in result.error_lines()[0]


def test_a_large_file_keeps_only_the_rows_the_preview_shows(import_rows):
    rows = sample("experts", 1200, seed=3)
    rows[1150]["姓名"], rows[1150]["工作单位"] = rows[2]["姓名"], rows[2]["工作单位"]
    rows[700]["联系电话"] = "12345"
    result = import_rows("experts", rows, dry_run=False)
    assert result.total == 1200
    assert result.counts == {"new": 1198, "error": 2}
    # The first 200 rows and the two with errors; not 1,200 rows in memory.
    assert [r.number for r in result.rows[198:]] == [200, 201, 702, 1152]
    lines = result.error_lines()
    assert lines[0].startswith("第 702 行「联系电话」")
    assert lines[1].startswith("第 1152 行「姓名」：与第 4 行的姓名+工作单位相同")
    assert Expert.objects.count() == 0 and not result.applied


def test_a_large_file_is_written_in_batches(import_rows):
    rows = sample("experts", 1200, seed=4)
    result = import_rows("experts", rows, dry_run=False)
    assert result.applied and result.counts == {"new": 1200}
    rows[5]["职称"] = rows[1100]["职称"] = "研究员（二级）"
    again = import_rows("experts", rows, dry_run=False)
    assert again.counts == {"unchanged": 1198, "update": 2}
    assert Expert.objects.filter(title="研究员（二级）").count() == 2
    assert Expert.objects.count() == 1200


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
