"""Think-tank directory import: rows per second against like-for-like baselines,
and a 100,000-row import through the admin with the production settings.

Run: ``python bench/run.py directories`` (15–25 minutes on 2 shared cores).

Rows: experts from the demo generator with a **unique** biography each (80–150
characters drawn from 40 sentences, with the expert's name, county and a
number), so the segmentation cache cannot serve them as it serves repeated text.

* New rows: 10,000 experts from one XLSX, end to end (read by python-calamine in
  the sandboxed child, check every cell with the resource's widgets, match
  natural keys, write in 500-row batches with categories and counties, index for
  Chinese search on Django's immediate task backend, so indexing is included).
  Baselines, in the same run, alternating: (a) the same file read in-process by
  python-calamine and ``bulk_create``d in 500-row batches, indexed for search with
  the same backend's ``add_bulk`` (the same parser, the same rows, the same index
  work; it checks nothing and writes no categories or counties); (b) that raw
  path without indexing; (c) django-import-export's ``import_data`` with default
  settings, same resource and file, on the first 1,000 rows (one save, so one
  index update, per row; it takes minutes for 10,000): rows/s is compared.
* Re-import of the same file with 10% of the rows changed, against the same
  kinds of baseline (raw: calamine, one query for the saved rows, ``bulk_update``
  the changed rows, ``add_bulk`` them for the indexed variant).
* 100,000 new rows through the admin, ``kexie_site.settings.production`` on
  SQLite with django-tasks' database backend and a worker: one child process is
  the web process (Django's test client posts the upload for the preview, then
  the confirmation), another runs ``db_worker --batch`` until the import job and
  its indexing tasks are done. Peak RSS (VmHWM) of each, and their times.
"""

import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

#: Rows of the rows/s comparisons (``KEXIE_BENCH_IMPORT_ROWS`` to change it).
ROWS = int(os.environ.get("KEXIE_BENCH_IMPORT_ROWS", 10_000))
DEFAULTS_ROWS = min(1_000, ROWS)
BIG_ROWS = int(os.environ.get("KEXIE_BENCH_IMPORT_BIG_ROWS", 100_000))
REPEAT = 3
REPO = Path(__file__).resolve().parent.parent

_SENTENCES = [
    "长期从事小麦赤霉病和条锈病的综合防治研究",
    "主持完成省级科技攻关项目三项",
    "在玉米密植高产栽培方面积累了丰富经验",
    "多次深入贫困村开展技术培训和现场指导",
    "推广设施蔬菜水肥一体化技术",
    "带领团队选育抗病高产花生新品种",
    "研究肉牛规模养殖的疫病防控和饲料配方",
    "指导农民专业合作社建立标准化生产基地",
    "编写科普读物十余种，发放到乡镇农技站",
    "帮助贫困户发展林下养鸡和中药材种植",
    "开展果树修剪、疏花疏果和病虫害绿色防控示范",
    "擅长食用菌栽培和菌渣循环利用",
    "参与制定地方标准两项",
    "利用直播平台讲解春季麦田管理要点",
    "对接科研院所，引进红薯脱毒种苗繁育技术",
    "研究花卉苗木的嫁接和容器育苗",
    "推动休闲农业与乡村旅游融合发展",
    "组织土壤检测，指导测土配方施肥",
    "培养科技致富带头人二十余名",
    "在淮河流域推广稻虾共养模式",
    "长期坚持在田间地头解答农民提问",
    "获市科学技术进步奖二等奖",
    "协助县科协建设科普示范基地",
    "研究生猪养殖粪污资源化利用",
    "指导山药、芦笋等特色作物的标准化种植",
    "开展农产品电商培训，帮助农户拓宽销路",
    "研究节水灌溉和旱作农业技术",
    "参与大豆玉米带状复合种植试验示范",
    "为养羊户讲授舍饲圈养和羔羊育肥技术",
    "帮助村集体建设蔬菜大棚和冷库",
    "研究芝麻病害的发生规律",
    "推广秸秆还田和保护性耕作",
    "指导蜜蜂养殖与蜂产品加工",
    "在乡镇卫生院开展健康科普讲座",
    "研究农机农艺融合，推广小麦宽幅精播",
    "多年担任农村科普大讲堂主讲专家",
    "帮助返乡青年创办家庭农场",
    "研究淡水鱼健康养殖和水质调控",
    "指导茶叶、菊花等经济作物的加工",
    "参与编制县域产业扶贫规划",
]


