"""The admin of the base section: staff edit the taxonomy (anonymous users are
sent to log in), and the page editor makes one page of one create form even when
autosave and Publish both post it."""

import threading
import time

import pytest
from django.core.cache import cache

from kexie_pages.base.page_admin import create_form_key
from kexie_pages.models import IndustryCategory, NewsPage


@pytest.mark.django_db
def test_staff_edit_categories_in_the_admin(admin_client):
    listing = admin_client.get("/admin/snippets/kexie_pages/industrycategory/")
    assert listing.status_code == 200
    assert "林下经济" in listing.content.decode()
    response = admin_client.post(
        "/admin/snippets/kexie_pages/industrycategory/add/",
        {"name": "中药材", "slug": "zhongyaocai", "description": "", "sort_order": 9},
    )
    assert response.status_code == 302
    assert IndustryCategory.objects.filter(name="中药材").exists()


@pytest.mark.django_db
def test_anonymous_users_cannot_reach_the_taxonomy_admin(client):
    response = client.get("/admin/snippets/kexie_pages/county/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def autosave(admin_client, url: str, data: dict):
    """Post the page editor's form as Wagtail's autosave does: in the background,
    asking for JSON."""
    return admin_client.post(url, data, HTTP_ACCEPT="application/json")


@pytest.mark.django_db
def test_publish_after_autosave_made_the_page(admin_client, news_add_url, news_form):
    # The editor types a title (Wagtail's JavaScript copies it into the slug);
    # autosave makes a draft; Publish, clicked before the autosave's answer
    # moved the form to the edit view, posts the same form to the create view.
    form = news_form(
        slug="扶沟县召开小麦赤霉病防治观摩会", csrfmiddlewaretoken="form-1"
    )
    saved = autosave(admin_client, news_add_url, form)
    assert saved.status_code == 200 and saved.json()["success"]
    published = admin_client.post(
        news_add_url, {**form, "action-publish": "publish"}, follow=True
    )
    content = published.content.decode()
    assert "已被使用" not in content and "已经发布" in content
    page = NewsPage.objects.get()
    assert page.live and page.slug == "fugouxian-zhaokai-xiaomai-chimeibing-fangzhi"
    assert not page.has_unpublished_changes


@pytest.mark.django_db
def test_an_autosave_arriving_after_publish_saves_nothing(
    admin_client, news_add_url, news_form
):
    form = news_form(slug="观摩会", csrfmiddlewaretoken="form-1")
    admin_client.post(news_add_url, {**form, "action-publish": "publish"})
    late = autosave(admin_client, news_add_url, {**form, "intro": "旧的摘要"})
    page = NewsPage.objects.get()
    assert late.json()["success"]
    assert late.json()["url"] == f"/admin/pages/{page.pk}/edit/"
    assert page.live and not page.has_unpublished_changes
    assert page.intro != "旧的摘要"


@pytest.mark.django_db
def test_autosaves_of_a_new_page_keep_to_one_page(
    admin_client, news_add_url, news_form
):
    # Wagtail retries an autosave whose answer was lost (a weak network) to
    # the address it last knew: the create view.
    form = news_form(slug="观摩会", csrfmiddlewaretoken="form-1")
    first = autosave(admin_client, news_add_url, form).json()
    again = autosave(admin_client, news_add_url, {**form, "intro": "改过的摘要"})
    page = NewsPage.objects.get()
    assert again.json()["url"] == first["url"] == f"/admin/pages/{page.pk}/edit/"
    assert page.get_latest_revision_as_object().intro == "改过的摘要"


@pytest.mark.django_db
def test_another_create_form_makes_another_page(admin_client, news_add_url, news_form):
    for token in ("form-1", "form-2"):
        admin_client.post(
            news_add_url,
            news_form(
                slug="观摩会", csrfmiddlewaretoken=token, **{"action-publish": "1"}
            ),
        )
    assert sorted(NewsPage.objects.values_list("slug", flat=True)) == [
        "guanmohui",
        "guanmohui-2",
    ]


@pytest.mark.django_db
def test_a_post_arriving_while_the_first_is_at_work_waits_for_its_page(
    admin_client, admin_user, news_index, news_add_url, news_form
):
    # The autosave's request is still making the page (another worker) when
    # Publish arrives: it waits for that page and publishes it.
    draft = news_index.add_child(
        instance=NewsPage(
            title="观摩会", slug="guanmohui", date="2026-05-12", live=False
        )
    )
    key = create_form_key(
        user_id=admin_user.pk,
        parent_id=news_index.pk,
        page_class=NewsPage,
        token="form-1",
    )
    cache.add(key, "claimed:autosave", 30)
    done = threading.Timer(0.3, cache.set, args=(key, draft.pk, 3600))
    done.start()
    form = news_form(slug="观摩会", csrfmiddlewaretoken="form-1")
    admin_client.post(news_add_url, {**form, "action-publish": "publish"})
    done.join()
    page = NewsPage.objects.get()
    assert page.pk == draft.pk and page.live


@pytest.mark.django_db
def test_a_refused_first_post_gives_its_claim_back(
    admin_client, news_add_url, news_form
):
    form = news_form(slug="观摩会", csrfmiddlewaretoken="form-1")
    refused = autosave(admin_client, news_add_url, {**form, "title": ""})
    assert refused.json()["success"] is False and not NewsPage.objects.exists()
    started = time.monotonic()
    admin_client.post(news_add_url, {**form, "action-publish": "publish"})
    assert time.monotonic() - started < 5  # not the 30 s a held claim may take
    assert NewsPage.objects.get().live
