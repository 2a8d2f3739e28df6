"""The booklets in the admin: the download report, file facts in the page
editor, and the editor refusing a document that is not a PDF."""

import re
from datetime import date

import pytest
from django.test import Client

from kexie_pages.booklets.downloads import download_counter

from .helpers import TITLE


@pytest.mark.django_db
def test_staff_see_downloads_per_booklet_month_and_source(booklet, admin_client):
    download_counter.add(booklet.pk, "poster", month=date(2026, 3, 1))
    download_counter.add(booklet.pk, "")
    download_counter.add(booklet.pk, "poster")
    report = admin_client.get("/admin/booklet-downloads/").content.decode()
    assert "图书下载统计" in report and TITLE in report
    detail = admin_client.get(
        f"/admin/booklet-downloads/{booklet.pk}/"
    ).content.decode()
    assert "2026年3月" in detail
    assert re.search(r"<td>poster</td><td>2</td>", detail)
    assert re.search(r"<td>直接访问</td><td>1</td>", detail)
    assert Client().get("/admin/booklet-downloads/").status_code == 302  # login first


@pytest.mark.django_db
def test_staff_see_file_facts_and_downloads_when_editing(booklet, admin_client):
    download_counter.add(booklet.pk)
    download_counter.flush()
    content = admin_client.get(f"/admin/pages/{booklet.pk}/edit/").content.decode()
    assert "3 页" in content
    assert "已下载1次" in content
    assert f"/admin/booklet-downloads/{booklet.pk}/" in content


@pytest.mark.django_db
def test_the_page_editor_refuses_a_non_pdf_document(
    booklet, admin_client, make_document
):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    fake = make_document(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "fake.pdf")
    data = nested_form_data(
        {
            "title": booklet.title,
            "slug": booklet.slug,
            "summary": booklet.summary,
            "document": fake.pk,
            "related_pages": inline_formset([]),
        }
    )
    response = admin_client.post(f"/admin/pages/{booklet.pk}/edit/", data)
    assert response.status_code == 200
    assert "该文件不是PDF" in response.content.decode()
    booklet.refresh_from_db()
    assert booklet.document_id != fake.pk
