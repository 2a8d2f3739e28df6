"""Write the hostile corpus: import files a hostile (or careless) user uploads.

Nothing here is committed as a binary: ``make_corpus(folder)`` writes every
file from code (the ``corpus_dir`` fixture runs it once per test session),
and each is small (the bombs are a few kilobytes that claim gigabytes).
Run it by hand to look at the files::

    python tests/hostile/make_corpus.py /tmp/corpus

Each entry of :data:`IMPORT_FILES` names the file and says what it is; the
tests in ``test_imports.py`` assert what importing it must do.
"""

import csv
import io
import json
import random
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

#: The experts directory's columns, in contract order (resources.py).
HEADERS = [
    "姓名",
    "性别",
    "工作单位",
    "职称",
    "专业领域",
    "产业类别",
    "服务区县",
    "联系电话",
    "电子邮箱",
    "个人简介",
    "是否公开",
]
GOOD_ROW = [
    "张伟",
    "男",
    "周口市农业科学院",
    "研究员",
    "小麦赤霉病防治",
    "种植",
    "扶沟县",
    "13812345678",
    "zhang@example.cn",
    "长期在扶沟县指导小麦生产。",
    "是",
]


def row(**cells: str) -> list[str]:
    """The good row with some cells replaced, by header."""
    values = dict(zip(HEADERS, GOOD_ROW, strict=True))
    values.update(cells)
    return [values[h] for h in HEADERS]


def csv_text(rows: list[list[str]], headers: list[str] = HEADERS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def utf8(text: str) -> bytes:
    return ("\ufeff" + text).encode("utf-8")


# --- workbooks, written by hand so that each part is exactly as hostile as meant


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell(reference: str, value: str) -> str:
    if value.startswith("="):
        return f'<c r="{reference}"><f>{_xml(value[1:])}</f></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{_xml(value)}</t></is></c>'


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sheet_rows(rows: list[list[str]]) -> str:
    out = []
    for r, cells in enumerate(rows, start=1):
        body = "".join(
            _cell(f"{_column_letters(c)}{r}", v) for c, v in enumerate(cells, 1)
        )
        out.append(f'<row r="{r}">{body}</row>')
    return "".join(out)


def workbook(
    sheets: dict[str, bytes | Callable[[], Iterator[bytes]]],
    *,
    order: list[str] | None = None,
) -> bytes:
    """An .xlsx of ``{sheet file name: sheet XML}``, listed in ``order``; a sheet
    given as a function yields its XML in chunks (streamed into the zip)."""
    order = order or list(sheets)
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships/worksheet" Target="worksheets/{name}"/>'
        for i, name in enumerate(order, 1)
    )
    sheet_list = "".join(
        f'<sheet name="Sheet{i}" sheetId="{i}" r:id="rId{i}"/>'
        for i in range(1, len(order) + 1)
    )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = (
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/{name}" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for name in sheets
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>'
        ).encode(),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
            b'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rns}><sheets>'
            f"{sheet_list}</sheets></workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
            f'schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>"
        ).encode(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        for name, data in sheets.items():
            if isinstance(data, bytes):
                archive.writestr(f"xl/worksheets/{name}", data)
                continue
            with archive.open(f"xl/worksheets/{name}", "w", force_zip64=True) as out:
                for chunk in data():
                    out.write(chunk)
    return buffer.getvalue()


def sheet(body: str, *, dimension: str = "") -> bytes:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}>{dimension}'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def good_workbook(rows: list[list[str]]) -> bytes:
    return workbook({"sheet1.xml": sheet(_sheet_rows([HEADERS, *rows]))})


def bomb_rows(count: int, *, with_r: bool) -> Callable[[], Iterator[bytes]]:
    """A worksheet of ``count`` copies of the good row, streamed: its cells
    carry no ``r=`` (positional, as OOXML allows), so 150,000 rows are a few
    hundred kilobytes zipped and 100 MB inflated, past the 100,000-row cap."""
    cells = "".join(f'<c t="inlineStr"><is><t>{_xml(v)}</t></is></c>' for v in GOOD_ROW)

    def chunks() -> Iterator[bytes]:
        ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'.encode()
        header = "".join(
            f'<c t="inlineStr"><is><t>{_xml(v)}</t></is></c>' for v in HEADERS
        )
        yield (
            f'<row r="1">{header}</row>' if with_r else f"<row>{header}</row>"
        ).encode()
        for start in range(2, count + 2, 1000):
            stop = min(start + 1000, count + 2)
            if with_r:
                rows = (f'<row r="{r}">{cells}</row>' for r in range(start, stop))
            else:
                rows = (f"<row>{cells}</row>" for _ in range(start, stop))
            yield "".join(rows).encode()
        yield b"</sheetData></worksheet>"

    return chunks


