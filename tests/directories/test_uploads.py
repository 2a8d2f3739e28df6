"""Pending uploads between the preview and the confirmation: read back,
cleaned when old, kept where no URL reaches them, deleted whenever they are
no longer needed."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, re_path
from django.views.static import serve

from kexie_pages.base.storage import private_storage
from kexie_pages.directories.jobs import import_job_run
from kexie_pages.directories.reading import DirectoryImportError
from kexie_pages.directories.uploads import (
    pending_upload_delete,
    pending_upload_read,
    pending_upload_save,
    pending_uploads_clean,
)
from kexie_pages.models import DirectoryImportJob

from .helpers import csv_bytes, sample, table

pytestmark = pytest.mark.django_db

EXPERTS = "/admin/kexie_pages/expert/"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

#: The site's URLs, plus MEDIA_ROOT served at MEDIA_URL as ``make demo`` (DEBUG)
#: serves it: the test below runs against this URL conf.
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("kexie_site.urls")),
]


def test_pending_uploads(settings):
    pending_uploads_clean(max_age=timedelta(seconds=-1))  # other tests' leftovers
    token = pending_upload_save(content=b"abc")
    assert pending_upload_read(token=token) == b"abc"
    assert pending_uploads_clean() == 0  # young uploads stay
    assert pending_uploads_clean(max_age=timedelta(seconds=-1)) == 1
    with pytest.raises(DirectoryImportError) as caught:
        pending_upload_read(token=token)
    assert caught.value.messages == ["上传的文件已不存在，请重新上传。"]
    with pytest.raises(DirectoryImportError):
        pending_upload_read(token="../../etc/passwd")


def test_pending_uploads_are_kept_where_no_url_reaches_them():
    token = pending_upload_save(content=b"\xe5\xa7\x93\xe5\x90\x8d,13812341234\r\n")
    path = f"kexie_imports/{token}"
    assert private_storage().exists(path)
    assert not default_storage.exists(path)  # nothing below MEDIA_URL
    with pytest.raises(ValueError):
        private_storage().url(path)
    pending_upload_delete(token=token)
    assert not private_storage().exists(path)


def upload(client, rows: list[dict]) -> str:
    """Upload ``rows`` of experts for a preview; the pending upload's token."""
    response = client.post(
        EXPERTS + "import/",
        {"file": SimpleUploadedFile("专家.csv", csv_bytes(table("experts", rows)))},
        follow=True,  # to the check job's page, the preview once checked
    )
    check = DirectoryImportJob.objects.filter(kind="check").latest("pk")
    if check.status == "queued":  # a worker's backend: check as the worker would
        import_job_run(job_id=check.pk)
        response = client.get(f"{EXPERTS}job/{check.pk}/")
    return response.context["token"]


def is_kept(token: str) -> bool:
    return private_storage().exists(f"kexie_imports/{token}")


@pytest.mark.urls(__name__)
def test_an_upload_waiting_for_confirmation_is_not_served(admin_client, client):
    rows = sample("experts", 2)
    token = upload(admin_client, rows)
    assert is_kept(token)
    # The URL conf does serve what is below MEDIA_ROOT ...
    default_storage.save("kexie_imports/served.txt", ContentFile(b"public"))
    assert client.get("/media/kexie_imports/served.txt").status_code == 200
    # ... but the upload is not there, to anyone.
    for visitor in (client, admin_client):
        assert visitor.get(f"/media/kexie_imports/{token}").status_code == 404
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not any(token in found.name for found in media.rglob("*"))
    assert media not in Path(private_storage().path(f"kexie_imports/{token}")).parents


def test_the_upload_is_deleted_on_confirm(admin_client):
    token = upload(admin_client, sample("experts", 2))
    admin_client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})
    assert DirectoryImportJob.objects.get(kind="import").status == "done"
    assert not is_kept(token)


def test_the_upload_is_deleted_on_cancel(admin_client):
    token = upload(admin_client, sample("experts", 2))
    admin_client.post(EXPERTS + "confirm/", {"token": token, "cancel": "1"})
    assert not is_kept(token)
    assert not DirectoryImportJob.objects.filter(kind="import").exists()


def test_the_upload_is_deleted_when_the_file_fails(admin_client, settings):
    settings.TASKS = DUMMY
    rows = sample("experts", 2)
    token = upload(admin_client, rows)
    admin_client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})
    # The file changes between the preview and the worker: a row goes bad.
    rows[1]["联系电话"] = "12345"
    private_storage().delete(f"kexie_imports/{token}")
    private_storage().save(
        f"kexie_imports/{token}", ContentFile(csv_bytes(table("experts", rows)))
    )
    job = DirectoryImportJob.objects.get(kind="import")
    assert import_job_run(job_id=job.pk) == "failed"
    assert not is_kept(token)


def test_the_upload_is_deleted_after_six_hours_even_if_a_retry_was_possible(
    admin_client, settings
):
    settings.TASKS = DUMMY
    token = upload(admin_client, sample("experts", 2))
    admin_client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})
    job = DirectoryImportJob.objects.get(kind="import")
    DirectoryImportJob.objects.filter(pk=job.pk).update(status="failed", retryable=True)
    assert is_kept(token)
    pending_uploads_clean()
    assert is_kept(token)  # still young
    pending_uploads_clean(max_age=timedelta(seconds=-1))
    assert not is_kept(token)
    page = admin_client.get(f"{EXPERTS}job/{job.pk}/").content.decode()
    assert "retry/" not in page
    response = admin_client.post(f"{EXPERTS}job/{job.pk}/retry/", follow=True)
    assert "上传的文件已不存在，请重新上传。" in response.content.decode()
