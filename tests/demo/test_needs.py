"""The demo needs library, tested once on its own."""

import re

import pytest

from kexie_pages.demo import needs as demo_needs
from kexie_pages.models import County, IndustryCategory, Need, NeedMatch, NeedStatus


@pytest.mark.django_db
def test_demo_needs_cover_every_county_and_industry(client, home):
    first = [(n.title, n.village, n.county_id) for n in demo_needs.generate_needs(30)]
    again = [(n.title, n.village, n.county_id) for n in demo_needs.generate_needs(30)]
    assert first == again  # deterministic

    message = demo_needs.load(home, None)
    assert message.startswith("needs: 240 published")
    assert demo_needs.load(home, None) == "needs: 240 already there"
    assert Need.objects.public().count() == 240
    assert set(Need.objects.values_list("county", flat=True)) == set(
        County.objects.values_list("pk", flat=True)
    )
    used = set(Need.objects.values_list("category", flat=True))
    assert used == set(IndustryCategory.objects.values_list("pk", flat=True))
    assert set(Need.objects.values_list("status", flat=True)) == set(NeedStatus.values)
    # Without the directories loaded there is no one to match with.
    assert NeedMatch.objects.count() == 0

    page = client.get("/needs/").content.decode()
    assert "240 条需求" in page
    assert not re.search(r"1[3-9]\d{9}", page)
