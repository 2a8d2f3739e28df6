"""Browser test: an article on a 360 px phone, and the same article printed."""

import io

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_article_at_360px_and_on_paper(live_server, news_site, browser, tmp_path):
    article = news_site["article"]
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_server.url + article.url)
    assert page.locator("h1").inner_text() == article.title
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the article is {overflow}px wider than the screen"
    qr = page.get_by_role("img", name="本文的二维码")
    qr.scroll_into_view_if_needed()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_role("link", name="下载二维码（PNG）").is_visible()
    assert page.get_by_role("heading", name="本文涉及").is_visible()
    assert not page.locator(".print-url").is_visible()
    page.screenshot(path=str(tmp_path / "article-360.png"), full_page=True)

    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".article-share").is_visible()
    assert page.locator(".print-url").is_visible()
    page.screenshot(path=str(tmp_path / "article-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"http://localhost/n/{article.pk}/" in text
    assert "主导航" not in text and "搜索本站" not in text
    (tmp_path / "article-print.pdf").write_bytes(pdf)
