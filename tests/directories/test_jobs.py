"""Confirmed directory imports run as django-tasks tasks, with a progress page."""

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    connection,
    connections,
    transaction,
)
from django.test import Client
from django.utils import timezone
from django_tasks.backends.dummy import DummyBackend

from kexie_pages.base.storage import private_storage
from kexie_pages.directories import jobs as directory_jobs
from kexie_pages.directories import reading as directory_reading
from kexie_pages.directories import services as directory_services
from kexie_pages.directories.jobs import import_job_run
from kexie_pages.models import DirectoryImportJob, Expert

from .helpers import csv_bytes, sample, table

pytestmark = pytest.mark.django_db

EXPERTS = "/admin/kexie_pages/expert/"
REPO = Path(__file__).resolve().parents[2]
REFRESH = '<meta http-equiv="refresh" content="2">'
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def check(client, rows):
    """Upload ``rows`` of experts and follow to the check's page; with a worker's
    backend, run the check as the worker would. Returns the preview's response."""
    response = client.post(
        EXPERTS + "import/",
        {"file": SimpleUploadedFile("专家.csv", csv_bytes(table("experts", rows)))},
        follow=True,
    )
    job = DirectoryImportJob.objects.filter(kind="check").latest("pk")
    if job.status == "queued":
        import_job_run(job_id=job.pk)
        response = client.get(f"{EXPERTS}job/{job.pk}/")
    return response


def confirm(client, rows) -> tuple[str, object]:
    """Upload ``rows`` of experts, confirm them; returns the token and the response."""
    token = check(client, rows).context["token"]
    return token, client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})


def test_confirm_creates_a_job_that_runs_at_once_by_default(admin_client):
    token, response = confirm(admin_client, sample("experts", 3))
    job = DirectoryImportJob.objects.get(kind="import")
    assert response.status_code == 302
    assert response["Location"] == f"{EXPERTS}job/{job.pk}/"
    assert job.directory == "experts" and job.filename == "专家.csv"
    assert job.status == "done" and job.task_id
    assert job.counts == {"new": 3, "update": 0, "unchanged": 0, "error": 0}
    assert Expert.objects.count() == 3
    assert not private_storage().exists(f"kexie_imports/{token}")
    page = admin_client.get(response["Location"]).content.decode()
    assert "导入完成：新增 3 条，更新 0 条，未变 0 条。" in page
    assert "http-equiv" not in page  # finished: no more reloading


def test_with_a_worker_backend_the_job_waits_and_the_page_refreshes(
    admin_client, settings
):
    settings.TASKS = DUMMY
    token, response = confirm(admin_client, sample("experts", 4))
    job = DirectoryImportJob.objects.get(kind="import")
    assert job.status == "queued" and Expert.objects.count() == 0
    assert private_storage().exists(f"kexie_imports/{token}")  # kept for the worker
    page = admin_client.get(response["Location"]).content.decode()
    assert REFRESH in page
    assert "正在等待后台任务开始导入" in page
    # The worker runs it.
    assert import_job_run(job_id=job.pk) == "done"
    assert Expert.objects.count() == 4
    assert not private_storage().exists(f"kexie_imports/{token}")
    page = admin_client.get(response["Location"]).content.decode()
    assert REFRESH not in page
    assert "导入完成：新增 4 条" in page
    # Running it again does nothing.
    assert import_job_run(job_id=job.pk) == "done"
    assert Expert.objects.count() == 4


