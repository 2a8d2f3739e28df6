"""Browser tests: every public page type and the main admin screens load under
the site's enforced Content-Security-Policy without one violation; every public
page type on a 360 px phone passes axe-core with no serious or critical finding."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.e2e

#: Collects every ``securitypolicyviolation`` event of a page, even one fired
#: before the load finished (added before any script of the page runs).
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def violations_on(page, url: str) -> list[str]:
    """Open ``url``; the CSP violations its events and console reported."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response)
    assert "content-security-policy" in response.headers, url
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp") + console


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_and_admin_screens_raise_no_csp_violation(
    live_server, browser, public_site
):
    s = public_site
    public = {
        "home": s["home"].url,
        "news index": s["news_index"].url,
        "news article": s["article"].url,
        "booklets index": s["booklets"].url,
        "booklet": s["booklet"].url,
        "booklet poster": s["booklet"].url + "poster/",
        "lecture hall": s["hall"].url,
        "calendar": s["hall"].url + "calendar/",
        "course": s["course"].url,
        "needs library": s["library"].url,
        "need": s["library"].url + f"{s['need'].pk}/",
        "think tank": s["think_tank"].url,
        "search": "/search/?q=小麦",
        "form page": s["form_page"].url,
        "receipt lookup": "/forms/receipt/",
        "not found": None,
    }
    admin = {
        "dashboard": "/admin/",
        "page explorer": f"/admin/pages/{s['home'].pk}/",
        "page edit": f"/admin/pages/{s['article'].pk}/edit/",
        "course edit": f"/admin/pages/{s['course'].pk}/edit/",
        "needs snippets": "/admin/snippets/kexie_pages/need/",
        "need edit": f"/admin/snippets/kexie_pages/need/edit/{s['need'].pk}/",
        "experts list": "/admin/kexie_pages/expert/",
        "experts import": "/admin/kexie_pages/expert/import/",
        "form submissions": "/admin/kexie-forms/submissions/",
    }
    get_user_model().objects.create_superuser("csp", "csp@example.cn", "pw-csp")
    context = browser.new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for name, path in public.items():
        if path is None:
            response = page.goto(live_server.url + "/no-such-page/")
            assert response is not None and response.status == 404
            found[name] = page.evaluate("window.__csp")
            continue
        found[name] = violations_on(page, live_server.url + path)

    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("csp")
    page.locator("#id_password").fill("pw-csp")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    for name, path in admin.items():
        found[name] = violations_on(page, live_server.url + path)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_pass_axe_on_a_phone(
    live_server, browser, public_site, axe_serious
):
    """Contrast, names, landmarks, labels: every status badge of the library shown."""
    from kexie_pages.models import Need
    from kexie_pages.needs.services import need_set_status, needs_bulk_create

    s = public_site
    need = s["need"]
    extra = needs_bulk_create(
        needs=[
            Need(
                title=f"小麦赤霉病防治需求 {n}",
                county=need.county,
                township=need.township,
                village=need.village,
                category=need.category,
                description=need.description,
                households=3,
            )
            for n in range(3)
        ],
        publish=True,
    )
    for each, status in zip(extra, ["in_talks", "matched", "solved"], strict=True):
        need_set_status(need=each, status=status)
    paths = [
        s["home"].url,
        s["news_index"].url,
        s["article"].url,
        s["booklets"].url,
        s["booklet"].url,
        s["hall"].url,
        s["hall"].url + "calendar/",
        s["course"].url,
        s["library"].url,
        s["library"].url + f"{extra[0].pk}/",
        s["think_tank"].url,
        "/search/?q=小麦",
        s["form_page"].url,
        "/forms/receipt/",
    ]
    page = browser.new_page(viewport={"width": 360, "height": 740})
    found = []
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        found += axe_serious(page)
    assert found == [], "\n".join(found)
