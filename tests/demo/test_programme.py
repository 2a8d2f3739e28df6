"""The programme demo loader, tested once on its own."""

import re

import pytest

from kexie_pages.demo import directories, needs, programme
from kexie_pages.models import (
    Agreement,
    AgreementProgressReport,
    AgreementStatus,
    AgreementStatusChange,
    BrandActivity,
    County,
    KeyTownship,
    LiaisonAssignment,
    LiaisonVisit,
    NeedStatus,
)
from kexie_pages.programme.selectors import liaison_assignments_stale
from kexie_pages.programme.services import TRANSITIONS


@pytest.mark.django_db
def test_demo_programme_covers_every_state_and_flags_stale_villages(
    client, home, tmp_path
):
    directories.load(home, tmp_path)
    needs.load(home, tmp_path)
    message = programme.load(home, tmp_path)
    counties = County.objects.count()
    assert message.startswith(f"programme: {6 * counties} agreements")
    assert programme.load(home, tmp_path).endswith("already there")
    assert Agreement.objects.count() == 6 * counties

    # Every state in every county, each reached by legal moves only.
    for county in County.objects.all():
        states = set(
            Agreement.objects.filter(county=county).values_list("status", flat=True)
        )
        assert states == set(AgreementStatus.values)
    for change in AgreementStatusChange.objects.all():
        assert change.to_status in TRANSITIONS[change.from_status]
    signed = Agreement.objects.exclude(status__in=["draft"]).exclude(needs=None)
    assert signed.exists()
    for agreement in signed:
        assert {n.status for n in agreement.needs.all()} <= {
            NeedStatus.MATCHED,
            NeedStatus.SOLVED,
        }
    assert not Agreement.objects.filter(status="draft", deliverables=None).exists()
    assert AgreementProgressReport.objects.filter(source="expert").exists()
    assert not AgreementProgressReport.objects.filter(
        agreement__status__in=["draft", "signed"]
    ).exists()

    assert set(KeyTownship.objects.values_list("county", flat=True)) == set(
        County.objects.values_list("pk", flat=True)
    )
    assert BrandActivity.objects.count() == counties
    assert KeyTownship.objects.exclude(agreements=None).exists()

    assert LiaisonAssignment.objects.count() == 3 * counties
    assert liaison_assignments_stale().count() == counties  # every third village
    assert LiaisonVisit.objects.count() > 20 * counties

    page = client.get("/agreements/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"共 {5 * counties} 项协议" in html  # drafts are not public
    assert not re.search(r"1[3-9]\d{9}", html)