@pytest.mark.parametrize("checked_rows_kept", [True, False])
def test_progress_is_recorded_every_batch(
    admin_client, settings, monkeypatch, checked_rows_kept
):
    settings.TASKS = DUMMY
    monkeypatch.setattr(directory_reading, "BATCH_SIZE", 2)
    monkeypatch.setattr(directory_services, "BATCH_SIZE", 2)
    seen = []
    beat = directory_jobs._Heartbeat.__call__

    def spy(self, *, in_transaction, **fields):
        seen.append(
            (fields["phase"], fields["rows_done"], fields["rows_total"], in_transaction)
        )
        beat(self, in_transaction=in_transaction, **fields)

    monkeypatch.setattr(directory_jobs._Heartbeat, "__call__", spy)
    token, _response = confirm(admin_client, sample("experts", 5))
    seen.clear()  # the check job's progress: test_the_check_records_its_progress
    if not checked_rows_kept:  # an upload kept before the checked rows were
        private_storage().delete(f"kexie_imports/{token}.checked")
    job = DirectoryImportJob.objects.get(kind="import")
    import_job_run(job_id=job.pk)
    # The rows are written in one transaction: the progress made inside it
    # goes where other processes can see it before the commit. With the
    # preview's checked rows kept, the job goes straight to writing them.
    checking = (
        []
        if checked_rows_kept
        else [
            ("checking", 2, 0, False),
            ("checking", 4, 0, False),
            ("checking", 5, 0, False),
        ]
    )
    assert seen == [
        *checking,
        ("writing", 0, 5, False),
        ("writing", 2, 5, True),
        ("writing", 4, 5, True),
        ("writing", 5, 5, True),
    ]
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 5, 5)
    assert job.heartbeat_at >= job.started_at


def test_running_page_shows_the_progress_and_refreshes(admin_client):
    job = DirectoryImportJob.objects.create(
        directory="experts",
        token="0" * 32,
        filename="专家.xlsx",
        status="running",
        phase="writing",
        rows_done=25_000,
        rows_total=100_000,
    )
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert REFRESH in page
    assert "正在运行" in page and "写入数据库" in page
    assert "已写入 25000 / 100000 行。" in page
    assert 'value="25"' in page
    job.status, job.phase, job.rows_done, job.rows_total = "running", "checking", 500, 0
    job.save()
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert "已检查 500 行。" in page and REFRESH in page


def test_rows_with_errors_fail_the_job_and_write_nothing(admin_client, settings):
    settings.TASKS = DUMMY
    rows = sample("experts", 3)
    token, response = confirm(admin_client, rows)
    # Without the preview's checked rows (an upload kept by an older
    # version), the job checks the file itself: a row has gone bad.
    private_storage().delete(f"kexie_imports/{token}.checked")
    rows[1]["联系电话"] = "12345"
    private_storage().delete(f"kexie_imports/{token}")
    private_storage().save(
        f"kexie_imports/{token}",
        io.BytesIO(csv_bytes(table("experts", rows))),
    )
    job = DirectoryImportJob.objects.get(kind="import")
    assert import_job_run(job_id=job.pk) == "failed"
    assert Expert.objects.count() == 0
    assert not private_storage().exists(f"kexie_imports/{token}")
    job.refresh_from_db()
    assert job.error_count == 1
    page = admin_client.get(response["Location"]).content.decode()
    assert "导入失败，未写入任何数据。" in page
    assert "1 行有错误，因此未写入任何数据" in page
    assert "第 3 行「联系电话」：“12345”不是有效的电话号码" in page
    assert REFRESH not in page


def test_a_database_error_fails_the_job_and_rolls_back(
    admin_client, settings, monkeypatch
):
    settings.TASKS = DUMMY
    monkeypatch.setattr(directory_reading, "BATCH_SIZE", 2)
    monkeypatch.setattr(directory_services, "BATCH_SIZE", 2)
    confirm(admin_client, sample("experts", 5))
    calls = []
    index = directory_services.directory_index_task

    class Boom:
        @staticmethod
        def enqueue(*args):
            calls.append(args)
            if len(calls) == 2:  # after two batches are written
                raise RuntimeError("disk full")
            return index.enqueue(*args)

    monkeypatch.setattr(directory_services, "directory_index_task", Boom)
    job = DirectoryImportJob.objects.get(kind="import")
    assert import_job_run(job_id=job.pk) == "failed"
    assert Expert.objects.count() == 0
    job.refresh_from_db()
    assert "导入因意外错误而中止，未写入任何数据。" in job.message
    assert "RuntimeError" in job.message
    # Not the file's fault: the upload is kept and the page offers a retry.
    assert job.retryable and private_storage().exists(f"kexie_imports/{job.token}")
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert f'action="{EXPERTS}job/{job.pk}/retry/"' in page


