"""Hostile workbooks: each is refused with a message in Chinese within five
seconds, writes nothing, and leaves this process alive and no larger. Every
workbook is built here with zipfile; none is committed."""

import json
import time
from collections.abc import Callable, Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kexie_pages.base.storage import private_storage
from kexie_pages.directories.reading import DirectoryImportError, read_rows
from kexie_pages.directories.services import directory_import
from kexie_pages.models import DirectoryImportJob, Expert

from .helpers import csv_bytes, sample, sheet_xml, table, workbook_zip, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = b"<row r='1'><c r='A1' t='inlineStr'><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c></row>"
FAR_CELL = b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"


def repeated(piece: bytes, times: int, *, batch: int = 100_000) -> Iterator[bytes]:
    """``piece`` ``times`` times, in chunks (never all in memory)."""
    for start in range(0, times, batch):
        yield piece * min(batch, times - start)


def streamed_sheet(rows: Iterator[bytes]) -> Iterator[bytes]:
    head, tail = sheet_xml(b"\x00").split(b"\x00")
    yield head
    yield from rows
    yield tail


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    # The 1.7 KB workbook: attributes in single quotes.
    "single-quoted dimension": (
        lambda: workbook_zip(
            [sheet_xml(HEADER, before=b"<dimension ref='A1:XFD1048576'/>")]
        ),
        "工作表占用了 1048576 行、16384 列",
    ),
    "single-quoted far cell": (
        lambda: workbook_zip([sheet_xml(HEADER + FAR_CELL)]),
        "工作表占用了 1048576 行、16384 列",
    ),
    "far cell in double quotes after many rows": (
        lambda: workbook_zip([sheet_xml(HEADER + FAR_CELL.replace(b"'", b'"'))]),
        "工作表占用了 1048576 行、16384 列",
    ),
    # Five million rows, no r= anywhere: ~130 MB of XML in a ~0.4 MB file.
    "rows without r=": (
        lambda: workbook_zip(
            [streamed_sheet(repeated(b"<row><c><v>1</v></c></row>", 5_000_000))]
        ),
        "工作表占用了 100002 行、1 列",
    ),
    "cells without r= across 20,000 columns": (
        lambda: workbook_zip(
            [sheet_xml(b"<row>" + b"<c><v>1</v></c>" * 20_000 + b"</row>")]
        ),
        "工作表占用了 1 行、201 列",
    ),
    # The hostile sheet is the second part, but workbook.xml lists it first:
    # that is the one calamine reads.
    "reordered sheets": (
        lambda: workbook_zip(
            [sheet_xml(HEADER), sheet_xml(HEADER + FAR_CELL)], order=[1, 0]
        ),
        "工作表占用了 1048576 行、16384 列",
    ),
    "prefixed element names": (
        lambda: workbook_zip(
            [
                b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
                b"2006/main\"><x:sheetData><x:row r='1048576'><x:c r='XFD1048576'>"
                b"<x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"
            ]
        ),
        "工作表占用了 1048576 行、16384 列",
    ),
    "rows and columns within the caps, cells past them": (
        lambda: workbook_zip(
            [
                sheet_xml(
                    b"<row r='100001'><c r='GR100001'><v>1</v></c></row>"  # 200 columns
                )
            ]
        ),
        "工作表占用了 100001 行、200 列，超过 1500000 个单元格",
    ),
    "one cell written three million times": (
        lambda: workbook_zip(
            [streamed_sheet(repeated(b"<c r='A2'><v>1</v></c>", 3_000_000))]
        ),
        "文件已损坏",
    ),
    "a flood of elements that are not cells": (
        lambda: workbook_zip([streamed_sheet(repeated(b"<x/>", 20_000_000))]),
        "单元格或 XML 元素远远超过",
    ),
    # The worst case for the parser's time: each cell in its own row, with
    # ten elements of rich text, until the cap on elements.
    "a flood of elements between cells": (
        lambda: workbook_zip(
            [
                streamed_sheet(
                    repeated(
                        b"<row><c t='inlineStr'><is><r><rPr><b/><i/><u/><sz/>"
                        b"</rPr><t>x</t></r></is></c></row>",
                        1_000_000,
                    )
                )
            ]
        ),
        "工作表占用了 100002 行",
    ),
    # expat rescans an unfinished tag at every feed: 250 MB took 30 s.
    "one tag of 8 MB": (
        lambda: workbook_zip(
            [sheet_xml(b"<row><c r='A1' x='" + b"a" * (8 << 20) + b"'/></row>")]
        ),
        "文件已损坏",
    ),
    "entity expansion (billion laughs)": (
        lambda: workbook_zip(
            [
                b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
                + b"".join(
                    b'<!ENTITY %s "%s">' % (bytes([98 + i]), bytes([97 + i]) * 10)
                    for i in range(8)
                )
                + b"]>"
                + sheet_xml(b"<row><c t='inlineStr'><is><t>&i;</t></is></c></row>")
            ]
        ),
        "文件已损坏",
    ),
    # 400 MB of spaces in a ~1.8 MB file.
    "compression bomb": (
        lambda: workbook_zip(
            [streamed_sheet(repeated(b" " * 1024 * 1024, 400, batch=1))]
        ),
        "工作簿解压后达 400 MB，超过 300 MB",
    ),
    "shared strings bomb": (
        lambda: workbook_zip(
            [sheet_xml(HEADER)],
            parts={"xl/sharedStrings.xml": repeated(b"<si><t>x</t></si>", 18_600_000)},
        ),
        "工作簿解压后达 301 MB，超过 300 MB",
    ),
    "an ODS file inside the zip": (
        lambda: workbook_zip([sheet_xml(HEADER)], parts={"content.xml": b"<x/>"}),
        "不是 Excel 工作簿",
    ),
    "a sheet the relationships do not name": (
        lambda: workbook_zip(
            [sheet_xml(HEADER)],
            parts={"xl/_rels/workbook.xml.rels": b"<Relationships/>"},
        ),
        "文件已损坏",
    ),
}


