"""Small builders the think-tank directory tests share (not a test module).

Plain functions of plain values rather than fixtures: besides the tests and
conftest.py's fixtures, module-level helpers call them (``confirm`` in
test_jobs.py, ``load`` in test_admin.py).
"""

import csv
import io

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
