"""Browser test: a farmer's cheap phone finds a booklet and downloads it whole."""

from pathlib import Path

import pytest

from kexie_pages.booklets.downloads import download_counter
from kexie_pages.models import BookletDownloadCount, IndustryCategory

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_index_to_booklet_to_download_at_360px(
    live_server, home, browser, settings, tmp_path, add_booklet, make_pdf
):
    from kexie_pages.models import BookletIndexPage

    settings.KEXIE_DOWNLOAD_FLUSH_SECONDS = None
    download_counter._pending.clear()
    index = home.add_child(
        instance=BookletIndexPage(
            title="科普图书资料", slug="booklets", show_in_menus=True
        )
    )
    pdf = make_pdf(pages=12)
    booklet = add_booklet(
        index,
        "小麦赤霉病防治技术手册",
        pdf=pdf,
        category=IndustryCategory.objects.get(slug="zhongzhi"),
    )
    add_booklet(
        index, "肉牛规模养殖技术", category=IndustryCategory.objects.get(slug="yangzhi")
    )

    page = browser.new_page(
        viewport={"width": 360, "height": 740}, accept_downloads=True
    )
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="科普图书资料"
    ).click()
    page.wait_for_url("**/booklets/")
    page.get_by_label("类别").select_option(label="种植")
    page.get_by_role("button", name="筛选").click()
    assert page.locator(".booklets li").count() == 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"index is {overflow}px wider than the screen"
    page.screenshot(path=str(tmp_path / "booklets-360.png"), full_page=True)

    page.get_by_role("link", name="小麦赤霉病防治技术手册").click()
    assert page.locator("h1").inner_text() == "小麦赤霉病防治技术手册"
    assert "12 页" in page.content()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"booklet page is {overflow}px wider than the screen"

    with page.expect_download() as info:
        page.get_by_role("link", name="免费下载").click()
    download = info.value
    assert download.suggested_filename == "小麦赤霉病防治技术手册.pdf"
    saved = tmp_path / "saved.pdf"
    download.save_as(saved)
    assert Path(saved).read_bytes() == pdf  # the file arrived whole

    download_counter.flush()
    assert BookletDownloadCount.objects.get(booklet=booklet).count == 1