# --- the corpus


def _binary_garbage() -> bytes:
    return random.Random(11).randbytes(4096)


def _gbk_broken() -> bytes:
    return csv_text([GOOD_ROW]).encode("gbk")[:-3] + b"\x81\x20\xff\xfe\x80"


IMPORT_FILES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    # name: (file name, maker, what it is)
    "csv-binary-garbage": (
        "专家.csv",
        _binary_garbage,
        "4 KB of random bytes named .csv",
    ),
    "csv-utf16": (
        "专家.csv",
        lambda: csv_text([GOOD_ROW]).encode("utf-16"),
        "a good file saved as UTF-16 (Excel's 'Unicode text')",
    ),
    "csv-gbk-broken": ("专家.csv", _gbk_broken, "GBK with invalid byte sequences"),
    "csv-empty": ("专家.csv", lambda: b"", "an empty file"),
    "csv-bom-only": ("专家.csv", lambda: b"\xef\xbb\xbf", "only a UTF-8 BOM"),
    "csv-wrong-headers": (
        "专家.csv",
        lambda: utf8(csv_text([GOOD_ROW], ["name", "unit", "phone"] + HEADERS[3:])),
        "English headers where the Chinese ones belong",
    ),
    "csv-duplicate-headers": (
        "专家.csv",
        lambda: utf8(csv_text([GOOD_ROW + ["李四"]], HEADERS + ["姓名"])),
        "the 姓名 column twice",
    ),
    "csv-no-rows": ("专家.csv", lambda: utf8(csv_text([])), "headers and nothing else"),
    "csv-nul-bytes": (
        "专家.csv",
        lambda: utf8(csv_text([row(姓名="张\x00伟", 工作单位="\x00\x00")])),
        "NUL characters inside cells",
    ),
    "csv-giant-cell": (
        "专家.csv",
        lambda: utf8(csv_text([row(专业领域="小麦" * 60_000)])),
        "one cell of 120,000 characters",
    ),
    "csv-one-long-line": (
        "专家.csv",
        lambda: utf8(csv_text([]) + "张" * 400_000),
        "400,000 characters without a line break",
    ),
    "csv-unbalanced-quotes": (
        "专家.csv",
        lambda: utf8(csv_text([]) + '"张伟,男,"周口市农业科学院\r\n' * 3),
        "a quote that is never closed",
    ),
    "csv-10000-columns": (
        "专家.csv",
        lambda: utf8(
            csv_text([GOOD_ROW + ["x"] * 10_000], HEADERS + ["多余"] * 10_000)
        ),
        "ten thousand extra columns",
    ),
    "csv-cr-line-ends": (
        "专家.csv",
        lambda: utf8(
            csv_text([row(姓名="王芳"), row(姓名="李娜")]).replace("\r\n", "\r")
        ),
        "old Mac line ends (CR only)",
    ),
    "csv-wrong-types": (
        "专家.csv",
        lambda: utf8(
            csv_text(
                [
                    row(联系电话="一三八", 是否公开="也许", 服务区县="火星县"),
                    row(姓名="", 产业类别="不存在的类别", 电子邮箱="not-an-email"),
                ]
            )
        ),
        "a phone in words, yes/no as 'maybe', an unknown county and category",
    ),
    "csv-too-many-rows": (
        "专家.csv",
        lambda: utf8(csv_text([row(姓名=f"专家{i}") for i in range(60)])),
        "60 rows where the cap is set to 50",
    ),
    "csv-formula-cells": (
        "专家.csv",
        lambda: utf8(
            csv_text(
                [
                    row(
                        姓名='=HYPERLINK("http://evil.example","点我")',
                        工作单位="+cmd|' /C calc'!A0",
                        职称="-2+3",
                        个人简介="@SUM(1,2)",
                    )
                ]
            )
        ),
        "formulas (=HYPERLINK, DDE +cmd, -2+3, @SUM) in cells",
    ),
    "csv-script-in-fields": (
        "专家.csv",
        lambda: utf8(
            csv_text(
                [
                    row(
                        姓名="<script>alert(1)</script>",
                        专业领域='<img src=x onerror="alert(2)">',
                        个人简介="</textarea><svg onload=alert(3)>",
                    )
                ]
            )
        ),
        "HTML and script in cells shown on public pages",
    ),
    "csv-rtl-override": (
        "专家.csv",
        lambda: utf8(
            csv_text([row(姓名="张伟\u202egnp.exe", 个人简介="\u202e反向文字")])
        ),
        "a right-to-left override that reverses what follows",
    ),
    "csv-emoji": (
        "专家.csv",
        lambda: utf8(csv_text([row(姓名="张伟😀", 个人简介="🌾🐄" * 50)])),
        "emoji (4-byte UTF-8) in cells",
    ),
    "xlsx-not-a-zip": (
        "专家.xlsx",
        lambda: utf8(csv_text([GOOD_ROW])),
        "a CSV file renamed .xlsx",
    ),
    "xlsx-pdf-renamed": (
        "专家.xlsx",
        lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "a PDF renamed .xlsx",
    ),
    "xlsx-truncated": (
        "专家.xlsx",
        lambda: good_workbook([GOOD_ROW])[:600],
        "a good workbook cut off after 600 bytes",
    ),
    "xlsx-zip-not-workbook": (
        "专家.xlsx",
        lambda: _zip({"readme.txt": b"hello"}),
        "a zip archive with no workbook inside",
    ),
    "xlsx-formula-cells": (
        "专家.xlsx",
        lambda: good_workbook(
            [row(个人简介='=HYPERLINK("http://evil.example","点我")', 职称="=1+1")]
        ),
        "live formulas (no cached value) in two cells",
    ),
    "xlsx-reordered-sheets": (
        "专家.xlsx",
        lambda: workbook(
            {
                "sheet1.xml": sheet(_sheet_rows([HEADERS, GOOD_ROW])),
                "sheet2.xml": bomb_rows(150_000, with_r=True),
            },
            order=["sheet2.xml", "sheet1.xml"],
        ),
        "150,000 rows in the sheet read first, stored second in the zip",
    ),
    "xlsx-single-quoted-dimension": (
        "专家.xlsx",
        lambda: workbook(
            {
                "sheet1.xml": sheet(
                    _sheet_rows([HEADERS, GOOD_ROW]).replace('"', "'")
                    + "<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t>"
                    "</is></c></row>",
                    dimension="<dimension ref='A1:XFD1048576'/>",
                )
            }
        ),
        "single-quoted attributes addressing cell XFD1048576 (a 1.7 KB process killer)",
    ),
    "xlsx-bomb-rows-with-r": (
        "专家.xlsx",
        lambda: workbook({"sheet1.xml": bomb_rows(150_000, with_r=True)}),
        "150,000 rows (cap 100,000): kilobytes zipped, 100 MB inflated",
    ),
    "xlsx-bomb-rows-without-r": (
        "专家.xlsx",
        lambda: workbook({"sheet1.xml": bomb_rows(150_000, with_r=False)}),
        "the same rows with no r= attributes for a pre-check to count",
    ),
    "json-deep-nesting": (
        "专家.json",
        lambda: b"[" * 100_000 + b"]" * 100_000,
        "100,000 nested brackets",
    ),
    "json-object-not-list": (
        "专家.json",
        lambda: json.dumps(dict(zip(HEADERS, GOOD_ROW, strict=True))).encode(),
        "one object where a list of rows belongs",
    ),
    "json-wrong-keys": (
        "专家.json",
        lambda: json.dumps([{"name": "张伟", "phone": "13812345678"}]).encode(),
        "rows keyed in English",
    ),
    "json-nested-values": (
        "专家.json",
        lambda: json.dumps(
            [
                {
                    **dict(zip(HEADERS, GOOD_ROW, strict=True)),
                    "姓名": {"first": "伟", "last": "张"},
                    "服务区县": [["扶沟县"], {"x": 1}],
                }
            ],
            ensure_ascii=False,
        ).encode(),
        "objects and nested lists as cell values",
    ),
    "json-huge-numbers": (
        "专家.json",
        lambda: (
            '[{"姓名": 1e400, "联系电话": 99999999999999999999999999999999, '
            '"是否公开": NaN, "工作单位": -Infinity}]'
        ).encode(),
        "1e400, NaN, -Infinity and a 32-digit integer as cells",
    ),
    "json-nul-strings": (
        "专家.json",
        lambda: json.dumps(
            [{**dict(zip(HEADERS, GOOD_ROW, strict=True)), "姓名": "张\u0000伟"}]
        ).encode(),
        "an escaped NUL (\\u0000) inside a name",
    ),
    "json-invalid-utf8": (
        "专家.json",
        lambda: b'[{"\xe5\xa7": "\xff\xfe"}]',
        "bytes that are not UTF-8 inside the JSON",
    ),
}


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_corpus(folder: Path) -> dict[str, Path]:
    """Write every file of :data:`IMPORT_FILES` into ``folder``; name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (filename, maker, _what) in IMPORT_FILES.items():
        suffix = filename.rsplit(".", 1)[-1]
        path = folder / f"{name}.{suffix}"
        path.write_bytes(maker())
        written[name] = path
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for case, path in make_corpus(target).items():
        sys.stdout.write(f"{path.stat().st_size:>10}  {case}\n")
