"""The public agreements list and page (public fields only) and the responsible
expert's progress-report form behind its secret link (no login)."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from kexie_pages.models import AgreementProgressReport, BrandActivity, KeyTownship
from kexie_pages.programme.services import agreement_report_create

from .helpers import assert_private

pytestmark = pytest.mark.django_db


def test_list_shows_public_agreements_filtered_and_paginated(
    client, agreements_page, make_agreement, county
):
    make_agreement(title="草拟中的协议")
    make_agreement(status="signed", title="已签订的协作")
    make_agreement(status="in_progress", title="实施中的培训", kind="training")
    make_agreement(
        status="completed",
        title="西华县成果转化",
        county=county("西华县"),
        kind="transfer",
    )
    url = agreements_page.url

    html = client.get(url).content.decode()
    assert "草拟中的协议" not in html  # drafts are never public
    assert "共 3 项协议" in html
    assert 'rel="next"' in html  # two per page
    assert_private(html)

    html = client.get(url, {"county": "411622"}).content.decode()
    assert "西华县成果转化" in html and "已签订的协作" not in html
    html = client.get(url, {"kind": "training"}).content.decode()
    assert "实施中的培训" in html and "已签订的协作" not in html
    html = client.get(url, {"status": "signed"}).content.decode()
    assert "已签订的协作" in html and "实施中的培训" not in html
    html = client.get(url, {"status": "draft"}).content.decode()
    assert "没有符合筛选条件的协议" in html
    assert client.get(url, {"county": "<script>", "page": "x"}).status_code == 200


def test_agreement_page_shows_progress_and_public_fields_only(
    client, agreements_page, make_agreement, make_need, think_tank
):
    agreement = make_agreement(status="in_progress", needs=[make_need()])
    agreement_report_create(agreement=agreement, text="已在王庄村举办两期培训。")
    township = KeyTownship.objects.create(
        county=agreement.county, year=2026, township="练寺镇"
    )
    township.agreements.add(agreement)
    activity = BrandActivity.objects.create(
        county=agreement.county, year=2026, title="扶沟县科技大集进乡村"
    )
    activity.agreements.add(agreement)
    response = client.get(agreements_page.agreement_url(agreement))
    html = response.content.decode()
    assert response.status_code == 200
    for shown in (
        "大棚蔬菜绿色防控技术协作",
        "实施中",
        "科技协作",
        "扶沟县练寺镇王庄村",
        "扶沟县蔬菜协会",
        "周口职业技术学院",
        "李明华",
        "王带头",
        "举办线虫防治培训班",
        "2026-10-31",
        "已在王庄村举办两期培训。",
        "草拟 → 已签订",
        "大棚蔬菜根结线虫",
        "2026 练寺镇",
        "扶沟县科技大集进乡村",
    ):
        assert shown in html, shown
    assert_private(html)
    assert agreement.report_token not in html


def test_overdue_deliverables_are_marked(client, agreements_page, make_agreement):
    running = make_agreement(status="in_progress")  # its deliverable was due 2026-10-31
    running.deliverables.update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    html = client.get(agreements_page.agreement_url(running)).content.decode()
    assert "已逾期" in html
    running.deliverables.update(done_on=timezone.localdate())
    html = client.get(agreements_page.agreement_url(running)).content.decode()
    assert "已逾期" not in html


def test_unlisted_directory_entries_are_not_named(
    client, agreements_page, make_agreement, think_tank
):
    agreement = make_agreement(
        status="signed", responsible_expert=think_tank["hidden"], partner_name=""
    )
    html = client.get(agreements_page.agreement_url(agreement)).content.decode()
    assert "不公开专家" not in html


def test_draft_agreement_page_is_a_404(client, agreements_page, make_agreement):
    draft = make_agreement()
    assert client.get(agreements_page.agreement_url(draft)).status_code == 404


# The expert's progress form ------------------------------------------------


def _report_url(agreement) -> str:
    return f"/agreement-report/{agreement.report_token}/"


def _post(client, token_of, url: str, **fields):
    """POST the report form at ``url`` with a fresh token (``token_of``) and ``fields``."""
    data = {
        "form_token": token_of(client, url),
        "reported_on": timezone.localdate().isoformat(),
        "text": "完成第一次田间指导，示范棚线虫减少七成。",
        "website": "",
    }
    data.update(fields)
    return client.post(url, data)


def test_expert_reports_through_the_link_without_login_once(
    client, agreements_page, make_agreement, form_token
):
    agreement = make_agreement(status="signed")
    url = _report_url(agreement)
    page = client.get(url)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "no-referrer"
    data = {
        "form_token": form_token(client, url),
        "reported_on": timezone.localdate().isoformat(),
        "text": "完成第一次田间指导，示范棚线虫减少七成。",
        "website": "",
    }
    first = client.post(url, data)
    assert first.status_code == 302
    again = client.post(url, data)  # a double click: stored once
    assert again.status_code == 302
    reports = AgreementProgressReport.objects.filter(agreement=agreement)
    assert reports.count() == 1
    assert reports.get().source == "expert"
    assert "已保存" in client.get(first["Location"]).content.decode()
    public = client.get(agreements_page.agreement_url(agreement)).content.decode()
    assert "示范棚线虫减少七成" in public and "责任专家" in public


def test_bad_and_expired_links_are_refused(client, make_agreement, form_token):
    assert client.get("/agreement-report/guessed-token/").status_code == 404
    agreement = make_agreement(status="signed")
    agreement.report_token_expires_on = timezone.localdate() - datetime.timedelta(
        days=1
    )
    agreement.save()
    response = _post(client, lambda c, u: "x", _report_url(agreement))
    assert response.status_code == 410
    assert "已失效" in response.content.decode()
    completed = make_agreement(status="completed", title="已完成")
    assert client.get(_report_url(completed)).status_code == 410
    draft = make_agreement(title="草拟")
    assert client.get(_report_url(draft)).status_code == 410
    assert not AgreementProgressReport.objects.filter(source="expert").exists()


def test_form_keeps_input_and_explains_in_chinese(client, make_agreement, form_token):
    agreement = make_agreement(status="in_progress")
    url = _report_url(agreement)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = _post(client, form_token, url, reported_on=future)
    html = response.content.decode()
    assert response.status_code == 400
    assert "日期不能晚于今天" in html
    assert "示范棚线虫减少七成" in html  # input kept
    response = _post(client, form_token, url, text="")
    assert "请填写进展情况" in response.content.decode()
    assert not AgreementProgressReport.objects.exists()


def test_guards_honeypot_token_and_rate_limit(client, make_agreement, form_token):
    agreement = make_agreement(status="signed")
    url = _report_url(agreement)
    assert _post(client, form_token, url, website="spam").status_code == 400
    assert _post(client, form_token, url, form_token="forged").status_code == 400
    other = make_agreement(status="signed", title="另一项协议")
    # A token issued for another agreement's form does not work here.
    assert (
        _post(
            client, form_token, url, form_token=form_token(client, _report_url(other))
        ).status_code
        == 400
    )
    assert not AgreementProgressReport.objects.exists()
    cache.clear()
    with override_settings(KEXIE_RATE_LIMITS={"agreement_report_link": (2, 60)}):
        assert client.get(url).status_code == 200
        assert client.get("/agreement-report/guess-1/").status_code == 404
        refused = client.get("/agreement-report/guess-2/")
        assert refused.status_code == 429
        assert "请稍等" in refused.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/agreements/?county=%00&kind=%00&status=%00",
        "/agreements/?page=99999&county=" + "9" * 500,
        "/agreements/99999999999999999999/",
        "/agreement-report/" + "a" * 300 + "/",
        "/agreement-report/%00/",
        "/agreement-report/%E5%8D%8F%E8%AE%AE/",
        "/api/v3/kexie/agreements/?county=%00",
        "/api/v3/kexie/agreements/99999999999999999999/",
    ],
)
def test_hostile_addresses_are_never_a_server_error(client, agreements_page, path):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code < 500
    assert response.status_code in (200, 400, 404)


def test_list_and_api_queries_do_not_grow_with_agreements(
    client, agreements_page, make_agreement
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    agreements_page.per_page = 20
    agreements_page.save()
    make_agreement(status="signed")
    count(agreements_page.url)  # warms the menu, site and settings caches
    few = count(agreements_page.url), count("/api/v3/kexie/agreements/")
    for number in range(6):
        make_agreement(status="in_progress", title=f"协议{number}")
    assert (count(agreements_page.url), count("/api/v3/kexie/agreements/")) == few
