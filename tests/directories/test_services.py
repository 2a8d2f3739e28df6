"""Writing a checked import: links, updates of changed rows only, links to
experts, queries per batch, nothing written when a row is wrong."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie_pages.models import Achievement, Expert, TechLeader

from .helpers import sample

pytestmark = pytest.mark.django_db


def test_import_creates_links_and_search_finds_them(import_rows):
    rows = sample("experts", 3)
    rows[0].update(
        {
            "服务区县": "扶沟县、411622；淮阳",
            "产业类别": "种植，养殖",
            "专业领域": "小麦赤霉病防治",
        }
    )
    import_rows("experts", rows, dry_run=False)
    expert = Expert.objects.get(name=rows[0]["姓名"], employer=rows[0]["工作单位"])
    assert sorted(c.name for c in expert.counties.all()) == [
        "扶沟县",
        "淮阳区",
        "西华县",
    ]
    assert sorted(c.name for c in expert.categories.all()) == ["养殖", "种植"]
    assert expert in Expert.objects.search("赤霉病")
    assert expert.name_pinyin  # filled although bulk_create skips save()


def test_reimport_with_a_change_updates_only_that_row(import_rows):
    rows = sample("leaders", 4)
    import_rows("leaders", rows, dry_run=False)
    rows[1]["带动贫困户数"] = "99"
    rows[2]["产业类别"] = "农村电商"
    result = import_rows("leaders", rows, dry_run=False)
    assert [r.status for r in result.rows] == [
        "unchanged",
        "update",
        "update",
        "unchanged",
    ]
    leader = TechLeader.objects.get(name=rows[1]["姓名"], village=rows[1]["所在村"])
    assert leader.households_helped == 99
    changed = TechLeader.objects.get(name=rows[2]["姓名"], village=rows[2]["所在村"])
    assert [c.name for c in changed.categories.all()] == ["农村电商"]


def test_reimport_writes_each_rows_own_changes_and_leaves_the_rest(import_rows):
    rows = sample("experts", 3)
    import_rows("experts", rows, dry_run=False)
    Expert.objects.filter(name=rows[0]["姓名"]).update(name_pinyin="")  # stale
    before = {e.name: e for e in Expert.objects.all()}
    rows[0]["职称"] = "研究员（二级）"
    rows[1]["是否公开"] = "否" if rows[1]["是否公开"] == "是" else "是"
    result = import_rows("experts", rows, dry_run=False)
    assert [r.status for r in result.rows] == ["update", "update", "unchanged"]
    after = {e.name: e for e in Expert.objects.all()}
    first, second, third = (rows[i]["姓名"] for i in range(3))
    assert after[first].title == "研究员（二级）"
    assert after[first].name_pinyin  # a derived field that differs is written
    assert after[first].is_public == before[first].is_public
    assert after[second].is_public != before[second].is_public
    assert after[second].title == before[second].title
    assert after[third].updated_at == before[third].updated_at
    assert after[first].updated_at > before[first].updated_at


def test_achievement_links_to_expert_by_name_or_name_and_unit(import_rows):
    experts = sample("experts", 2)
    import_rows("experts", experts, dry_run=False)
    rows = sample("achievements", 2)
    rows[0]["联系专家"] = experts[0]["姓名"]
    rows[1]["联系专家"] = f"{experts[1]['姓名']}({experts[1]['工作单位']})"
    import_rows("achievements", rows, dry_run=False)
    linked = {a.expert.name for a in Achievement.objects.select_related("expert")}
    assert linked == {experts[0]["姓名"], experts[1]["姓名"]}


def test_queries_grow_with_batches_not_rows(import_rows):
    def queries(count):
        Expert.objects.all().delete()
        rows = sample("experts", count, seed=count)
        with CaptureQueriesContext(connection) as captured:
            import_rows("experts", rows, dry_run=False)
        return len(captured)

    few, many = queries(40), queries(400)
    # Ten times the rows: a handful more queries (one per 500-row batch), not 360.
    assert few <= many <= few + 10


def test_error_in_row_4999_of_5000_writes_nothing(import_rows):
    rows = sample("leaders", 5000, seed=11)
    rows[4998]["所在区县"] = "不存在县"
    result = import_rows("leaders", rows, dry_run=False)
    assert result.error_lines() == [
        "第 5000 行「所在区县」：未知的区县“不存在县”：请填写区县名称或六位行政区划代码。"
    ]
    assert TechLeader.objects.count() == 0
