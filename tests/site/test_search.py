"""Chinese search: a query finds exactly the records containing it."""

import pytest
from django.db.models import Q

from kexie_pages.models import NewsPage
from kexie_pages.search import index_text, query_for_text

# Real queries a clerk or farmer types: crops, animals, techniques, places.
TWO_CHARACTER_QUERIES = [
    "小麦",
    "养殖",
    "防治",
    "种植",
    "技术",
    "培训",
    "大棚",
    "蔬菜",
    "花卉",
    "苗木",
    "林下",
    "经济",
    "专家",
    "贫困",
    "合作",
    "红薯",
    "辣椒",
    "西瓜",
    "肉牛",
    "生猪",
    "蛋鸡",
    "养蜂",
    "芦笋",
    "大蒜",
    "花生",
    "玉米",
    "病害",
    "虫害",
    "增收",
    "示范",
    "加工",
    "电商",
    "直播",
    "秸秆",
    "农机",
    "鱼塘",
    "饲料",
    "疫病",
    "采摘",
    "黄花",
]
OTHER_QUERIES = [
    "猪",
    "羊",
    "鸡",
    "赤霉病",
    "黄花菜",
    "合作社",
    "贫困户",
    "科普示范基地",
    "TMR",
]


def containing(text: str) -> set[int]:
    return set(
        NewsPage.objects.filter(
            Q(title__icontains=text) | Q(intro__icontains=text)
        ).values_list("pk", flat=True)
    )


def found(text: str) -> set[int]:
    return {page.pk for page in NewsPage.objects.search(text)}


@pytest.mark.django_db
@pytest.mark.parametrize("query", TWO_CHARACTER_QUERIES + OTHER_QUERIES)
def test_query_finds_exactly_the_records_containing_it(corpus, query):
    expected = containing(query)
    assert expected, f"the corpus should contain {query!r}"
    assert found(query) == expected


@pytest.mark.django_db
def test_words_typed_together_must_all_appear(corpus):
    both = containing("小麦") & containing("防治")
    assert both
    assert found("小麦防治") == both


@pytest.mark.django_db
def test_space_separated_words_all_appear_by_default(corpus):
    assert found("大棚 西瓜") == containing("大棚") & containing("西瓜")


@pytest.mark.django_db
def test_a_word_nobody_wrote_finds_nothing(corpus):
    assert found("火箭") == set()


@pytest.mark.django_db
def test_punctuation_only_query_does_not_fail(corpus, client):
    response = client.get("/search/", {"q": "，。！"})
    assert response.status_code == 200


def test_index_text_keeps_characters_pairs_and_long_words():
    tokens = index_text("小麦赤霉病防治").split()
    assert {"小", "麦", "小麦", "赤霉", "霉病", "病防", "防治", "赤霉病"} <= set(tokens)


def test_index_text_lowercases_latin_words_and_drops_punctuation():
    assert index_text("TMR日粮，5G网络!").split()[:1] == ["tmr"]
    assert "，" not in index_text("小麦，玉米")


def test_query_for_text_is_none_without_words():
    assert query_for_text("…") is None


@pytest.mark.django_db
def test_site_search_page_lists_matches_and_explains_empty_results(corpus, client):
    response = client.get("/search/", {"q": "肉牛"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "西华县肉牛养殖技术进村入户" in content
    assert "扶沟县举办小麦赤霉病防治技术培训会" not in content

    empty = client.get("/search/", {"q": "火箭"}).content.decode()
    assert "没有找到" in empty


@pytest.mark.django_db
def test_news_keyword_filter_uses_chinese_search(corpus, client):
    content = client.get(corpus.url, {"q": "养蜂"}).content.decode()
    assert "鹿邑县养蜂技术培训助力脱贫" in content
    assert "太康县举办农村电商直播带货培训班" not in content


@pytest.mark.django_db
def test_search_results_are_paginated(corpus, client):
    first = client.get("/search/", {"q": "技术"}).content.decode()
    second = client.get("/search/", {"q": "技术", "page": 2}).content.decode()
    assert "下一页" in first
    assert "上一页" in second


@pytest.mark.django_db
def test_pages_of_ranked_results_cover_every_match_once(corpus):
    results = NewsPage.objects.search("技术")
    pages = [
        [p.pk for p in results[start : start + 7]]
        for start in range(0, results.count(), 7)
    ]
    flat = [pk for page in pages for pk in page]
    assert len(flat) == len(set(flat)) == results.count()
    assert set(flat) == containing("技术")


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_passing_mention(corpus):
    best = NewsPage.objects.search("养蜂")[0]
    assert best.title == "鹿邑县养蜂技术培训助力脱贫"


@pytest.mark.django_db
def test_search_respects_the_querysets_filters(corpus):
    draft = NewsPage.objects.get(title="鹿邑县养蜂技术培训助力脱贫")
    draft.unpublish()
    assert draft.pk not in {p.pk for p in NewsPage.objects.live().search("养蜂")}
    assert draft.pk in found("养蜂")


@pytest.mark.django_db
def test_site_search_finds_needs_and_think_tank_entries_labelled_by_kind(
    client, home, corpus
):
    """One result list: news, published needs and public experts, each with its kind;
    drafts and private entries stay out, and no phone number is shown."""
    from kexie_pages.models import (
        County,
        Expert,
        IndustryCategory,
        Need,
        NeedsLibraryPage,
        ThinkTankPage,
    )
    from kexie_pages.needs.services import needs_bulk_create

    home.add_child(instance=NeedsLibraryPage(title="科技需求库", slug="needs"))
    home.add_child(
        instance=ThinkTankPage(title="专家库", slug="experts", directory="experts")
    )
    values = {
        "county": County.objects.get(code="411621"),
        "category": IndustryCategory.objects.get(slug="zhongzhi"),
        "village": "前王庄村",
        "description": "小麦扬花期遇雨，赤霉病发病率超过三成。",
        "contact_phone": "13812341234",
    }
    published = needs_bulk_create(
        needs=[Need(title="赤霉病防治需求", **values)], publish=True
    )[0]
    needs_bulk_create(needs=[Need(title="赤霉病草稿需求", **values)])
    Expert.objects.create(
        name="李明",
        employer="周口市农科院",
        speciality="小麦赤霉病",
        is_public=True,
        phone="13912345678",
    )
    Expert.objects.create(
        name="王强", employer="周口市农科院", speciality="小麦赤霉病", is_public=False
    )

    html = client.get("/search/", {"q": "赤霉病"}).content.decode()
    assert f'href="/needs/{published.pk}/"' in html
    assert "赤霉病防治需求" in html and "赤霉病草稿需求" not in html
    assert "李明" in html and "王强" not in html
    assert '<span class="tag">技术需求</span>' in html
    assert '<span class="tag">专家</span>' in html
    assert "13812341234" not in html and "13912345678" not in html
