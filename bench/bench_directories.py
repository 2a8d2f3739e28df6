"""Think-tank directory import: rows per second against two baselines, and peak memory.

Run: ``python bench/run.py directories`` (a few minutes on 2 cores).

* New rows: 10,000 experts from one XLSX, end to end (parse, check every
  cell, write, index for search), against (a) a raw baseline that reads the
  same file with openpyxl in read-only mode and ``bulk_create``s the rows, and
  (b) django-import-export's ``import_data`` with default settings. The
  defaults are measured on the first 1,000 rows (they take minutes for 10,000);
  rows per second is what is compared.
* Re-import of the same file with 10% of the rows changed, against the same two
  (raw: read, fetch by key, ``bulk_update`` the changed rows).
* Parsing alone: python-calamine against openpyxl read-only.
* Peak memory (peak RSS, VmHWM) importing 100,000 rows, in a child process, against a
  child that only starts Django: directly, and through the admin's path (the
  upload kept in default storage, a ``DirectoryImportJob`` and
  ``directory_import_task``, run by Django's immediate task backend in the
  same process, recording progress every 500 rows).
"""

import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = 10_000
DEFAULTS_ROWS = 500
BIG_ROWS = 100_000
REPEAT = 3


def _rows(count: int, seed: int = 1) -> list[dict[str, str]]:
    from kexie_pages.demo.directories import generate_rows

    return generate_rows("experts", count, seed=seed)


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    from kexie_pages.base.spreadsheets import workbook_bytes

    headers = list(rows[0])
    return workbook_bytes(headers, {"Sheet1": [list(row.values()) for row in rows]})


def _changed(rows: list[dict[str, str]], share: float = 0.1) -> list[dict[str, str]]:
    rng = random.Random(5)
    changed = [dict(row) for row in rows]
    for row in rng.sample(changed, int(len(changed) * share)):
        row["职称"] = row["职称"] + "（二级）"
        row["是否公开"] = "否" if row["是否公开"] == "是" else "是"
    return changed


def _clear() -> None:
    from kexie_pages.models import Expert

    Expert.objects.all().delete()


def ours(content: bytes) -> None:
    from kexie_pages.directories.services import directory_import

    result = directory_import(
        directory="experts", content=content, filename="x.xlsx", dry_run=False
    )
    assert result.applied, result.error_lines()[:3]


def ours_deferred(content: bytes) -> None:
    """The same import with search indexing handed to a django-tasks worker (not run here)."""
    from types import SimpleNamespace

    from kexie_pages.directories import services as directories

    task = directories.directory_index_task
    directories.directory_index_task = SimpleNamespace(enqueue=lambda *args: None)
    try:
        ours(content)
    finally:
        directories.directory_index_task = task


def raw_new(content: bytes) -> None:
    """openpyxl read-only + bulk_create: no checks, no categories, no search index."""
    from openpyxl import load_workbook

    from kexie_pages.models import Expert

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    next(rows)
    Expert.objects.bulk_create(
        [
            Expert(
                name=r[0],
                gender="male" if r[1] == "男" else "female",
                employer=r[2],
                title=r[3],
                speciality=r[4],
                phone=str(r[7]),
                email=r[8] or "",
                bio=r[9] or "",
                is_public=r[10] == "是",
            )
            for r in rows
        ],
        batch_size=500,
    )


def raw_update(content: bytes) -> None:
    """openpyxl read-only, one query for the existing rows, bulk_update the changed."""
    from openpyxl import load_workbook

    from kexie_pages.models import Expert

    existing = {(e.name, e.employer): e for e in Expert.objects.all()}
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    next(rows)
    changed = []
    for r in rows:
        expert = existing[(r[0], r[2])]
        title, public = r[3], r[10] == "是"
        if expert.title != title or expert.is_public != public:
            expert.title, expert.is_public = title, public
            changed.append(expert)
    Expert.objects.bulk_update(changed, ["title", "is_public"], batch_size=500)


def defaults(content: bytes) -> None:
    """django-import-export's import_data, default settings, same resource and file."""
    from import_export.formats.base_formats import XLSX

    from kexie_pages.directories.resources import ExpertResource

    dataset = XLSX().create_dataset(content)
    result = ExpertResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors()


def _timed(func, content: bytes, *, before=None) -> float:
    samples = []
    for _ in range(REPEAT):
        if before:
            before()
        started = time.perf_counter()
        func(content)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def parse_only() -> tuple[float, float]:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    content = _xlsx(_rows(ROWS))

    def calamine():
        sum(
            1
            for _ in CalamineWorkbook.from_filelike(io.BytesIO(content))
            .get_sheet_by_index(0)
            .iter_rows()
        )

    def openpyxl_ro():
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        sum(1 for _ in sheet.iter_rows(values_only=True))

    from timing import interleaved_medians

    times = interleaved_medians(
        {"calamine": calamine, "openpyxl": openpyxl_ro}, repeat=5, warmup=1
    )
    return times["calamine"], times["openpyxl"]


CHILD = """
import os, sys, time
sys.path[:0] = [{site!r}, {repo!r}]
os.environ["DJANGO_SETTINGS_MODULE"] = "kexie_site.settings.dev"
os.environ["KEXIE_VAR_DIR"] = {var!r}
import django
django.setup()
from django.conf import settings
settings.DEBUG = False
from kexie_pages.directories.services import directory_import
started = time.perf_counter()
if {mode!r} == "direct":
    content = open({path!r}, "rb").read()
    result = directory_import(directory="experts", content=content, filename="x.xlsx", dry_run=False)
    assert result.applied
elif {mode!r} == "task":
    from kexie_pages.directories.jobs import import_job_start
    from kexie_pages.directories.uploads import pending_upload_save
    token = pending_upload_save(content=open({path!r}, "rb").read())
    job = import_job_start(directory="experts", token=token, filename="x.xlsx", file_format="", user=None)
    assert job.status == "done", job.message
# VmHWM, not getrusage's ru_maxrss: Linux keeps ru_maxrss across execve, so a
# child would report at least its (big) parent's RSS at the fork.
hwm = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
print(hwm, time.perf_counter() - started)
"""


