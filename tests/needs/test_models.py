"""The need as a model: draftable, revisioned, with a public place and a
masked phone; the library is an ordinary page."""

import pytest
from wagtail.models import Page

from kexie_pages.models import NeedsLibraryPage, NeedStatus
from kexie_pages.needs.services import need_set_status

pytestmark = pytest.mark.django_db


def test_need_is_a_draftable_revisioned_model(needs):
    need = needs["wheat"]
    assert need.live and not needs["draft"].live
    assert need.place == "扶沟县练寺镇前王庄村"
    assert need.masked_contact_phone == "139****5678"
    assert need.get_url() == f"/needs/{need.pk}/"
    # A revision saved before a status change does not wind the status back.
    revision = need.save_revision()
    need_set_status(need=need, status=NeedStatus.IN_TALKS)
    need.refresh_from_db()
    revision.publish()
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_TALKS
    assert [c.status for c in need.status_changes.all()] == ["open", "in_talks"]


def test_library_page_is_a_normal_page(needs):
    assert Page.objects.type(NeedsLibraryPage).live().count() == 1
