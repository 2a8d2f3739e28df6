"""The needs admin: the matching screen, the dashboard panel, listing,
editing and publishing needs."""

import pytest
from django.contrib.auth import get_user_model

from kexie_pages.models import Enquiry, NeedMatch, NeedStatus
from kexie_pages.needs.matching import need_match_suggestions

from .helpers import SECRET_PHONE

pytestmark = pytest.mark.django_db


def test_confirm_match_in_one_click(client, needs, directory, staff):
    need = needs["wheat"]
    client.force_login(staff)
    url = f"/admin/snippets/kexie_pages/need/matching/{need.pk}/"
    page = client.get(url).content.decode()
    assert "甲专家" in page and "同一产业：种植" in page and "确认对接" in page
    response = client.post(
        url,
        {
            "action": "match-expert",
            "target": directory["best"].pk,
            "reason": "同一产业：种植",
        },
    )
    assert response.status_code == 302
    match = NeedMatch.objects.get()
    assert match.expert == directory["best"] and match.matched_by == staff
    need.refresh_from_db()
    assert need.status == NeedStatus.MATCHED
    # Matched entries are no longer suggested; a second click changes nothing.
    experts, _ = need_match_suggestions(need=need)
    assert "甲专家" not in [s.label for s in experts]
    client.post(url, {"action": "match-expert", "target": directory["best"].pk})
    assert NeedMatch.objects.count() == 1
    client.post(url, {"action": "unmatch", "target": match.pk})
    assert not NeedMatch.objects.exists()


def test_matching_screen_needs_permission(client, needs, db):
    user = get_user_model().objects.create_user("clerk", password="pw")
    client.force_login(user)
    response = client.get(
        f"/admin/snippets/kexie_pages/need/matching/{needs['wheat'].pk}/"
    )
    assert response.status_code in (302, 403)


def test_matching_screen_unknown_action_is_a_message(client, needs, staff):
    client.force_login(staff)
    url = f"/admin/snippets/kexie_pages/need/matching/{needs['wheat'].pk}/"
    response = client.post(url, {"action": "status", "status": "nope"}, follow=True)
    assert "未知状态" in response.content.decode()


def test_dashboard_panel(client, needs, staff):
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert "科技需求库" in page and "待对接" in page and "扶沟县" in page


def test_admin_need_list_and_edit(client, needs, staff):
    client.force_login(staff)
    listing = client.get("/admin/snippets/kexie_pages/need/", {"status": "open"})
    assert "小麦赤霉病连年发生" in listing.content.decode()
    edit = client.get(f"/admin/snippets/kexie_pages/need/edit/{needs['wheat'].pk}/")
    assert edit.status_code == 200
    assert SECRET_PHONE in edit.content.decode()


def test_admin_add_edit_preview_and_enquiry_views(client, needs, staff):
    client.force_login(staff)
    need = needs["wheat"]
    assert client.get("/admin/snippets/kexie_pages/need/add/").status_code == 200
    enquiry = Enquiry.objects.create(
        need=need, organisation="某学会", name="甲", phone="13800000000", message="m"
    )
    edit = client.get(f"/admin/snippets/kexie_pages/enquiry/edit/{enquiry.pk}/")
    assert edit.status_code == 200 and "小麦赤霉病连年发生" in edit.content.decode()
    preview = client.get(f"/admin/snippets/kexie_pages/need/preview/{need.pk}/")
    assert preview.status_code in (200, 405)


def test_admin_publishes_a_draft(client, needs, staff):
    client.force_login(staff)
    draft = needs["draft"]
    response = client.post(
        f"/admin/snippets/kexie_pages/need/edit/{draft.pk}/",
        {
            "title": "草稿需求小麦（已审核）",
            "county": draft.county_id,
            "township": draft.township,
            "village": draft.village,
            "category": draft.category_id,
            "description": draft.description,
            "households": 5,
            "season": "",
            "urgency": "normal",
            "reported_on": "2016-10-01",
            "contact_name": "",
            "contact_phone": "13700001111",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.live and draft.title == "草稿需求小麦（已审核）"
    assert client.get(f"/needs/{draft.pk}/").status_code == 200


NEED_PERMISSIONS = (
    "kexie_pages.add_need",
    "kexie_pages.change_need",
    "kexie_pages.view_need",
    "kexie_pages.change_enquiry",
)


def need_form(need, **overrides) -> dict:
    """The admin form of ``need``, as its editor would save it."""
    return {
        "title": need.title,
        "county": need.county_id,
        "township": need.township,
        "village": need.village,
        "category": need.category_id,
        "description": need.description,
        "households": need.households,
        "season": "",
        "urgency": "normal",
        "reported_on": "2026-03-01",
        "contact_name": "",
        "contact_phone": "",
        **overrides,
    }


def test_county_staff_edit_only_in_their_county(needs, county_staff, county):
    fugou = county_staff("411621", *NEED_PERMISSIONS)
    own, xihua = needs["wheat"], county("西华县")
    # Moving their need to another county (it would vanish from their lists).
    url = f"/admin/snippets/kexie_pages/need/edit/{own.pk}/"
    response = fugou.post(url, need_form(own, county=xihua.pk))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    own.refresh_from_db()
    assert own.county.name == "扶沟县"
    # Saving it in their own county works.
    response = fugou.post(url, need_form(own, title="小麦赤霉病（已核实）"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.get_latest_revision_as_object().title == "小麦赤霉病（已核实）"


def test_county_staff_dashboard_counts_only_their_county(needs, county_staff, county):
    Enquiry.objects.create(
        need=needs["cattle"], organisation="某学会", name="甲", phone="1", message="m"
    )
    html = county_staff("411621", *NEED_PERMISSIONS).get("/admin/").content.decode()
    assert "3 条需求" in html  # wheat, greenhouse and the draft; not the cattle
    assert f"?county={county('扶沟县').pk}&amp;status=open" in html
    assert f"?county={county('西华县').pk}&amp;" not in html
    assert "0 条新洽谈" in html  # the new enquiry is about 西华县's need


def test_admin_search_of_needs_finds_them(client, needs, staff):
    client.force_login(staff)
    response = client.get("/admin/snippets/kexie_pages/need/", {"q": "小麦"})
    assert response.status_code == 200
    assert "小麦赤霉病连年发生" in response.content.decode()
