"""Needs selectors: facet counts of the public filters and the statistics."""

import pytest

from kexie_pages.models import County, NeedStatus
from kexie_pages.needs.selectors import (
    NeedFilters,
    needs_public_facets,
    needs_statistics,
)
from kexie_pages.needs.services import need_set_status

pytestmark = pytest.mark.django_db


def test_facet_counts_apply_the_other_filters(needs):
    facets = needs_public_facets(filters=NeedFilters(county="411621"))
    by_county = {f.label: f.count for f in facets.counties}
    by_category = {f.label: f.count for f in facets.categories}
    assert (
        by_county["扶沟县"] == 2 and by_county["西华县"] == 1
    )  # county ignores itself
    assert by_category == {
        **dict.fromkeys(by_category, 0),
        "种植": 1,
        "设施休闲农业": 1,
    }
    assert {f.value: f.count for f in facets.statuses}["open"] == 2


def test_statistics(needs):
    need_set_status(need=needs["cattle"], status=NeedStatus.SOLVED)
    stats = needs_statistics()
    rows = {row["county"].name: row for row in stats["counties"]}
    assert rows["扶沟县"]["by_status"] == {
        "open": 3,
        "in_talks": 0,
        "matched": 0,
        "solved": 0,
    }
    assert rows["西华县"]["by_status"]["solved"] == 1
    assert rows["郸城县"]["total"] == 0
    assert len(stats["counties"]) == County.objects.count()
    industries = {row["category"].name: row for row in stats["industries"]}
    assert industries["种植"]["total"] == 2 and industries["种植"]["households"] == 12
    assert industries["养殖"]["solved"] == 1
    assert stats["total"] == 4
    assert needs_statistics(live_only=True)["total"] == 3