def peak_memory(modes=("none", "direct", "task")) -> dict[str, tuple[float, float]]:
    """Peak RSS (VmHWM) in MB and seconds of a child per mode: "none" only starts Django,
    "direct" calls ``directory_import``, "task" goes through an import job.
    Each mode gets a fresh database, so every import writes 100k new rows."""
    repo = Path(__file__).resolve().parent.parent
    path = Path(tempfile.mkdtemp(prefix="kexie-bench-mem-")) / "big.xlsx"
    path.write_bytes(_xlsx(_rows(BIG_ROWS, seed=3)))
    results = {}
    for mode in modes:
        var = tempfile.mkdtemp(prefix="kexie-bench-mem-")
        env = {
            **os.environ,
            "KEXIE_VAR_DIR": var,
            "DJANGO_SETTINGS_MODULE": "kexie_site.settings.dev",
        }
        subprocess.run(
            [sys.executable, str(repo / "site" / "manage.py"), "migrate", "-v0"],
            env=env,
            check=True,
        )
        code = CHILD.format(
            site=str(repo / "site"), repo=str(repo), var=var, path=str(path), mode=mode
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        results[mode] = (int(out[0]) / 1024, float(out[1]))
    return results


def main() -> list[str]:
    rows = _rows(ROWS)
    content = _xlsx(rows)
    small = _xlsx(rows[:DEFAULTS_ROWS])
    changed = _xlsx(_changed(rows))
    changed_small = _xlsx(_changed(rows[:DEFAULTS_ROWS]))

    t_ours = _timed(ours, content, before=_clear)
    t_deferred = _timed(ours_deferred, content, before=_clear)
    t_raw = _timed(raw_new, content, before=_clear)
    t_def = _timed(defaults, small, before=_clear)
    r_ours, r_raw, r_def = ROWS / t_ours, ROWS / t_raw, DEFAULTS_ROWS / t_def
    r_deferred = ROWS / t_deferred

    def load_all():
        _clear()
        ours(content)

    def load_small():
        _clear()
        ours(small)

    u_ours = _timed(ours, changed, before=load_all)
    u_deferred = _timed(ours_deferred, changed, before=load_all)
    u_raw = _timed(raw_update, changed, before=load_all)
    u_def = _timed(defaults, changed_small, before=load_small)
    ru_ours, ru_raw, ru_def = ROWS / u_ours, ROWS / u_raw, DEFAULTS_ROWS / u_def
    ru_deferred = ROWS / u_deferred

    t_cal, t_opx = parse_only()
    memory = peak_memory()
    base_mb = memory["none"][0]
    big_mb, big_s = memory["direct"]
    task_mb, task_s = memory["task"]

    return [
        f"Experts, {ROWS:,} rows from one XLSX, SQLite, median of {REPEAT} "
        f"(django-import-export defaults on the first {DEFAULTS_ROWS:,} rows).",
        "",
        "| import | rows/s | ÷ raw openpyxl + bulk_create | ÷ import-export defaults |",
        "| --- | ---: | ---: | ---: |",
        f"| new rows: kexie importer | {r_ours:,.0f} | {r_ours / r_raw:.2f}× | {r_ours / r_def:.1f}× |",
        f"| new rows: kexie importer, indexing left to a task worker | {r_deferred:,.0f} | {r_deferred / r_raw:.2f}× | {r_deferred / r_def:.1f}× |",
        f"| new rows: raw baseline | {r_raw:,.0f} | 1.00× | {r_raw / r_def:.1f}× |",
        f"| new rows: import-export defaults | {r_def:,.0f} | {r_def / r_raw:.3f}× | 1.0× |",
        f"| re-import, 10% changed: kexie importer | {ru_ours:,.0f} | {ru_ours / ru_raw:.2f}× | {ru_ours / ru_def:.1f}× |",
        f"| re-import, 10% changed: kexie importer, indexing left to a task worker | {ru_deferred:,.0f} | {ru_deferred / ru_raw:.2f}× | {ru_deferred / ru_def:.1f}× |",
        f"| re-import, 10% changed: raw read + bulk_update | {ru_raw:,.0f} | 1.00× | {ru_raw / ru_def:.1f}× |",
        f"| re-import, 10% changed: import-export defaults | {ru_def:,.0f} | {ru_def / ru_raw:.3f}× | 1.0× |",
        "",
        f"Parsing the {ROWS:,}-row XLSX alone: python-calamine {ROWS / t_cal:,.0f} rows/s, "
        f"{t_opx / t_cal:.1f}× openpyxl read-only ({ROWS / t_opx:,.0f} rows/s).",
        "",
        f"Peak memory importing {BIG_ROWS:,} rows (peak RSS (VmHWM) of a child process): "
        f"{big_mb:,.0f} MB, {big_mb / base_mb:.1f}× a child that only starts Django "
        f"({base_mb:,.0f} MB); the import took {big_s:,.0f} s ({BIG_ROWS / big_s:,.0f} rows/s).",
        f"Through the admin's task path (pending upload, import job, "
        f"directory_import_task on the immediate backend): {task_mb:,.0f} MB, "
        f"{task_mb / base_mb:.1f}× the bare child and {task_mb / big_mb:.2f}× the "
        f"direct import; {task_s:,.0f} s ({BIG_ROWS / task_s:,.0f} rows/s).",
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import main as run_main

    run_main(["directories"])