def _rows(count: int, seed: int = 1) -> list[dict[str, str]]:
    """``count`` experts, each with a biography of its own."""
    from kexie_pages.demo.directories import generate_rows

    rows = generate_rows("experts", count, seed=seed)
    rng = random.Random(seed)
    for number, row in enumerate(rows):
        sentences = rng.sample(_SENTENCES, rng.randint(3, 5))
        row["个人简介"] = (
            f"{row['姓名']}，{row['服务区县'].split('、')[0] or '周口市'}专家（编号{number}），"
            + "；".join(sentences)
            + "。"
        )
    return rows


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
    """The importer, as ``kexie_import`` runs it: check, write, index (immediate backend)."""
    from kexie_pages.directories.services import directory_import

    result = directory_import(
        directory="experts", content=content, filename="x.xlsx", dry_run=False
    )
    assert result.applied, result.error_lines()[:3]


def _calamine_rows(content: bytes):
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    iterator = iter(rows.iter_rows())
    next(iterator)
    return iterator


def _index(objects: list) -> None:
    from modelsearch.backends import get_search_backends

    from kexie_pages.models import Expert

    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Expert, objects)


def _raw_new(content: bytes, *, indexed: bool) -> None:
    from kexie_pages.directories.models import pinyin_key
    from kexie_pages.models import Expert

    batch: list = []

    def flush() -> None:
        Expert.objects.bulk_create(batch)
        if indexed:
            _index(batch)
        batch.clear()

    for r in _calamine_rows(content):
        batch.append(
            Expert(
                name=r[0],
                name_pinyin=pinyin_key(r[0]),
                gender="male" if r[1] == "男" else "female",
                employer=r[2],
                title=r[3],
                speciality=r[4],
                phone=str(r[7]),
                email=r[8] or "",
                bio=r[9] or "",
                is_public=r[10] == "是",
            )
        )
        if len(batch) == 500:
            flush()
    if batch:
        flush()


def raw_new(content: bytes) -> None:
    """calamine in-process + bulk_create: no checks, no categories or counties, no index."""
    _raw_new(content, indexed=False)


def raw_new_indexed(content: bytes) -> None:
    """``raw_new`` plus the same search index ``add_bulk`` per 500 rows."""
    _raw_new(content, indexed=True)


def _raw_update(content: bytes, *, indexed: bool) -> None:
    from kexie_pages.models import Expert

    existing = {(e.name, e.employer): e for e in Expert.objects.all()}
    changed = []
    for r in _calamine_rows(content):
        expert = existing[(r[0], r[2])]
        title, public = r[3], r[10] == "是"
        if expert.title != title or expert.is_public != public:
            expert.title, expert.is_public = title, public
            changed.append(expert)
    Expert.objects.bulk_update(changed, ["title", "is_public"], batch_size=500)
    if indexed:
        for start in range(0, len(changed), 500):
            _index(changed[start : start + 500])


def raw_update(content: bytes) -> None:
    """calamine, one query for the saved rows, bulk_update the changed: no index."""
    _raw_update(content, indexed=False)


def raw_update_indexed(content: bytes) -> None:
    """``raw_update`` plus ``add_bulk`` of the changed rows."""
    _raw_update(content, indexed=True)


def defaults(content: bytes) -> None:
    """django-import-export's import_data, default settings, same resource and file."""
    from import_export.formats.base_formats import XLSX

    from kexie_pages.directories.resources import ExpertResource

    dataset = XLSX().create_dataset(content)
    result = ExpertResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors()


def _interleaved(
    cases: dict[str, tuple[Callable[[bytes], None], bytes, int, Callable[[], None]]],
) -> dict[str, list[float]]:
    """Rows/s of each case over ``REPEAT`` rounds, one run of each case per round.

    A case is (function, file, rows in the file, what to do before it). Every
    case starts with ``index_text``'s cache empty, so that no case segments
    fewer values because the one before it cut the same rows.
    """
    from kexie_pages.search import index_text

    rates: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(REPEAT):
        for name, (func, content, rows, before) in cases.items():
            before()
            index_text.cache_clear()
            started = time.perf_counter()
            func(content)
            rates[name].append(rows / (time.perf_counter() - started))
    return rates


def _spread(values: list[float], fmt: str = ",.0f") -> str:
    return " / ".join(
        format(v, fmt) for v in (min(values), statistics.median(values), max(values))
    )


def _ratio(ours_rates: list[float], base_rates: list[float]) -> str:
    """min / median / max of the per-round ratios, then the ratio of medians."""
    ratios = [a / b for a, b in zip(ours_rates, base_rates, strict=True)]
    return f"{_spread(ratios, '.2f')}×"


