"""Page slugs (``kexie_pages.base.slugs``): a Chinese title gives a short pinyin
slug, from the admin with or without its JavaScript, from ``add_child`` in code
and from the v3 API; an ASCII slug the editor typed is kept."""

import json
import re
from urllib.parse import quote

import pytest
from wagtail.models import APIToken, get_page_models

from kexie_pages.base.slugs import PinyinSlugMixin, pinyin_slug
from kexie_pages.models import NewsIndexPage, NewsPage

from .conftest import LONG_TITLE

PINYIN_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def article(title: str, **fields) -> NewsPage:
    return NewsPage(title=title, date="2026-05-12", intro="摘要", **fields)


def test_pinyin_of_chinese_words():
    assert pinyin_slug("小麦赤霉病防治") == "xiaomai-chimeibing-fangzhi"
    assert pinyin_slug("２０２４年度总结") == "2024-niandu-zongjie"
    assert pinyin_slug("About Us!") == "about-us"
    assert pinyin_slug("！！！") == ""


def test_a_long_title_is_cut_at_a_word_within_50_characters():
    slug = pinyin_slug(LONG_TITLE)
    assert len(quote(LONG_TITLE)) > 290  # what Wagtail's own slug puts in the URL
    assert len(slug) <= 50 and PINYIN_SLUG.fullmatch(slug)
    assert slug.startswith("fugouxian-xiaomai-chimeibing-")


@pytest.mark.django_db
def test_add_child_without_a_slug_gets_pinyin(news_index: NewsIndexPage, client):
    page = news_index.add_child(instance=article("小麦赤霉病防治技术培训"))
    assert page.slug == "xiaomai-chimeibing-fangzhi-jishupeixun"
    assert page.url_path.endswith("/news/xiaomai-chimeibing-fangzhi-jishupeixun/")
    assert client.get(page.url).status_code == 200
    again = news_index.add_child(instance=article("小麦赤霉病防治技术培训"))
    assert again.slug == "xiaomai-chimeibing-fangzhi-jishupeixun-2"


@pytest.mark.django_db
def test_a_unicode_slug_given_in_code_becomes_pinyin(news_index):
    page = news_index.add_child(instance=article("工作动态", slug="工作动态"))
    assert page.slug == "gongzuo-dongtai"


@pytest.mark.django_db
def test_an_ascii_slug_is_kept(news_index):
    page = news_index.add_child(instance=article("小麦赤霉病", slug="Scab-2026"))
    assert page.slug == "Scab-2026"


@pytest.mark.django_db
def test_an_existing_chinese_slug_is_kept(news_index):
    page = news_index.add_child(instance=article("工作动态", slug="keep"))
    # A page saved before this module existed, with Wagtail's own slug.
    NewsPage.objects.filter(pk=page.pk).update(slug="工作动态", url_path="/x/")
    page.refresh_from_db()
    page.intro = "新的摘要"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.slug == "工作动态"


@pytest.mark.django_db
def test_unique_suffix_stays_within_50_characters(news_index):
    first = news_index.add_child(instance=article(LONG_TITLE))
    second = news_index.add_child(instance=article(LONG_TITLE))
    assert second.slug != first.slug
    assert len(second.slug) <= 50 and second.slug.endswith("-2")


@pytest.mark.django_db
def test_admin_create_without_javascript_leaves_the_slug_to_the_server(
    admin_client, news_add_url, news_form
):
    # No JavaScript: the slug field stays empty; saving a draft fills it.
    response = admin_client.post(news_add_url, news_form(slug=""))
    assert response.status_code == 302
    page = NewsPage.objects.get()
    assert len(page.slug) <= 50 and PINYIN_SLUG.fullmatch(page.slug)
    edit = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert f'value="{page.slug}"' in edit


@pytest.mark.django_db
def test_admin_publish_with_wagtails_unicode_slug(
    admin_client, news_add_url, news_form, client
):
    # What Wagtail's JavaScript puts in the slug field: the title, urlified.
    response = admin_client.post(
        news_add_url, news_form(slug=LONG_TITLE, **{"action-publish": "publish"})
    )
    assert response.status_code == 302
    page = NewsPage.objects.get()
    assert page.live and PINYIN_SLUG.fullmatch(page.slug) and len(page.slug) <= 50
    assert page.get_latest_revision().content["slug"] == page.slug
    assert len(page.url) < 70
    assert client.get(page.url).status_code == 200


@pytest.mark.django_db
def test_api_create_without_a_slug(client, home, admin_user):
    _token, secret = APIToken.create_token(user=admin_user, name="mini-program")
    response = client.post(
        "/api/v3/pages/",
        json.dumps(
            {
                "meta": {"parent_id": home.pk, "type": "kexie_pages.NewsIndexPage"},
                "title": "工作动态",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["meta"]["slug"] == "gongzuo-dongtai"


def test_every_page_type_of_the_plugin_takes_pinyin_slugs():
    ours = [
        model
        for model in get_page_models()
        if model._meta.app_label in {"kexie_pages", "kexie_forms"}
    ]
    assert len(ours) >= 9
    assert [m for m in ours if not issubclass(m, PinyinSlugMixin)] == []
