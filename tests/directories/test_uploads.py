"""Pending uploads between the preview and the confirmation: read back,
cleaned when old, kept where no URL reaches them."""

import pytest

from kexie_pages.directories.reading import DirectoryImportError
from kexie_pages.directories.uploads import (
    pending_upload_delete,
    pending_upload_read,
    pending_upload_save,
    pending_uploads_clean,
)

pytestmark = pytest.mark.django_db


def test_pending_uploads(settings):
    from datetime import timedelta

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
    from django.core.files.storage import default_storage

    from kexie_pages.base.storage import private_storage

    token = pending_upload_save(content=b"\xe5\xa7\x93\xe5\x90\x8d,13812341234\r\n")
    path = f"kexie_imports/{token}"
    assert private_storage().exists(path)
    assert not default_storage.exists(path)  # nothing below MEDIA_URL
    with pytest.raises(ValueError):
        private_storage().url(path)
    pending_upload_delete(token=token)
    assert not private_storage().exists(path)
