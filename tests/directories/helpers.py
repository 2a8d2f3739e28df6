"""Small builders the think-tank directory tests share (not a test module).

Plain functions of plain values rather than fixtures: besides the tests and
conftest.py's fixtures, module-level helpers call them (``confirm`` in
test_jobs.py, ``load`` in test_admin.py).
"""

import csv
import io
import zipfile

from kexie_pages.base.spreadsheets import workbook_bytes
from kexie_pages.demo.directories import generate_rows
from kexie_pages.directories.resources import RESOURCES


def csv_bytes(rows: list[list], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def sample(directory: str, count: int = 5, *, seed: int = 7) -> list[dict[str, str]]:
    """``count`` valid rows of ``directory`` (the demo generator's), keyed by header."""
    rows = generate_rows(directory, count, seed=seed)
    if directory == "achievements":
        for row in rows:
            row["联系专家"] = ""
    return rows


def table(directory: str, rows: list[dict[str, str]]) -> list[list[str]]:
    headers = RESOURCES[directory].headers()
    return [headers] + [[row[h] for h in headers] for row in rows]


def xlsx_bytes(rows: list[list]) -> bytes:
    return workbook_bytes(rows[0], {"Sheet1": rows[1:]})


MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = b"http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_xml(rows: bytes, *, before: bytes = b"") -> bytes:
    """A worksheet part: ``before`` (e.g. a ``<dimension>``), then ``rows`` in sheetData."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s">%s<sheetData>'
        b"%s</sheetData></worksheet>" % (MAIN_NS, before, rows)
    )


def workbook_zip(
    sheets: list, *, order: list[int] | None = None, parts: dict | None = None
) -> bytes:
    """A minimal XLSX written with zipfile, for workbooks no spreadsheet program
    would write. Each sheet is bytes or an iterable of byte chunks (streamed, so
    that a sheet inflating to 100 MB never sits in memory); ``order`` lists the
    sheets as ``xl/workbook.xml`` names them; ``parts`` adds or replaces parts."""
    order = list(range(len(sheets))) if order is None else order
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
        b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/></Types>'
    )
    root_rels = (
        b'<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" '
        b'Target="xl/workbook.xml"/></Relationships>' % (RELS_NS, DOC_RELS_NS)
    )
    workbook = b'<workbook xmlns="%s" xmlns:r="%s"><sheets>%s</sheets></workbook>' % (
        MAIN_NS,
        DOC_RELS_NS,
        b"".join(
            b'<sheet name="Sheet%d" sheetId="%d" r:id="rId%d"/>' % (i + 1, i + 1, i + 1)
            for i in order
        ),
    )
    workbook_rels = b'<Relationships xmlns="%s">%s</Relationships>' % (
        RELS_NS,
        b"".join(
            b'<Relationship Id="rId%d" Type="%s/worksheet" '
            b'Target="worksheets/sheet%d.xml"/>' % (i + 1, DOC_RELS_NS, i + 1)
            for i in range(len(sheets))
        ),
    )
    files = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": root_rels,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_rels,
        **{f"xl/worksheets/sheet{i + 1}.xml": body for i, body in enumerate(sheets)},
        **(parts or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, body in files.items():
            with archive.open(name, "w", force_zip64=True) as stream:
                for chunk in [body] if isinstance(body, bytes) else body:
                    stream.write(chunk)
    return buffer.getvalue()