def test_a_vanished_upload_fails_with_a_reason(admin_client, settings):
    settings.TASKS = DUMMY
    token, response = confirm(admin_client, sample("experts", 2))
    private_storage().delete(f"kexie_imports/{token}")
    job = DirectoryImportJob.objects.get(kind="import")
    assert import_job_run(job_id=job.pk) == "failed"
    page = admin_client.get(response["Location"]).content.decode()
    assert "上传的文件已不存在，请重新上传。" in page


def test_permissions(client, django_user_model, admin_client, staff_client):
    confirm(admin_client, sample("experts", 1))
    job = DirectoryImportJob.objects.get(kind="import")
    client.logout()
    viewer = staff_client(client, django_user_model, "view_expert", "add_expert")
    for response in [
        viewer.get(f"{EXPERTS}job/{job.pk}/"),
        viewer.post(EXPERTS + "confirm/", {"token": job.token, "confirm": "1"}),
    ]:
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert DirectoryImportJob.objects.filter(kind="import").count() == 1


def test_a_job_belongs_to_its_directory(admin_client):
    confirm(admin_client, sample("experts", 1))
    job = DirectoryImportJob.objects.get(kind="import")
    response = admin_client.get(f"/admin/kexie_pages/achievement/job/{job.pk}/")
    assert response.status_code == 404
    assert admin_client.get(f"{EXPERTS}job/999999/").status_code == 404


def test_the_import_page_lists_recent_jobs(admin_client):
    confirm(admin_client, sample("experts", 1))
    job = DirectoryImportJob.objects.get(kind="import")
    page = admin_client.get(EXPERTS + "import/").content.decode()
    assert "最近的导入" in page and "下载空白模板" in page
    assert f'href="{EXPERTS}job/{job.pk}/"' in page and "已完成" in page
    other = admin_client.get("/admin/kexie_pages/achievement/import/")
    assert "最近的导入" not in other.content.decode()


def test_a_job_without_a_worker_stops_refreshing_and_says_so(admin_client, settings):
    settings.TASKS = DUMMY
    confirm(admin_client, sample("experts", 1))
    job = DirectoryImportJob.objects.get(kind="import")
    DirectoryImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - DirectoryImportJob.STALLED_AFTER
    )
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert "后台任务进程（manage.py db_worker）可能没有运行" in page
    assert REFRESH not in page


def died(job: DirectoryImportJob, *, seconds_ago: int = 120, **fields) -> None:
    """What a job row looks like after its process was killed mid-way: running,
    its last heartbeat ``seconds_ago``, the rows it wrote rolled back."""
    beat = timezone.now() - timedelta(seconds=seconds_ago)
    DirectoryImportJob.objects.filter(pk=job.pk).update(
        status="running",
        started_at=beat,
        heartbeat_at=beat,
        **{"phase": "writing", "rows_done": 2, "rows_total": 4, **fields},
    )


def test_a_job_whose_process_died_fails_and_is_retried_from_the_same_file(
    admin_client, settings
):
    settings.TASKS = DUMMY
    token, response = confirm(admin_client, sample("experts", 4))
    job = DirectoryImportJob.objects.get(kind="import")
    died(job)

    page = admin_client.get(response["Location"]).content.decode()
    assert "导入失败，未写入任何数据。" in page
    assert "运行此导入的进程已停止（超过 60 秒没有响应），未写入任何数据。" in page
    assert REFRESH not in page and "正在运行" not in page
    assert f'action="{EXPERTS}job/{job.pk}/retry/"' in page
    assert private_storage().exists(f"kexie_imports/{token}")  # kept for the retry

    response = admin_client.post(f"{EXPERTS}job/{job.pk}/retry/")
    retry = DirectoryImportJob.objects.filter(kind="import").exclude(pk=job.pk).get()
    assert response["Location"] == f"{EXPERTS}job/{retry.pk}/"
    assert (retry.status, retry.token, retry.retry_of) == ("queued", token, job)
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert "retry/" not in page and f'href="{EXPERTS}job/{retry.pk}/"' in page

    assert import_job_run(job_id=retry.pk) == "done"
    assert Expert.objects.count() == 4
    assert not private_storage().exists(f"kexie_imports/{token}")
    # A second click on the old page starts nothing.
    response = admin_client.post(f"{EXPERTS}job/{job.pk}/retry/", follow=True)
    assert "上传的文件已不存在，请重新上传。" in response.content.decode()
    assert DirectoryImportJob.objects.filter(kind="import").count() == 2


