"""Matching a need (找准切合点): its keywords and the ranked, reasoned
suggestions of experts and achievements."""

import pytest

from kexie_pages.models import Achievement
from kexie_pages.needs.matching import need_keywords, need_match_suggestions

pytestmark = pytest.mark.django_db


def test_keywords_of_a_need(needs):
    words = need_keywords(need=needs["wheat"])
    assert "赤霉病" in words and "小麦" in words
    assert "技术" not in words


def test_suggestions_ranked_with_reasons(needs, directory):
    experts, _achievements = need_match_suggestions(need=needs["wheat"])
    names = [s.label for s in experts]
    assert names[0] == "甲专家"
    assert names.index("乙专家") < names.index("丙专家") < names.index("丁专家")
    assert "戊专家" in names
    assert "己专家" not in names and "庚专家" not in names
    best = experts[0]
    assert best.reasons[0] == "同一产业：种植"
    assert best.reasons[1] == "服务扶沟县"
    assert best.reasons[2].startswith("共同关键词：") and "赤霉病" in best.reasons[2]
    citywide = next(s for s in experts if s.label == "丙专家")
    assert "服务全市" in citywide.reasons


def test_achievement_suggestions(needs, category):
    a = Achievement.objects.create(
        title="小麦赤霉病绿色防控技术规程",
        organisation="周口市植保植检站",
        is_public=True,
    )
    a.categories.set([category("种植")])
    Achievement.objects.create(title="肉牛青贮", organisation="周口市畜牧站")
    _experts, achievements = need_match_suggestions(need=needs["wheat"])
    assert [s.label for s in achievements] == ["小麦赤霉病绿色防控技术规程"]


def test_specialists_rank_above_generalists_nearby(scab_case):
    experts, _achievements = need_match_suggestions(need=scab_case["need"])
    names = [s.label for s in experts]
    # The specialist from another county first, even one whose industry was
    # never filled in, then the agronomist next door; another crop comes last
    # and an unrelated expert not at all.
    assert names[0] == "赤霉病专家"
    assert names.index("植保研究员") < names.index("全科农艺师")
    assert names[-1] == "食用菌专家"
    assert "水产专家" not in names
    best = experts[0]
    assert best.speciality == "赤霉病防治"
    assert "赤霉病" in best.reasons[-1] and "防治" in best.reasons[-1]


def test_matching_screen_shows_each_experts_speciality(client, scab_case, staff):
    client.force_login(staff)
    page = client.get(
        f"/admin/snippets/kexie_pages/need/matching/{scab_case['need'].pk}/"
    ).content.decode()
    assert page.index("赤霉病专家") < page.index("全科农艺师")
    assert "专业领域：赤霉病防治" in page
    assert "专业领域：小麦玉米高产栽培" in page
