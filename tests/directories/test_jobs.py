"""Confirmed directory imports run as django-tasks tasks, with a progress page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kexie_pages.base.storage import private_storage
from kexie_pages.directories import jobs as directory_jobs
from kexie_pages.directories import reading as directory_reading
from kexie_pages.directories import services as directory_services
from kexie_pages.directories.jobs import import_job_run
from kexie_pages.models import DirectoryImportJob, Expert

from .helpers import csv_bytes, sample, table

pytestmark = pytest.mark.django_db

EXPERTS = "/admin/kexie_pages/expert/"
REFRESH = '<meta http-equiv="refresh" content="2">'
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def confirm(client, rows) -> tuple[str, object]:
    """Upload ``rows`` of experts, confirm them; returns the token and the response."""
    response = client.post(
        EXPERTS + "import/",
        {"file": SimpleUploadedFile("专家.csv", csv_bytes(table("experts", rows)))},
    )
    token = response.context["token"]
    return token, client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})


def test_confirm_creates_a_job_that_runs_at_once_by_default(admin_client):
    token, response = confirm(admin_client, sample("experts", 3))
    job = DirectoryImportJob.objects.get()
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
    job = DirectoryImportJob.objects.get()
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


def test_progress_is_recorded_every_batch(admin_client, settings, monkeypatch):
    settings.TASKS = DUMMY
    monkeypatch.setattr(directory_reading, "BATCH_SIZE", 2)
    monkeypatch.setattr(directory_services, "BATCH_SIZE", 2)
    seen = []
    record = directory_jobs._record

    def spy(job, **fields):
        record(job, **fields)
        if "phase" in fields:
            seen.append((fields["phase"], fields["rows_done"], fields["rows_total"]))

    monkeypatch.setattr(directory_jobs, "_record", spy)
    confirm(admin_client, sample("experts", 5))
    job = DirectoryImportJob.objects.get()
    import_job_run(job_id=job.pk)
    assert seen == [
        ("checking", 2, 0),
        ("checking", 4, 0),
        ("writing", 0, 5),
        ("writing", 2, 5),
        ("writing", 4, 5),
        ("writing", 5, 5),
    ]
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 5, 5)


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
    # The file changes between the preview and the worker: a row goes bad.
    rows[1]["联系电话"] = "12345"
    private_storage().delete(f"kexie_imports/{token}")
    private_storage().save(
        f"kexie_imports/{token}",
        __import__("io").BytesIO(csv_bytes(table("experts", rows))),
    )
    job = DirectoryImportJob.objects.get()
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
    job = DirectoryImportJob.objects.get()
    assert import_job_run(job_id=job.pk) == "failed"
    assert Expert.objects.count() == 0
    job.refresh_from_db()
    assert "导入因意外错误而中止，未写入任何数据。" in job.message
    assert "RuntimeError" in job.message


def test_a_vanished_upload_fails_with_a_reason(admin_client, settings):
    settings.TASKS = DUMMY
    token, response = confirm(admin_client, sample("experts", 2))
    private_storage().delete(f"kexie_imports/{token}")
    job = DirectoryImportJob.objects.get()
    assert import_job_run(job_id=job.pk) == "failed"
    page = admin_client.get(response["Location"]).content.decode()
    assert "上传的文件已不存在，请重新上传。" in page


def test_permissions(client, django_user_model, admin_client, staff_client):
    confirm(admin_client, sample("experts", 1))
    job = DirectoryImportJob.objects.get()
    client.logout()
    viewer = staff_client(client, django_user_model, "view_expert", "add_expert")
    for response in [
        viewer.get(f"{EXPERTS}job/{job.pk}/"),
        viewer.post(EXPERTS + "confirm/", {"token": job.token, "confirm": "1"}),
    ]:
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert DirectoryImportJob.objects.count() == 1


def test_a_job_belongs_to_its_directory(admin_client):
    confirm(admin_client, sample("experts", 1))
    job = DirectoryImportJob.objects.get()
    response = admin_client.get(f"/admin/kexie_pages/achievement/job/{job.pk}/")
    assert response.status_code == 404
    assert admin_client.get(f"{EXPERTS}job/999999/").status_code == 404


def test_the_import_page_lists_recent_jobs(admin_client):
    confirm(admin_client, sample("experts", 1))
    job = DirectoryImportJob.objects.get()
    page = admin_client.get(EXPERTS + "import/").content.decode()
    assert "最近的导入" in page and "下载空白模板" in page
    assert f'href="{EXPERTS}job/{job.pk}/"' in page and "已完成" in page
    other = admin_client.get("/admin/kexie_pages/achievement/import/")
    assert "最近的导入" not in other.content.decode()


def test_a_job_without_a_worker_stops_refreshing_and_says_so(admin_client, settings):
    settings.TASKS = DUMMY
    confirm(admin_client, sample("experts", 1))
    job = DirectoryImportJob.objects.get()
    DirectoryImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - DirectoryImportJob.STALLED_AFTER
    )
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert "后台任务进程（manage.py db_worker）可能没有运行" in page
    assert REFRESH not in page
