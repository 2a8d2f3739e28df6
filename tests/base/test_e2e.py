"""Browser test: the home page on a cheap phone and on a desktop."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_home_page_renders_chinese_and_navigates(
    live_server, home, news_index, news_corpus, browser, width, tmp_path, add_news
):
    add_news(news_index, 1, news_corpus[0])
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "科技助力精准扶贫"
    # The CJK font is really there: the heading's glyphs are not tofu boxes.
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '科技')")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {width}px screen"
    page.screenshot(path=str(tmp_path / f"home-{width}.png"), full_page=True)

    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="工作动态"
    ).click()
    page.wait_for_url("**/news/")
    assert page.locator("h1").inner_text() == "工作动态"
    page.get_by_role("link", name=news_corpus[0]["title"]).click()
    assert page.locator("h1").inner_text() == news_corpus[0]["title"]

    page.get_by_label("搜索本站").fill("赤霉病")
    page.get_by_label("搜索本站").press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert news_corpus[0]["title"] in page.content()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_section_in_the_menu_is_on_a_360px_screen(live_server, home, browser):
    """Seven sections in the menu: on a cheap phone none may be off-screen."""
    from kexie_pages.models import (
        BookletIndexPage,
        LectureHallPage,
        NeedsLibraryPage,
        NewsIndexPage,
        ThinkTankPage,
    )

    for number, (model, title) in enumerate(
        [
            (NewsIndexPage, "工作动态"),
            (LectureHallPage, "农村科普大讲堂"),
            (BookletIndexPage, "科普图书资料"),
            (NeedsLibraryPage, "科技需求库"),
            (ThinkTankPage, "智库"),
        ]
    ):
        home.add_child(
            instance=model(title=title, slug=f"section-{number}", show_in_menus=True)
        )
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(live_server.url + "/")
    links = page.get_by_role("navigation", name="主导航").get_by_role("link")
    assert links.count() >= 5
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        name = links.nth(index).inner_text()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publish_while_the_first_autosave_is_on_its_way(
    serial_live_server, browser, news_index, django_user_model
):
    """Staff on a slow line type a news title and click Publish just as the
    editor's first autosave leaves: the article is published, once."""
    from kexie_pages.models import NewsPage

    live_server = serial_live_server
    django_user_model.objects.create_superuser("editor", "e@example.cn", "pw")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(
        f"{live_server.url}/admin/pages/add/kexie_pages/newspage/{news_index.pk}/"
    )
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 400,
            "downloadThroughput": 50_000,
            "uploadThroughput": 50_000,
        },
    )
    page.wait_for_timeout(2500)  # the editor notes the empty form after 2 s
    page.click("#id_title")
    page.keyboard.type("扶沟县召开小麦赤霉病防治观摩会", delay=40)
    page.fill("#id_date", "2026-05-12")
    page.fill("#id_intro", "观摩会在练寺镇召开。")
    page.wait_for_event(
        "request",
        lambda r: r.method == "POST" and "application/json" in r.headers["accept"],
        timeout=20_000,
    )
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name="发布").click()
    page.wait_for_url(f"**/admin/pages/{news_index.pk}/", timeout=30_000)
    assert "已经发布" in page.content()

    article = NewsPage.objects.get()
    assert (
        article.live and article.slug == "fugouxian-zhaokai-xiaomai-chimeibing-fangzhi"
    )