BENCH_SETTINGS = """
import os
from kexie_site.settings.production import *  # noqa: F403
if "django_tasks_db" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
if "django_tasks_db" not in str(globals().get("TASKS", "")):
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The machine this runs on is shared (load 5x its cores): the workbook reader's
# wall-clock limit (30 s, about 5x what 100,000 rows take on an idle machine)
# is raised so that the run measures the import, not the neighbours.
KEXIE_IMPORT_READER_SECONDS = int(os.environ.get("KEXIE_BENCH_READER_SECONDS", 120))
# No collectstatic in a throwaway folder: the admin pages need static URLs only.
STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
"""

WEB = """
import os, sys, time
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()  # so that the test client keeps the response's context
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from kexie_pages.models import DirectoryImportJob
user = get_user_model().objects.create_superuser("bench", "b@example.cn", "pw")
client = Client(HTTP_HOST="bench.example.cn", HTTP_X_FORWARDED_PROTO="https")
client.force_login(user)
content = open({path!r}, "rb").read()
started = time.perf_counter()
response = client.post("/admin/kexie_pages/expert/import/",
    {{"file": SimpleUploadedFile("专家.xlsx", content)}})
assert response.status_code == 302, response.status_code  # the check job's page
upload = time.perf_counter() - started
job_page = response["Location"]
# The check runs on a worker, as `make serve` runs it: a process of its own.
import subprocess
checked = subprocess.run([sys.executable, "-c", {worker!r}], capture_output=True,
    text=True, timeout=3600)
assert checked.returncode == 0, checked.stderr[-3000:]
check_hwm, check_s = checked.stdout.split()
started = time.perf_counter()
response = client.get(job_page)
assert response.status_code == 200, response.status_code
preview = time.perf_counter() - started
token = response.context["token"]
assert response.context["counts"]["new"] == {rows}, response.context["counts"]
started = time.perf_counter()
response = client.post("/admin/kexie_pages/expert/confirm/", {{"token": token, "confirm": "1"}})
assert response.status_code == 302, response.status_code
confirm = time.perf_counter() - started
job = DirectoryImportJob.objects.get(kind="import")
assert job.status == "queued", (job.status, job.message)
hwm = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
print(hwm, upload, preview, confirm, check_hwm, check_s)
"""

CHECK_WORKER = """
import time
import django
django.setup()
from django.core.management import call_command
from kexie_pages.models import DirectoryImportJob
started = time.perf_counter()
call_command("db_worker", batch=True, startup_delay=False, interval=0.1, verbosity=0)
seconds = time.perf_counter() - started
job = DirectoryImportJob.objects.get(kind="check")
assert job.status == "done", (job.status, job.message)
hwm = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
print(hwm, seconds)
"""

WORKER = """
import time
import django
django.setup()
from django.core.management import call_command
from kexie_pages.models import DirectoryImportJob, Expert
started = time.perf_counter()
call_command("db_worker", batch=True, startup_delay=False, interval=0.1, verbosity=0)
seconds = time.perf_counter() - started
job = DirectoryImportJob.objects.get(kind="import")
assert job.status == "done", (job.status, job.message)
assert Expert.objects.count() == {rows}
assert Expert.objects.search("小麦").count() > 0
hwm = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
print(hwm, seconds)
"""

BARE = """
import django
django.setup()
from django.test import Client
Client(HTTP_HOST="bench.example.cn", HTTP_X_FORWARDED_PROTO="https").get("/admin/login/")
hwm = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
print(hwm)
"""


