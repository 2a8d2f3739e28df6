"""Browser test: a county clerk fills a form on a phone, gets a receipt, looks
it up; a county reviewer then reviews it in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from wagtail import hooks

from kexie_forms.models import FormSubmission
from kexie_forms.services import PROMOTE_HOOK

from .helpers import PDF, make_form_page

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fill_form_on_a_phone_get_receipt_look_up_and_review(
    live_server, home, browser, tmp_path, reviewer, fake_need_library
):
    cache.clear()
    page_model = make_form_page(
        home, is_needs_survey=True, needs_mapping="title = village\ndetail = need"
    )
    reviewer("fugou", "411621")  # creates the county-bound reviewer
    attachment = tmp_path / "村委会证明.pdf"
    attachment.write_bytes(PDF)

    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_server.url + page_model.url)
    page.get_by_label("county").select_option(label="扶沟县")
    page.get_by_label("village").fill("前进村")
    page.get_by_label("need").fill("小麦赤霉病防治技术，需专家现场指导。")
    page.get_by_label("mobile").fill("13803940001")
    page.get_by_label("attachment").set_input_files(str(attachment))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"form is {overflow}px wider than the phone"
    page.screenshot(path=str(tmp_path / "form-360.png"), full_page=True)
    page.get_by_role("button", name="提交").click()

    page.wait_for_url("**?receipt=*")
    receipt = page.locator(".receipt-number").inner_text()
    assert receipt.startswith("XQ-")
    assert "您的提交已收到" in page.content()
    page.reload()  # a refresh of the receipt page stores nothing again
    assert FormSubmission.objects.count() == 1
    assert FormSubmission.objects.get().attachments.count() == 1

    page.get_by_role("link", name="查询办理状态").click()
    page.wait_for_url("**/forms/receipt/?receipt=*")
    assert page.locator(".status").inner_text() == "待审核"
    assert "13803940001" not in page.content()  # the village shows, the phone never

    # The county reviewer logs in and marks it as needing more information.
    admin = browser.new_page(viewport={"width": 1280, "height": 900})
    admin.goto(live_server.url + "/admin/login/")
    admin.locator("#id_username").fill("fugou")
    admin.locator("#id_password").fill("x")
    admin.locator("form button[type=submit]").click()
    admin.wait_for_url("**/admin/")
    admin.goto(live_server.url + "/admin/kexie-forms/submissions/")
    admin.get_by_role("link", name=receipt).click()
    admin.wait_for_url("**/edit/*/")
    admin.get_by_text("前进村").first.wait_for()
    assert admin.get_by_role("link", name="村委会证明.pdf").count() == 1
    admin.locator("[name=status]").select_option(label="已采纳")
    admin.locator("[name=notes]").fill("已核实，村委会盖章证明齐全")
    admin.locator("button.button-longrunning[type=submit]").first.click()
    admin.wait_for_url("**/admin/kexie-forms/submissions/")
    admin.screenshot(path=str(tmp_path / "review-1280.png"), full_page=True)

    page.reload()
    assert page.locator(".status").inner_text() == "已采纳"
    assert "盖章" not in page.content()

    # Promote it to the needs library (a stand-in library registered on the hook).
    submission = FormSubmission.objects.get()
    with hooks.register_temporarily(PROMOTE_HOOK, fake_need_library([])):
        edit_url = reverse("kexie_submissions:edit", args=[submission.pk])
        admin.goto(live_server.url + edit_url)
        admin.get_by_role("link", name="转入需求库").click()  # the header's own button
        admin.wait_for_url("**/promote/")
        admin.get_by_role("button", name="转为需求草稿").click()
        admin.wait_for_url("**/edit/*/")
        assert "已根据此提交创建需求草稿" in admin.content()
    submission.refresh_from_db()
    assert Group.objects.get(pk=submission.promoted_id).name == "前进村"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clerk_journey_from_home_to_receipt_lookup_on_a_phone(
    live_server, browser, form_index, axe_serious, tmp_path
):
    """Issue 12: home → 县区填报 → form → submit → receipt → lookup, 360 px,
    axe-core finding nothing serious or critical on any page visited."""
    cache.clear()
    found: list[str] = []
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    found += axe_serious(page)

    page.get_by_role("navigation").get_by_role("link", name="县区填报").click()
    page.wait_for_url(f"**{form_index.url}")
    found += axe_serious(page)
    listing = page.locator(".form-list li").first
    assert "截止时间" in listing.inner_text()
    listing.get_by_role("link").click()
    page.wait_for_url(f"**{form_index.url}open/")
    found += axe_serious(page)

    page.get_by_label("county").select_option(label="扶沟县")
    page.get_by_label("village").fill("前进村")
    page.get_by_label("need").fill("小麦赤霉病防治技术，需专家现场指导。")
    page.get_by_label("mobile").fill("13803940001")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**?receipt=*")
    receipt = page.locator(".receipt-number").inner_text()
    assert receipt.startswith("XQ-")
    found += axe_serious(page)

    page.get_by_role("link", name="查询办理状态").click()
    page.wait_for_url("**/forms/receipt/?receipt=*")
    card = page.locator(".status-card").first.inner_text()
    for shown in (receipt, "需求征集", "扶沟县", "前进村", "待审核"):
        assert shown in card, shown
    assert "13803940001" not in page.content()
    found += axe_serious(page)
    page.screenshot(path=str(tmp_path / "receipt-lookup-360.png"), full_page=True)
    assert not found, "\n".join(found)
