"""The booklet as a model: size and page count read from its PDF, only a
PDF accepted, booklets only inside the library."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from kexie_pages.models import BookletIndexPage, BookletPage


@pytest.mark.django_db
def test_size_and_page_count_come_from_the_file(booklet):
    data = booklet.document.file.open("rb").read()
    assert booklet.page_count == 3
    assert booklet.file_size == len(data)
    assert booklet.techniques_list == ["抽穗扬花期喷药", "品种选择"]


@pytest.mark.django_db
def test_a_new_file_updates_the_page_count(booklet, make_pdf):
    document = booklet.document
    document.file.save("new.pdf", ContentFile(make_pdf(pages=7)), save=False)
    document.file_size, document.file_hash = None, ""
    document.save()
    booklet.refresh_from_db()
    booklet.save_revision().publish()
    booklet.refresh_from_db()
    assert booklet.page_count == 7
    assert booklet.file_size == document.file.size


@pytest.mark.django_db
def test_a_booklet_refuses_a_document_that_is_not_a_pdf(booklet, make_document):
    booklet.document = make_document(b"<html><body>hi</body></html>", "fake.pdf")
    with pytest.raises(ValidationError) as error:
        booklet.full_clean()
    assert "不是PDF" in str(error.value.message_dict["document"])


@pytest.mark.django_db
def test_booklets_live_only_in_the_library(home, booklet_index):
    assert BookletIndexPage.can_create_at(home)
    assert BookletPage.can_create_at(booklet_index)
    assert not BookletPage.can_create_at(home)
    assert BookletPage.allowed_subpage_models() == []
