"""kexie_backup / kexie_restore: what a site holds comes back into an empty site."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Page

from kexie_forms.models import FormSubmission
from kexie_pages.base.backup import _storages, _walk
from kexie_pages.models import (
    County,
    IndustryCategory,
    Need,
    NeedsLibraryPage,
)
from kexie_pages.needs.services import need_set_status, needs_bulk_create

from ..forms.helpers import FUGOU, PDF, make_form_page, upload, valid_data

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def snapshot() -> dict:
    """What a visitor and staff would see: pages, needs, submissions, files."""
    files = {}
    for alias, storage in _storages().items():
        for name in _walk(storage):
            with storage.open(name, "rb") as handle:
                files[f"{alias}/{name}"] = handle.read()
    return {
        "pages": sorted(
            Page.objects.values_list("url_path", "title", "live", "content_type__model")
        ),
        "needs": sorted(
            (
                n.title,
                n.status,
                n.county.code,
                [c.status for c in n.status_changes.order_by("pk")],
            )
            for n in Need.objects.all()
        ),
        "submissions": sorted(
            (
                s.receipt_number,
                s.form_data.get("village"),
                [a.file.read() for a in s.attachments.all()],
            )
            for s in FormSubmission.objects.all()
        ),
        "documents": sorted(
            (d.title, d.file.read()) for d in get_document_model().objects.all()
        ),
        "files": files,
    }


def test_a_backup_restores_everything_into_an_empty_site(
    home, news_index, add_news, news_corpus, tmp_path
):
    add_news(news_index, 1, news_corpus[0])
    library = home.add_child(
        instance=NeedsLibraryPage(title="科技需求库", slug="needs")
    )
    need = needs_bulk_create(
        needs=[
            Need(
                title="小麦赤霉病连年发生",
                county=County.objects.get(code=FUGOU),
                category=IndustryCategory.objects.first(),
                township="练寺镇",
                village="前王庄村",
                description="需要防治技术。",
                contact_name="王大成",
                contact_phone="13812345678",
            )
        ],
        publish=True,
    )[0]
    need_set_status(need=need, status="matched")
    form = make_form_page(home, slug="report")
    Client().post(
        form.url, valid_data(form, county=FUGOU, attachment=upload("报告.pdf", PDF))
    )
    get_document_model().objects.create(
        title="小麦病虫害防治手册", file=ContentFile(PDF, name="shouce.pdf")
    )
    storages["kexie_private"].save("imports/pending.xlsx", ContentFile(b"PK\x03\x04"))
    before = snapshot()
    assert len(before["submissions"]) == 1 and before["submissions"][0][2] == [PDF]
    assert library.live and len(before["files"]) >= 3

    archive = tmp_path / "kexie.tar.gz"
    call_command("kexie_backup", str(archive))
    with (
        translation.override("zh-hans"),
        pytest.raises(CommandError, match="本站已有内容"),
    ):
        call_command("kexie_restore", str(archive))

    # An empty site: no rows, no files.
    call_command("flush", interactive=False, verbosity=0)
    for storage in _storages().values():
        for name in list(_walk(storage)):
            storage.delete(name)
    assert snapshot()["pages"] == [] and snapshot()["files"] == {}

    call_command("kexie_restore", str(archive))
    assert snapshot() == before
    # The search index was rebuilt: the restored need is found again.
    assert Need.objects.filter(live=True).search("赤霉病").count() == 1


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "not.tar.gz"
    bogus.write_bytes(b"hello")
    with pytest.raises(CommandError):
        call_command("kexie_restore", str(bogus))