def test_a_job_is_retried_once(admin_client, settings):
    settings.TASKS = DUMMY
    confirm(admin_client, sample("experts", 2))
    job = DirectoryImportJob.objects.get(kind="import")
    died(job)
    admin_client.get(f"{EXPERTS}job/{job.pk}/")
    admin_client.post(f"{EXPERTS}job/{job.pk}/retry/")
    response = admin_client.post(f"{EXPERTS}job/{job.pk}/retry/", follow=True)
    assert "这次导入不能重试。" in response.content.decode()
    assert DirectoryImportJob.objects.filter(kind="import").count() == 2


def test_a_job_with_a_recent_heartbeat_is_running(admin_client, settings):
    settings.TASKS = DUMMY
    confirm(admin_client, sample("experts", 2))
    job = DirectoryImportJob.objects.get(kind="import")
    died(job, seconds_ago=20)
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert "正在运行" in page and REFRESH in page
    # Writing, the heartbeat reaches the web processes through the cache only
    # (on SQLite the import's transaction holds the only writer lock).
    died(job, seconds_ago=120)
    cache.set(
        f"kexie_import_job:{job.pk}",
        {
            "phase": "writing",
            "rows_done": 3,
            "rows_total": 4,
            "heartbeat_at": timezone.now(),
        },
    )
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert "已写入 3 / 4 行。" in page and REFRESH in page
    job.refresh_from_db()
    assert job.status == "running"


def test_a_job_whose_process_never_started_fails(admin_client, settings, monkeypatch):
    settings.KEXIE_IMPORT_BACKGROUND_ROWS = 1
    monkeypatch.setattr(directory_jobs, "_start_job_process", lambda job_id: 4321)
    confirm(admin_client, sample("experts", 2))
    job = DirectoryImportJob.objects.get(kind="import")
    assert (job.status, job.task_id) == ("queued", "process:4321")
    DirectoryImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=2)
    )
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert "运行此导入的进程已停止" in page and "retry/" in page


def test_a_large_import_runs_off_the_request(admin_client, settings, monkeypatch):
    """With the immediate backend, more than KEXIE_IMPORT_BACKGROUND_ROWS rows
    run in a process of their own: the request returns the job page, queued."""
    settings.KEXIE_IMPORT_BACKGROUND_ROWS = 3
    started = []
    monkeypatch.setattr(
        directory_jobs, "_start_job_process", lambda job_id: started.append(job_id)
    )
    token, response = confirm(admin_client, sample("experts", 5))
    job = DirectoryImportJob.objects.get(kind="import")
    assert response["Location"] == f"{EXPERTS}job/{job.pk}/"
    assert started == [job.pk] and job.status == "queued"
    assert Expert.objects.count() == 0
    page = admin_client.get(response["Location"]).content.decode()
    assert "正在等待后台任务开始导入" in page and REFRESH in page
    # What the process runs:
    call_command("kexie_import_job", job.pk, stdout=io.StringIO())
    assert Expert.objects.count() == 5
    assert not private_storage().exists(f"kexie_imports/{token}")
    page = admin_client.get(response["Location"]).content.decode()
    assert "导入完成：新增 5 条" in page
    # A small import still runs at once, inside the request.
    confirm(admin_client, sample("experts", 3, seed=11))
    assert started == [job.pk]
    assert DirectoryImportJob.objects.latest("pk").status == "done"


