"""Browser tests: a visit logged on a 360 px phone by a county technician, and
the public agreement page at 360 px and 1280 px."""

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from PIL import Image

from kexie_forms.models import UserCounty
from kexie_pages.models import LiaisonVisit, LiaisonVisitPhoto
from kexie_pages.programme.services import agreement_report_create

from .helpers import assert_private

pytestmark = pytest.mark.e2e


def _shots(tmp_path: Path) -> Path:
    """Where screenshots go: ``KEXIE_SCREENSHOTS`` to keep them, else the test's tmp."""
    return Path(os.environ.get("KEXIE_SCREENSHOTS") or tmp_path)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_visit_logged_on_a_phone(
    live_server, home, browser, make_assignment, county, tmp_path, axe_serious
):
    assignment = make_assignment()
    make_assignment(county=county("西华县"), village="西华县的村")
    technician = get_user_model().objects.create_user("nongjiyuan", password="x")
    technician.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "add_liaisonvisit", "view_liaisonvisit"]
        )
    )
    UserCounty.objects.create(user=technician, county=assignment.county)
    assignment.user = technician
    assignment.save()
    photo = io.BytesIO()
    Image.new("RGB", (120, 90), (40, 140, 70)).save(photo, "JPEG")

    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_url = live_server.url + reverse("wagtailsnippets_kexie_pages_liaisonvisit:log")
    page.goto(log_url)  # not logged in: Wagtail's login, then back here
    page.locator("#id_username").fill("nongjiyuan")
    page.locator("#id_password").fill("x")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/liaisonvisit/log/")
    assert page.locator("h1").inner_text() == "记录走访"
    # The village and today's date are already chosen: write, snap, save.
    assert page.get_by_label("村").input_value() == str(assignment.pk)
    assert "西华县的村" not in page.content()
    page.get_by_label("做了什么").fill("指导大棚通风和水肥管理")
    page.get_by_label("照片（可不填）").set_input_files(
        [{"name": "visit.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}]
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the visit page is {overflow}px wider than the phone"
    page.screenshot(path=str(_shots(tmp_path) / "visit-form-360.png"), full_page=True)
    assert axe_serious(page) == []
    page.get_by_role("button", name="保存走访记录").click()
    page.wait_for_url("**/log/?done=*")
    assert "已保存：扶沟县练寺镇王庄村" in page.locator(".notice").inner_text()
    page.screenshot(path=str(_shots(tmp_path) / "visit-saved-360.png"), full_page=True)
    visit = LiaisonVisit.objects.get()
    assert visit.work_done == "指导大棚通风和水肥管理"
    assert visit.created_by == technician
    assert LiaisonVisitPhoto.objects.filter(visit=visit).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_public_agreement_page(
    live_server,
    browser,
    agreements_page,
    make_agreement,
    make_need,
    width,
    tmp_path,
    axe_serious,
):
    agreement = make_agreement(status="in_progress", needs=[make_need()])
    agreement_report_create(
        agreement=agreement, text="已在王庄村举办两期培训，示范棚线虫减少七成。"
    )
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + agreements_page.url)
    page.get_by_label("状态").select_option("in_progress")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/agreements/?*status=in_progress*")
    page.get_by_role("link", name="大棚蔬菜绿色防控技术协作").click()
    page.wait_for_url(f"**/agreements/{agreement.pk}/")
    assert page.locator("h1").inner_text() == "大棚蔬菜绿色防控技术协作"
    assert "示范棚线虫减少七成" in page.locator(".reports").inner_text()
    assert_private(page.content())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the agreement page is {overflow}px wider than {width}px"
    page.screenshot(
        path=str(_shots(tmp_path) / f"agreement-{width}.png"), full_page=True
    )
    assert axe_serious(page) == []
