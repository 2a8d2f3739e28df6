"""Background work for booklets: making the lite edition of a heavy PDF.

``booklet_lite_schedule`` runs whenever a booklet page is saved: for a PDF
over 1 MB without a lite edition of that very file, it enqueues
``booklet_lite_task`` once the transaction commits. With a django-tasks
worker backend (the production settings) the rewrite (a few seconds of
Ghostscript per megabyte) happens in the worker, so saving the page is not
slowed; with Django's immediate backend it runs at once, after the commit.
"""

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task
from wagtail.documents import get_document_model

from .lite import lite_min_bytes, pdf_lite
from .models import BookletLiteEdition

logger = logging.getLogger(__name__)

#: A lite edition must weigh at most this share of the original to be offered.
WORTH_OFFERING = 0.8


def booklet_lite_schedule(*, document, file_size: int | None) -> bool:
    """Enqueue the lite edition of ``document`` if it is heavy and has none yet.

    Returns whether a task was scheduled.
    """
    if not file_size or file_size <= lite_min_bytes():
        return False
    if BookletLiteEdition.objects.filter(
        original_id=document.pk, source_hash=document.get_file_hash()
    ).exists():
        return False
    document_id = document.pk
    transaction.on_commit(lambda: booklet_lite_task.enqueue(document_id))
    return True


@task()
def booklet_lite_task(document_id: int) -> str:
    """Make (or remake) the lite edition of document ``document_id``; what happened."""
    document_model = get_document_model()
    original = document_model.objects.filter(pk=document_id).first()
    if original is None:
        return "missing"
    source_hash = original.get_file_hash()
    edition = BookletLiteEdition.objects.filter(original=original).first()
    if edition and edition.source_hash == source_hash:
        return "exists"
    with original.open_file() as stream:
        content = stream.read()
    data = pdf_lite(content)
    lite = None
    if data and len(data) <= len(content) * WORTH_OFFERING:
        with translation.override(settings.LANGUAGE_CODE):
            title = gettext("%(title)s (lite)") % {"title": original.title}
        lite = document_model(title=title[:255], collection=original.collection)
        lite.file.save(f"lite-{original.pk}.pdf", ContentFile(data), save=False)
        lite.file_size = len(data)
        lite.file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        lite.save()
    old_lite = edition.lite if edition else None
    BookletLiteEdition.objects.update_or_create(
        original=original, defaults={"source_hash": source_hash, "lite": lite}
    )
    if old_lite is not None:
        old_lite.delete()
    logger.info(
        "Lite edition of document %s: %s → %s bytes",
        document_id,
        len(content),
        lite.file_size if lite else "none",
    )
    return "made" if lite else "not smaller"