JOB_PROCESS_SCRIPT = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from kexie_pages.directories.jobs import import_job_start
from kexie_pages.directories.uploads import pending_upload_save
token = pending_upload_save(content=open(sys.argv[1], "rb").read())
job = import_job_start(
    directory="experts", token=token, filename="x.csv", file_format="", user=None
)
print(job.status, job.task_id.split(":")[0])
for _ in range(300):
    job.refresh_from_db()
    if job.status in ("done", "failed"):
        break
    time.sleep(0.2)
print(job.status, job.counts.get("new"), job.message)
"""


def test_the_job_process_really_runs_the_import(tmp_path, site_process_env):
    """The real thing, in a database of its own: the confirming process starts
    ``python -m django kexie_import_job`` and returns; that process imports."""
    source = tmp_path / "experts.csv"
    source.write_bytes(csv_bytes(table("experts", sample("experts", 3))))
    finished = subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", JOB_PROCESS_SCRIPT, str(source)],
        env=site_process_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines() == ["queued process", "done 3 "]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_is_seen_while_the_rows_are_written():
    """The rows are written in one transaction; the heartbeat written meanwhile
    is seen by other connections before the commit (PostgreSQL), and on SQLite,
    whose one writer lock the import holds, nothing waits for that lock."""
    job = DirectoryImportJob.objects.create(directory="experts", status="running")
    heartbeat = directory_jobs._Heartbeat(job)
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    table_name = DirectoryImportJob._meta.db_table
    try:
        with transaction.atomic():
            heartbeat(in_transaction=True, phase="writing", rows_done=3, rows_total=9)
            with other.cursor() as cursor:
                cursor.execute(
                    f"SELECT rows_done, heartbeat_at FROM {table_name} WHERE id = %s",  # noqa: S608
                    [job.pk],
                )
                rows_done, heartbeat_at = cursor.fetchone()
    finally:
        heartbeat.close()
        other.close()
    if connection.vendor == "postgresql":
        assert rows_done == 3 and heartbeat_at is not None
    else:
        assert (rows_done, heartbeat_at) == (0, None)
    live = cache.get(f"kexie_import_job:{job.pk}")
    assert (live["rows_done"], live["rows_total"]) == (3, 9)


def test_a_job_failed_as_dead_while_its_process_runs_stops_that_process(
    admin_client, settings, monkeypatch
):
    """Under a heavy load a heartbeat can come too late: the job is failed and
    may be retried. The late process must then stop, write nothing and leave
    the upload to the retry."""
    settings.TASKS = DUMMY
    monkeypatch.setattr(directory_reading, "BATCH_SIZE", 2)
    monkeypatch.setattr(directory_services, "BATCH_SIZE", 2)
    token, response = confirm(admin_client, sample("experts", 5))
    job = DirectoryImportJob.objects.get(kind="import")
    beat = directory_jobs._Heartbeat.__call__

    def late(self, **fields):
        died(job)  # what the page of the job sees ...
        admin_client.get(response["Location"])  # ... and so fails the job
        beat(self, **fields)

    monkeypatch.setattr(directory_jobs._Heartbeat, "__call__", late)
    assert import_job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert "运行此导入的进程已停止" in job.message and job.retryable
    assert Expert.objects.count() == 0
    assert private_storage().exists(f"kexie_imports/{token}")


def test_done_is_committed_with_the_rows_or_not_at_all(
    admin_client, settings, monkeypatch
):
    """A job's "done" is written in the transaction that writes its rows: no
    one sees the rows and a running job (and fails it as dead), and a commit
    that fails takes "done" with it."""
    settings.TASKS = DUMMY
    token, response = confirm(admin_client, sample("experts", 3))
    job = DirectoryImportJob.objects.get(kind="import")
    seen = []
    real_import = directory_jobs.directory_import_checked

    def failing_commit(**kwargs):
        done = kwargs.pop("before_commit")

        def then_fail(result):
            done(result)
            seen.append(DirectoryImportJob.objects.get(pk=job.pk).status)
            raise DatabaseError("disk I/O error")

        return real_import(before_commit=then_fail, **kwargs)

    monkeypatch.setattr(directory_jobs, "directory_import_checked", failing_commit)
    assert import_job_run(job_id=job.pk) == "failed"
    assert seen == ["done"]  # written inside, before the commit ...
    job.refresh_from_db()
    assert job.status == "failed" and Expert.objects.count() == 0  # ... undone
    assert "数据库拒绝了本次导入" in job.message
    assert job.retryable and private_storage().exists(f"kexie_imports/{token}")


def test_a_job_process_that_cannot_start_fails_the_job_not_the_request(
    admin_client, settings, tmp_path
):
    settings.KEXIE_IMPORT_BACKGROUND_ROWS = 1
    settings.KEXIE_IMPORT_PYTHON = str(tmp_path / "no-such-python")
    token, response = confirm(admin_client, sample("experts", 2))
    job = DirectoryImportJob.objects.get(kind="import")
    assert response["Location"] == f"{EXPERTS}job/{job.pk}/"
    page = admin_client.get(response["Location"]).content.decode()
    assert "导入无法启动，未写入任何数据。" in page
    assert f'action="{EXPERTS}job/{job.pk}/retry/"' in page
    assert private_storage().exists(f"kexie_imports/{token}")


def test_confirm_writes_the_rows_the_preview_checked_without_reading_the_file_again(
    admin_client, monkeypatch
):
    token = check(admin_client, sample("experts", 3)).context["token"]
    assert private_storage().exists(f"kexie_imports/{token}.checked")

    def no_second_read(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(directory_reading, "read_rows", no_second_read)
    admin_client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})
    job = DirectoryImportJob.objects.get(kind="import")
    assert job.status == "done", job.message
    assert job.counts == {"new": 3, "update": 0, "unchanged": 0, "error": 0}
    assert Expert.objects.count() == 3
    assert not private_storage().exists(f"kexie_imports/{token}.checked")


def test_rows_are_matched_again_when_confirmed(admin_client, load):
    rows = sample("experts", 3)
    response = check(admin_client, rows)
    assert response.context["counts"]["new"] == 3
    load("experts", rows[:1])  # someone imports the first row meanwhile
    admin_client.post(
        EXPERTS + "confirm/", {"token": response.context["token"], "confirm": "1"}
    )
    job = DirectoryImportJob.objects.get(kind="import")
    assert job.status == "done", job.message
    assert job.counts == {"new": 2, "update": 0, "unchanged": 1, "error": 0}
    assert Expert.objects.count() == 3


def test_an_upload_changed_after_its_preview_is_not_imported(admin_client, settings):
    settings.TASKS = DUMMY
    rows = sample("experts", 3)
    token, _response = confirm(admin_client, rows)
    job = DirectoryImportJob.objects.get(kind="import")
    storage = private_storage()
    storage.delete(f"kexie_imports/{token}")
    storage.save(
        f"kexie_imports/{token}",
        io.BytesIO(csv_bytes(table("experts", sample("experts", 4, seed=9)))),
    )
    assert import_job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert "预览之后上传的文件已改变" in job.message
    assert Expert.objects.count() == 0


def test_without_checked_rows_the_upload_is_checked_again(admin_client, settings):
    settings.TASKS = DUMMY
    token, _response = confirm(admin_client, sample("experts", 3))
    private_storage().delete(f"kexie_imports/{token}.checked")
    job = DirectoryImportJob.objects.get(kind="import")
    assert import_job_run(job_id=job.pk) == "done"
    assert Expert.objects.count() == 3


class RefusingBackend(DummyBackend):
    """A task backend whose queue is down."""

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("queue down")


def test_a_job_the_task_queue_refuses_fails_with_a_reason(admin_client, settings):
    token = check(admin_client, sample("experts", 3)).context["token"]
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    # The confirmed import, then the next upload's check: each refused with a
    # reason, its upload kept for a retry.
    confirmed = admin_client.post(
        EXPERTS + "confirm/", {"token": token, "confirm": "1"}
    )
    uploaded = admin_client.post(
        EXPERTS + "import/",
        {
            "file": SimpleUploadedFile(
                "专家.csv", csv_bytes(table("experts", sample("experts", 2, seed=5)))
            )
        },
    )
    for kind, response in (("import", confirmed), ("check", uploaded)):
        job = DirectoryImportJob.objects.get(kind=kind, status="failed")
        assert response.status_code == 302
        assert response["Location"] == f"{EXPERTS}job/{job.pk}/"
        assert job.retryable
        page = admin_client.get(response["Location"]).content.decode()
        assert "导入无法交给后台任务进程" in page
        assert private_storage().exists(f"kexie_imports/{job.token}")
    assert Expert.objects.count() == 0


# --------------------------------------------------------------------------
# The preview's check runs as a job too


def test_the_upload_queues_a_check_and_answers_at_once(admin_client, settings):
    settings.TASKS = DUMMY
    rows = sample("experts", 3)
    response = admin_client.post(
        EXPERTS + "import/",
        {"file": SimpleUploadedFile("专家.csv", csv_bytes(table("experts", rows)))},
    )
    job = DirectoryImportJob.objects.get()
    assert job.kind == "check" and job.status == "queued"
    assert response.status_code == 302
    assert response["Location"] == f"{EXPERTS}job/{job.pk}/"
    assert private_storage().exists(f"kexie_imports/{job.token}")
    page = admin_client.get(response["Location"]).content.decode()
    assert REFRESH in page
    assert "正在等待后台任务检查文件" in page
    # The worker checks it; the page reloads on the preview, nothing written.
    assert import_job_run(job_id=job.pk) == "done"
    preview = admin_client.get(response["Location"])
    assert REFRESH not in preview.content.decode()
    assert preview.context["counts"]["new"] == 3
    assert [row.number for row, _cells in preview.context["shown_rows"]] == [2, 3, 4]
    assert "确认导入" in preview.content.decode()
    assert Expert.objects.count() == 0


def test_the_checking_page_shows_the_rows_checked(admin_client, settings):
    settings.TASKS = DUMMY
    check_page = admin_client.post(
        EXPERTS + "import/",
        {"file": SimpleUploadedFile("专家.csv", csv_bytes(table("experts", [])))},
    )["Location"]
    job = DirectoryImportJob.objects.get()
    DirectoryImportJob.objects.filter(pk=job.pk).update(
        status="running", rows_done=1500, heartbeat_at=timezone.now()
    )
    page = admin_client.get(check_page).content.decode()
    assert REFRESH in page
    assert "已检查 1500 行" in page


def test_another_member_of_staff_sees_whose_preview_it_is_not_that_it_is_gone(
    admin_client, django_user_model
):
    check_page = admin_client.post(
        EXPERTS + "import/",
        {
            "file": SimpleUploadedFile(
                "专家.csv", csv_bytes(table("experts", sample("experts", 3)))
            )
        },
    )["Location"]
    uploader = DirectoryImportJob.objects.get().user
    uploader.first_name, uploader.last_name = "李小红", ""
    uploader.save()
    colleague = django_user_model.objects.create_superuser("colleague", "c@x.cn", "pw")
    other = Client()
    other.force_login(colleague)
    page = other.get(check_page)
    text = page.content.decode()
    assert page.status_code == 200
    assert "已检查 3 行：3 条新增" in text
    assert "李小红 上传了这个文件" in text
    assert "已不存在" not in text and f"{EXPERTS}confirm/" not in text
    # The uploader still has it; once confirmed, the file is gone for everyone.
    assert f"{EXPERTS}confirm/" in admin_client.get(check_page).content.decode()
    token = admin_client.get(check_page).context["token"]
    admin_client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})
    assert Expert.objects.count() == 3
    gone = other.get(check_page, follow=True).content.decode()
    assert "上传的文件已不存在" in gone


def test_the_preview_shows_the_rows_and_errors_the_check_found(admin_client):
    rows = sample("experts", 4)
    rows[1]["性别"] = "未知"
    rows[3]["手机"] = "12345"
    content = csv_bytes(table("experts", rows))
    expected = directory_reading.directory_check(directory="experts", content=content)
    preview = admin_client.post(
        EXPERTS + "import/",
        {"file": SimpleUploadedFile("专家.csv", content)},
        follow=True,
    )
    result = preview.context["result"]
    assert result.counts == expected.counts and result.total == expected.total
    assert result.error_lines() == expected.error_lines() != []
    page = preview.content.decode()
    for line in expected.error_lines():
        assert line in page
    assert "确认导入" not in page
    # A forged confirmation is refused: the check found errors.
    token = preview.context["token"]
    response = admin_client.post(
        EXPERTS + "confirm/", {"token": token, "confirm": "1"}, follow=True
    )
    assert "所有行都正确后才能导入" in response.content.decode()
    assert not DirectoryImportJob.objects.filter(kind="import").exists()
    assert Expert.objects.count() == 0


def test_a_check_that_fails_says_why_and_can_be_retried(admin_client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk")

    monkeypatch.setattr(directory_jobs, "directory_check", broken)
    failed = admin_client.post(
        EXPERTS + "import/",
        {
            "file": SimpleUploadedFile(
                "专家.csv", csv_bytes(table("experts", sample("experts", 2)))
            )
        },
        follow=True,
    )
    job = DirectoryImportJob.objects.get()
    assert job.kind == "check" and job.status == "failed" and job.retryable
    page = failed.content.decode()
    assert "无法检查该文件" in page and "RuntimeError" in page
    assert "用同一个文件重试" in page
    assert private_storage().exists(f"kexie_imports/{job.token}")  # nothing lost
    monkeypatch.undo()
    preview = admin_client.post(f"{EXPERTS}job/{job.pk}/retry/", follow=True)
    assert preview.context["counts"]["new"] == 2
    assert preview.context["token"] == job.token
    admin_client.post(EXPERTS + "confirm/", {"token": job.token, "confirm": "1"})
    assert Expert.objects.count() == 2


def test_a_file_the_check_refuses_gets_a_chinese_reason(admin_client):
    page = admin_client.post(
        EXPERTS + "import/",
        {"file": SimpleUploadedFile("专家.csv", b"a,b\n1,2\n")},
        follow=True,
    ).content.decode()
    job = DirectoryImportJob.objects.get()
    assert job.status == "failed" and not job.retryable
    assert "无法检查该文件" in page and "缺少列" in page
    assert Expert.objects.count() == 0


def test_confirming_before_the_check_is_done_is_refused(admin_client, settings):
    settings.TASKS = DUMMY
    admin_client.post(
        EXPERTS + "import/",
        {
            "file": SimpleUploadedFile(
                "专家.csv", csv_bytes(table("experts", sample("experts", 2)))
            )
        },
    )
    job = DirectoryImportJob.objects.get()
    response = admin_client.post(
        EXPERTS + "confirm/", {"token": job.token, "confirm": "1"}, follow=True
    )
    assert "文件尚未检查完" in response.content.decode()
    assert DirectoryImportJob.objects.count() == 1


def test_a_large_upload_is_checked_off_the_request(admin_client, settings, monkeypatch):
    """With the immediate backend, an upload over KEXIE_CHECK_BACKGROUND_BYTES
    is checked in a process of its own: the upload answers with the checking page."""
    settings.KEXIE_CHECK_BACKGROUND_BYTES = 10
    started = []
    monkeypatch.setattr(
        directory_jobs,
        "_start_job_process",
        lambda job_id: started.append(job_id) or 4321,
    )
    response = admin_client.post(
        EXPERTS + "import/",
        {
            "file": SimpleUploadedFile(
                "专家.csv", csv_bytes(table("experts", sample("experts", 3)))
            )
        },
    )
    job = DirectoryImportJob.objects.get()
    assert started == [job.pk]
    assert (job.kind, job.status, job.task_id) == ("check", "queued", "process:4321")
    page = admin_client.get(response["Location"]).content.decode()
    assert REFRESH in page and "正在等待后台任务检查文件" in page
    # The process: ``manage.py kexie_import_job <id>`` runs import_job_run.
    call_command("kexie_import_job", str(job.pk))
    preview = admin_client.get(response["Location"])
    assert preview.context["counts"]["new"] == 3
