"""Browser test, staff on a 360 px phone: an accepted survey → 转入需求库 → the
draft need → publish → match an expert, with axe-core at no serious finding."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kexie_forms.models import FormField, FormPage, FormSubmission, SubmissionStatus
from kexie_pages.models import County, Expert, IndustryCategory, Need, NeedMatch

pytestmark = pytest.mark.e2e
#: Wagtail's own flash messages and two-colour icon buttons fail contrast in
#: Wagtail 8 itself: upstream's to fix, not ours to fork; everything else counts.
WAGTAILS_OWN = (".messages", ".bicolor")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_accept_promote_publish_and_match_on_a_phone(
    live_server, home, browser, axe_serious
):
    fugou = County.objects.get(code="411621")
    survey = FormPage(
        title="贫困村科技需求征集",
        slug="survey",
        receipt_prefix="XQ",
        is_needs_survey=True,
        needs_mapping="county = county\nvillage = village\n"
        "description = need\ncategory = industry\nhouseholds = households",
    )
    survey.form_fields = [
        FormField(label="county", field_type="county", sort_order=0),
        FormField(label="village", field_type="singleline", sort_order=1),
        FormField(label="industry", field_type="industry", sort_order=2),
        FormField(label="need", field_type="multiline", sort_order=3),
        FormField(label="households", field_type="number", sort_order=4),
    ]
    home.add_child(instance=survey)
    submission = FormSubmission.objects.create(
        page=survey,
        form_data={
            "county": "扶沟县",
            "village": "前进村",
            "industry": "种植",
            "need": "小麦赤霉病年年发生，减产三成，需要防治技术。",
            "households": "35",
        },
        county=fugou,
        receipt_number="XQ-2026-000042",
        status=SubmissionStatus.ACCEPTED,
    )
    expert = Expert.objects.create(
        name="李明", employer="周口市农业科学院", speciality="小麦赤霉病防治"
    )
    expert.categories.add(IndustryCategory.objects.get(slug="zhongzhi"))
    expert.counties.add(fugou)
    get_user_model().objects.create_superuser("staff", "staff@example.com", "x")

    admin = browser.new_page(viewport={"width": 360, "height": 740})
    admin.goto(live_server.url + "/admin/login/")
    admin.locator("#id_username").fill("staff")
    admin.locator("#id_password").fill("x")
    admin.locator("form button[type=submit]").click()
    admin.wait_for_url("**/admin/")

    findings = []
    admin.goto(
        live_server.url + reverse("kexie_submissions:edit", args=[submission.pk])
    )
    findings += axe_serious(admin, exclude=WAGTAILS_OWN)
    admin.get_by_role("link", name="转入需求库").click()  # the header's own button
    admin.wait_for_url("**/promote/")
    admin.get_by_role("button", name="转为需求草稿").click()
    admin.wait_for_url("**/snippets/kexie_pages/need/edit/*/")
    need = Need.objects.get()
    assert need.title == "前进村：小麦赤霉病年年发生" and need.households == 35
    assert not need.live
    assert "已根据此提交创建需求草稿" in admin.content()
    findings += axe_serious(admin, exclude=WAGTAILS_OWN)

    need.township = "练寺镇"  # staff complete the draft, then publish it
    need.save()
    need.save_revision().publish()
    admin.goto(
        live_server.url
        + reverse("wagtailsnippets_kexie_pages_need:matching", args=[need.pk])
    )
    findings += axe_serious(admin, exclude=WAGTAILS_OWN)
    row = admin.locator("tr", has_text="李明")
    assert "小麦赤霉病防治" in row.inner_text()  # the specialty is shown
    row.get_by_role("button", name="确认对接").click()
    admin.wait_for_load_state()
    assert NeedMatch.objects.filter(need=need, expert=expert).exists()
    assert findings == []
