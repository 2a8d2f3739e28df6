# ruff: noqa: S603 - runs manage.py with fixed arguments
"""``kexie_import`` and ``kexie_export``: exit codes, reports, nothing written on error."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kexie_pages.models import Expert

from .helpers import csv_bytes, sample, sheet_xml, table, workbook_zip

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_then_export_round_trip(tmp_path):
    source = tmp_path / "experts.csv"
    source.write_bytes(
        csv_bytes(table("experts", sample("experts", 4)), encoding="gb18030")
    )
    out, _err = run("kexie_import", "experts", str(source))
    assert "新增 4 条" in out
    exported = tmp_path / "out.xlsx"
    out, _err = run("kexie_export", "experts", str(exported))
    assert "已导出 4 条" in out
    out, _err = run("kexie_import", "experts", str(exported))
    assert "未变 4 条" in out


def test_dry_run_writes_nothing(tmp_path):
    source = tmp_path / "experts.json"
    source.write_text(json.dumps(sample("experts", 2), ensure_ascii=False))
    out, _err = run("kexie_import", "experts", str(source), "--dry-run")
    assert "试运行" in out
    assert Expert.objects.count() == 0


def test_row_errors_fail_and_write_nothing(tmp_path):
    rows = sample("experts", 3)
    rows[2]["联系电话"] = "110"
    source = tmp_path / "bad.csv"
    source.write_bytes(csv_bytes(table("experts", rows)))
    err = StringIO()
    with pytest.raises(CommandError, match="有错误 1 条。未导入任何数据。"):
        call_command(
            "kexie_import", "experts", str(source), stdout=StringIO(), stderr=err
        )
    assert "第 4 行「联系电话」" in err.getvalue()
    assert Expert.objects.count() == 0


def test_file_errors_fail(tmp_path):
    source = tmp_path / "empty.csv"
    source.write_bytes(b"")
    with pytest.raises(CommandError, match="文件是空的"):
        run("kexie_import", "experts", str(source))
    with pytest.raises(CommandError):
        run("kexie_import", "experts", str(tmp_path / "missing.csv"))


def test_format_option_overrides_detection(tmp_path):
    source = tmp_path / "experts.txt"
    source.write_bytes(csv_bytes(table("experts", sample("experts", 1))))
    out, _err = run(
        "kexie_import", "experts", str(source), "--format", "csv", "--dry-run"
    )
    assert "新增 1 条" in out


def test_exit_codes_from_the_shell(tmp_path, site_process_env):
    """The real process: 0 on success, non-zero on error (what scripts rely on)."""
    good = REPO / "fixtures" / "imports" / "experts-gb18030.csv"
    bad = REPO / "fixtures" / "imports" / "experts-one-error-gb18030.csv"
    command = [
        sys.executable,
        str(REPO / "site" / "manage.py"),
        "kexie_import",
        "experts",
    ]
    env = site_process_env
    ok = subprocess.run(
        [*command, str(good), "--dry-run"], env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    failed = subprocess.run(
        [*command, str(bad)], env=env, capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert "第 4 行「联系电话」" in failed.stderr
    # The 1.7 KB workbook made the command abort with 134.
    hostile = tmp_path / "hostile.xlsx"
    hostile.write_bytes(
        workbook_zip(
            [sheet_xml(b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>")]
        )
    )
    refused = subprocess.run(
        [*command, str(hostile)], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert "工作表占用了 1048576 行、16384 列" in refused.stderr
