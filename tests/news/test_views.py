"""The news pages as readers see them: categories and county filters, an
article with its QR code, print stylesheet and what it is about, the short
address, and the needs and courses that list the articles about them."""

import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from kexie_pages.models import NewsCategory

pytestmark = pytest.mark.django_db


def test_four_news_categories_exist():
    assert list(NewsCategory.objects.values_list("name", flat=True)) == [
        "工作动态",
        "经验交流",
        "媒体报道",
        "品牌活动",
    ]


def test_index_filters_by_category_and_county(client, news_site):
    others = news_site["others"]
    html = client.get("/news/").content.decode()
    for name in ("工作动态", "经验交流", "媒体报道", "品牌活动"):
        assert f">{name}</a>" in html
    html = client.get("/news/", {"category": "meiti-baodao"}).content.decode()
    assert others["meiti-baodao"].title in html
    assert news_site["article"].title not in html
    html = client.get("/news/", {"county": "411621"}).content.decode()
    assert news_site["article"].title in html
    assert others["meiti-baodao"].title not in html
    html = client.get("/news/", {"category": "nope"}).content.decode()
    assert 'class="results news-list"' not in html
    assert news_site["article"].title not in html


def test_article_shows_what_it_is_about_public_only(client, news_site):
    html = client.get(news_site["article"].url).content.decode()
    about = html.split('id="about-heading"')[1].split("</section>")[0]
    library = news_site["library"]
    assert f'href="{library.need_url(news_site["need"])}"' in about
    assert f'href="{news_site["course"].url}"' in about
    assert "张伟" in about
    assert "不公开专家" not in html


def test_article_has_a_qr_code_to_download_and_print_rules(client, news_site):
    article = news_site["article"]
    html = client.get(article.url).content.decode()
    assert f'src="{article.url}qr-svg/"' in html
    assert f'href="{article.url}qr-png/"' in html
    # The printed page says where it lives online.
    assert f"http://localhost/n/{article.pk}/" in html
    response = client.get(f"{article.url}qr-png/")
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    assert Image.open(io.BytesIO(response.content)).format == "PNG"
    assert client.get(f"{article.url}qr-svg/")["Content-Type"] == "image/svg+xml"
    assert "kexie_pages/news.css" in html
    text = Path(finders.find("kexie_pages/news.css")).read_text(encoding="utf-8")
    print_rules = text.split("@media print")[1]
    assert ".main-nav" in print_rules and ".print-url{display:block" in print_rules


def test_short_address_forwards_to_the_live_article(client, news_site):
    article = news_site["article"]
    response = client.get(f"/n/{article.pk}/")
    assert response.status_code == 302 and response["Location"] == article.url
    assert client.get(f"/n/{news_site['draft'].pk}/").status_code == 404


def test_needs_and_courses_list_the_articles_about_them(client, news_site):
    article = news_site["article"]
    for path in (
        news_site["library"].need_url(news_site["need"]),
        news_site["course"].url,
    ):
        html = client.get(path).content.decode()
        section = html.split('id="news-about-heading"')[1].split("</section>")[0]
        assert f'href="{article.url}"' in section, path
    article.unpublish()
    html = client.get(news_site["course"].url).content.decode()
    assert 'id="news-about-heading"' not in html


def test_the_editor_offers_choosers_for_what_an_article_is_about(
    admin_client, news_site
):
    article = news_site["article"]
    html = admin_client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    for relation in ("agreement_links", "need_links", "course_links", "expert_links"):
        assert f'id="id_{relation}-TOTAL_FORMS"' in html, relation
    for model in ("expert", "achievement", "association", "demonstrationbase"):
        response = admin_client.get(f"/admin/kexie/choose/{model}/")
        assert response.status_code == 200, model
    found = admin_client.get("/admin/kexie/choose/expert/results/", {"q": "张伟"})
    assert "张伟" in found.content.decode()


def test_an_agreement_and_its_articles_link_each_other(client, news_site):
    from kexie_pages.models import (
        Agreement,
        AgreementIndexPage,
        AgreementStatus,
        County,
        NewsAgreementLink,
    )

    index = news_site["home"].add_child(
        instance=AgreementIndexPage(title="对接协议", slug="agreements")
    )
    agreement = Agreement.objects.create(
        title="扶沟县小麦赤霉病统防统治科技协作协议",
        county=County.objects.get(code="411621"),
        status=AgreementStatus.IN_PROGRESS,
        summary="省农科院植保所与练寺镇合作开展统防统治。",
    )
    draft = Agreement.objects.create(title="尚未签订的协议", county=agreement.county)
    article = news_site["article"]
    article.agreement_links.add(NewsAgreementLink(agreement=agreement))
    article.agreement_links.add(NewsAgreementLink(agreement=draft))
    article.save_revision().publish()

    html = client.get(article.url).content.decode()
    assert f'href="{index.agreement_url(agreement)}"' in html
    assert "尚未签订的协议" not in html
    page = client.get(index.agreement_url(agreement)).content.decode()
    section = page.split('id="news-about-heading"')[1].split("</section>")[0]
    assert f'href="{article.url}"' in section
    assert f'content="http://localhost/og/agreement/{agreement.pk}.png?v=' in page
    assert client.get(f"/og/agreement/{agreement.pk}.png").status_code == 200
    assert client.get(f"/og/agreement/{draft.pk}.png").status_code == 404


def test_keywords_combine_with_category_and_county(client, news_site):
    article = news_site["article"]
    found = client.get(
        "/news/", {"q": "赤霉病", "category": "gongzuo-dongtai", "county": "411621"}
    ).content.decode()
    assert article.title in found
    found = client.get(
        "/news/", {"q": "赤霉病", "category": "meiti-baodao"}
    ).content.decode()
    assert article.title not in found
