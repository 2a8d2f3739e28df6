"""Needs services: bulk creation as drafts, status changes, accepting an
enquiry, exports."""

import pytest

from kexie_pages.models import Enquiry, Need, NeedStatus
from kexie_pages.needs.services import (
    NeedsError,
    enquiry_accept,
    need_set_status,
    needs_bulk_create,
    needs_export,
)

pytestmark = pytest.mark.django_db


def test_bulk_create_makes_drafts_with_history(library, county, category):
    created = needs_bulk_create(
        needs=[
            Need(
                title=f"需求{i}",
                county=county("郸城县"),
                township="城关镇",
                village="东王庄村",
                category=category("养殖"),
                description="养殖技术",
            )
            for i in range(30)
        ]
    )
    assert len(created) == 30
    assert Need.objects.filter(live=False, has_unpublished_changes=True).count() == 30
    assert all(n.status_changes.count() == 1 for n in created[:3])


def test_unknown_status_is_refused_in_chinese(needs):
    with pytest.raises(NeedsError, match="未知状态"):
        need_set_status(need=needs["wheat"], status="nonsense")


def test_unknown_export_format(client, library):
    assert client.get("/needs/export/pdf/").status_code == 404
    with pytest.raises(NeedsError, match="未知格式"):
        needs_export(needs=Need.objects.all(), file_format="pdf")


def test_accept_never_moves_a_need_back(needs):
    need = needs["wheat"]
    need_set_status(need=need, status=NeedStatus.SOLVED)
    enquiry = Enquiry.objects.create(
        need=need, organisation="某公司", name="甲", phone="13800000000", message="m"
    )
    enquiry_accept(enquiry=enquiry)
    need.refresh_from_db()
    assert need.status == NeedStatus.SOLVED