def admin_import(rows: int = BIG_ROWS) -> dict[str, float]:
    """The admin path with the production settings and a worker; see the module."""
    folder = Path(tempfile.mkdtemp(prefix="kexie-bench-admin-"))
    path = folder / "big.xlsx"
    path.write_bytes(_xlsx(_rows(rows, seed=3)))
    (folder / "bench_import_settings.py").write_text(BENCH_SETTINGS)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "KEXIE_VAR_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "bench_import_settings",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
        "ALLOWED_HOSTS": "bench.example.cn",
        "PYTHONPATH": os.pathsep.join([str(folder), str(REPO / "site"), str(REPO)]),
    }

    def child(code: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        return done.stdout.split()

    subprocess.run(
        [sys.executable, str(REPO / "site" / "manage.py"), "migrate", "-v0"],
        env=env,
        check=True,
    )
    bare = child(BARE)
    web = child(WEB.format(path=str(path), rows=rows, worker=CHECK_WORKER))
    worker = child(WORKER.format(rows=rows))
    return {
        "bare_mb": int(bare[0]) / 1024,
        "web_mb": int(web[0]) / 1024,
        "upload_s": float(web[1]),
        "preview_s": float(web[2]),
        "confirm_s": float(web[3]),
        "check_mb": int(web[4]) / 1024,
        "check_s": float(web[5]),
        "worker_mb": int(worker[0]) / 1024,
        "worker_s": float(worker[1]),
    }


def main() -> list[str]:
    rows = _rows(ROWS)
    content = _xlsx(rows)
    small = _xlsx(rows[:DEFAULTS_ROWS])
    changed = _xlsx(_changed(rows))
    changed_small = _xlsx(_changed(rows[:DEFAULTS_ROWS]))

    def _load(data: bytes) -> None:
        """The saved rows every re-import case starts from: the file imported
        with its categories and counties (the search index is not updated:
        none of the cases reads it)."""
        from types import SimpleNamespace

        from kexie_pages.directories import services

        _clear()
        task = services.directory_index_task
        services.directory_index_task = SimpleNamespace(enqueue=lambda *args: None)  # type: ignore[assignment]
        try:
            ours(data)
        finally:
            services.directory_index_task = task

    def load_all() -> None:
        _load(content)

    def load_small() -> None:
        _load(small)

    new = _interleaved(
        {
            "ours": (ours, content, ROWS, _clear),
            "raw_indexed": (raw_new_indexed, content, ROWS, _clear),
            "raw": (raw_new, content, ROWS, _clear),
            "defaults": (defaults, small, DEFAULTS_ROWS, _clear),
        }
    )
    again = _interleaved(
        {
            "ours": (ours, changed, ROWS, load_all),
            "raw_indexed": (raw_update_indexed, changed, ROWS, load_all),
            "raw": (raw_update, changed, ROWS, load_all),
            "defaults": (defaults, changed_small, DEFAULTS_ROWS, load_small),
        }
    )
    lines = _ratio_lines(new, again)
    if os.environ.get("KEXIE_BENCH_IMPORT_ADMIN", "1") != "0":
        lines += ["", *admin_lines(admin_import())]
    return lines


def _ratio_lines(
    new: dict[str, list[float]], again: dict[str, list[float]]
) -> list[str]:

    def table(rates: dict[str, list[float]], what: str) -> list[str]:
        labels = {
            "ours": "kexie importer (indexing included)",
            "raw_indexed": "raw: calamine + bulk write + same index `add_bulk`",
            "raw": "raw: calamine + bulk write, no index",
            "defaults": f"import-export defaults (first {DEFAULTS_ROWS:,} rows)",
        }
        return [
            f"| {what}: {labels[name]} | {_spread(values)} | "
            f"{_ratio(values, rates['raw_indexed'])} | {_ratio(values, rates['raw'])} | "
            f"{_ratio(values, rates['defaults'])} |"
            for name, values in rates.items()
        ]

    return [
        f"Experts, {ROWS:,} rows with unique biographies from one XLSX, SQLite, "
        f"{REPEAT} interleaved rounds; min / median / max.",
        "",
        "| import | rows/s | ÷ raw + index | ÷ raw, no index | ÷ import-export defaults |",
        "| --- | ---: | ---: | ---: | ---: |",
        *table(new, "new rows"),
        *table(again, "re-import, 10% changed"),
    ]


def admin_lines(admin: dict[str, float]) -> list[str]:
    """The admin run's table (``admin_import``)."""
    web_total = sum(
        admin[key]
        for key in ("upload_s", "check_s", "preview_s", "confirm_s", "worker_s")
    )
    return [
        f"{BIG_ROWS:,} new experts through the admin, production settings, "
        "django-tasks database backend and `db_worker`:",
        "",
        "| process | peak RSS | time |",
        "| --- | ---: | ---: |",
        f"| web: upload (keep the file, queue its check) | {admin['web_mb']:,.0f} MB | "
        f"{admin['upload_s']:,.2f} s |",
        f"| worker: check (read, check, keep the checked rows) | {admin['check_mb']:,.0f} MB | "
        f"{admin['check_s']:,.1f} s |",
        f"| web: the preview page | (same process) | {admin['preview_s']:,.2f} s |",
        f"| web: confirm (queue the job) | (same process) | {admin['confirm_s']:,.2f} s |",
        f"| worker: write the kept rows, then index them | {admin['worker_mb']:,.0f} MB | "
        f"{admin['worker_s']:,.1f} s |",
        f"| a process that only starts Django and serves the login page | "
        f"{admin['bare_mb']:,.0f} MB | |",
        "",
        f"End to end {web_total:,.0f} s ({BIG_ROWS / web_total:,.0f} rows/s).",
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import main as run_main

    run_main(["directories"])