def rss() -> int:
    """This process's resident memory, in bytes."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def rejected(content: bytes, *, filename: str = "a.xlsx") -> str:
    with pytest.raises(DirectoryImportError) as caught:
        directory_import(
            directory="experts", content=content, filename=filename, dry_run=False
        )
    return "\n".join(caught.value.messages)


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_workbook_is_refused_quickly_and_the_process_survives(case):
    build, expected = HOSTILE[case]
    content = build()
    assert len(content) < 2_000_000
    before = rss()
    started = time.perf_counter()
    message = rejected(content)
    elapsed = time.perf_counter() - started
    assert expected in message
    assert elapsed < 5, f"{case}: refused after {elapsed:.1f} s"
    assert rss() - before < 100 * 1024 * 1024
    assert Expert.objects.count() == 0


def test_a_workbook_past_the_checks_still_cannot_take_the_process(settings):
    """What the checks miss meets the child's hard limits: here 64 MB of
    shared strings in a child allowed 48 MB of address space."""
    settings.KEXIE_IMPORT_READER_MEMORY = 48 * 1024 * 1024
    strings = b"<sst>" + b"<si><t>" + b"x" * (64 * 1024 * 1024) + b"</t></si></sst>"
    content = workbook_zip(
        [sheet_xml(b"<row><c t='s'><v>0</v></c></row>")],
        parts={"xl/sharedStrings.xml": strings},
    )
    message = rejected(content)
    assert "无法在导入的限制（48 MB 内存、30 秒）内读取" in message


def test_the_reader_child_has_a_wall_clock(settings, tmp_path):
    # An "interpreter" that never answers stands in for a child stuck in a parse.
    stuck = tmp_path / "stuck-python"
    stuck.write_text("#!/bin/sh\nexec sleep 30\n")
    stuck.chmod(0o755)
    settings.KEXIE_IMPORT_PYTHON = str(stuck)
    settings.KEXIE_IMPORT_READER_SECONDS = 1
    started = time.perf_counter()
    message = rejected(xlsx_bytes(table("experts", sample("experts", 1))))
    assert time.perf_counter() - started < 5
    assert "无法在导入的限制（1024 MB 内存、1 秒）内读取" in message


def test_a_good_workbook_reads_the_same_through_the_child():
    rows = sample("experts", 3)
    result = directory_import(
        directory="experts",
        content=xlsx_bytes(table("experts", rows)),
        filename="a.xlsx",
    )
    assert result.counts == {"new": 3}
    assert [r.cells[0] for r in result.rows] == [row["姓名"] for row in rows]


def pending_uploads() -> set[str]:
    storage = private_storage()
    return (
        set(storage.listdir("kexie_imports")[1])
        if storage.exists("kexie_imports")
        else set()
    )


def test_a_workbook_of_many_frames_reads_whole():
    """Rows come back from the child 1,000 at a time; repeated values too."""
    row = b"<row>" + b"<c t='inlineStr'><is><t>x</t></is></c>" * 3 + b"</row>"
    content = workbook_zip([sheet_xml(row * 2_500)])
    rows = list(read_rows(content, "xlsx"))
    assert len(rows) == 2_500 and rows[-1] == ["x", "x", "x"]


def test_an_upload_of_a_hostile_workbook_gets_a_message_and_keeps_nothing(
    admin_client,
):
    content = HOSTILE["single-quoted far cell"][0]()
    kept = pending_uploads()
    response = admin_client.post(
        "/admin/kexie_pages/expert/import/",
        {"file": SimpleUploadedFile("专家.xlsx", content)},
        follow=True,  # to the check job's page
    )
    assert response.status_code == 200
    assert "工作表占用了 1048576 行、16384 列" in response.content.decode()
    assert DirectoryImportJob.objects.get().status == "failed"  # the check
    assert pending_uploads() == kept


@pytest.mark.parametrize("depth", [100_000, 1_000_000])
def test_deeply_nested_json_is_refused(depth):
    content = b"[" * depth + b"]" * depth
    message = rejected(content, filename="专家.json")
    assert "JSON 文件嵌套过深" in message


def test_csv_and_json_still_import():
    rows = sample("experts", 2)
    from_csv = directory_import(
        directory="experts", content=csv_bytes(table("experts", rows))
    )
    from_json = directory_import(
        directory="experts", content=json.dumps(rows, ensure_ascii=False).encode()
    )
    assert from_csv.counts == from_json.counts == {"new": 2}
