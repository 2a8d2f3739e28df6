"""Headless forms on the v3 API: definition, submission, idempotency, lookup;
and a property-based test that random input never yields a 5xx."""

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kexie_forms.models import FormSubmission, SubmissionStatus
from kexie_pages.models import HomePage

from .helpers import EXE, PDF, make_form_page, upload, valid_data

pytestmark = pytest.mark.django_db

BASE = "/api/v3/kexie/forms/"


def answers(page, **overrides) -> dict:
    data = valid_data(page, **overrides)
    data.pop("form_token")
    return data


def post_json(client, page, data, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"{BASE}{page.pk}/submissions",
        json.dumps(data),
        content_type="application/json",
        **headers,
        **extra,
    )


def test_routes_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v3/openapi.json").json()["paths"]
    assert "/api/v3/kexie/forms/{page_id}" in paths
    assert "/api/v3/kexie/forms/{page_id}/submissions" in paths
    assert "/api/v3/kexie/forms/receipts/{receipt_number}" in paths


def test_form_list_and_definition(client, page):
    listing = client.get(BASE).json()
    assert [f["title"] for f in listing] == ["需求征集"]
    definition = client.get(f"{BASE}{page.pk}").json()
    fields = {f["name"]: f for f in definition["fields"]}
    assert definition["is_open"] is True
    assert fields["county"]["type"] == "county"
    assert {"value": "411621", "label": "扶沟县"} in fields["county"]["choices"]
    assert fields["village"]["max_length"] == 20
    assert fields["need"]["max_length"] == 500
    assert fields["attachment"]["allowed_file_types"] == ["pdf", "png"]
    assert fields["attachment"]["max_file_size"] == 1024 * 1024
    assert fields["attachment"]["required"] is False


def test_json_submission_returns_a_receipt(client, page):
    response = post_json(client, page, answers(page), key="retry-1")
    assert response.status_code == 201
    body = response.json()
    assert body["receipt_number"].startswith("XQ-")
    assert body["status_display"] == "待审核"
    submission = FormSubmission.objects.get()
    assert submission.county.code == "411621"


def test_idempotency_key_stores_one_submission(client, page):
    first = post_json(client, page, answers(page), key="abc")
    retry = post_json(client, page, answers(page), key="abc")
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["receipt_number"] == first.json()["receipt_number"]
    assert retry.json()["created"] is False
    assert FormSubmission.objects.count() == 1
    assert post_json(client, page, answers(page), key="other").status_code == 201


def test_field_errors_come_back_as_json(client, page):
    response = post_json(
        client, page, answers(page, mobile="123", county="000000", village=None)
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["mobile"] == ["请输入 11 位手机号码，例如 13812345678。"]
    assert errors["county"] == ["请从列表中选择一项。"]
    assert errors["village"] == ["请填写此项。"]
    assert response.json()["data"]["mobile"] == "123"
    assert FormSubmission.objects.count() == 0


def test_multipart_submission_with_file_and_bad_file(client, page):
    ok = client.post(
        f"{BASE}{page.pk}/submissions",
        answers(page, attachment=upload("a.pdf", PDF)),
    )
    assert ok.status_code == 201
    bad = client.post(
        f"{BASE}{page.pk}/submissions",
        answers(page, attachment=upload("a.pdf", EXE)),
    )
    assert bad.status_code == 400
    assert "不是允许的文件类型" in bad.json()["errors"]["attachment"][0]


def test_bad_json_body(client, page):
    response = client.post(
        f"{BASE}{page.pk}/submissions", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "请求内容不是有效的 JSON。"


def test_ten_megabyte_body_is_413(client, page):
    response = post_json(client, page, answers(page, need="x" * 10 * 1024 * 1024))
    assert response.status_code == 413


def test_rate_limit_is_429_with_data(client, page, settings):
    settings.KEXIE_FORMS_RATE_LIMIT = (1, 60)
    assert post_json(client, page, answers(page)).status_code == 201
    response = post_json(client, page, answers(page, village="后进村"))
    assert response.status_code == 429
    assert response.json()["data"]["village"] == "后进村"


def test_honeypot_and_closed_form(client, home):
    page = make_form_page(home, submission_limit=1)
    assert post_json(client, page, answers(page, website="x")).status_code == 400
    assert post_json(client, page, answers(page)).status_code == 201
    full = post_json(client, page, answers(page))
    assert full.status_code == 403
    assert full.json()["message"] == "本表单已达到提交数量上限。"


def test_receipt_status_lookup(client, page):
    receipt = post_json(client, page, answers(page)).json()
    FormSubmission.objects.update(status=SubmissionStatus.ACCEPTED)
    body = client.get(
        f"{BASE}receipts/{receipt['receipt_number']}",
        {"code": receipt["receipt_code"]},
    ).json()
    assert body["status_display"] == "已采纳"
    assert body["form"] == "需求征集"
    assert "form_data" not in body
    unknown = client.get(f"{BASE}receipts/XQ-1999-000001", {"code": "K7P3QX"})
    assert unknown.status_code == 404


def test_unknown_or_draft_form_is_404(client, page):
    page.unpublish()
    assert client.get(f"{BASE}{page.pk}").status_code == 404
    assert post_json(client, page, answers(page)).status_code == 404


FIELD_NAMES = [
    "county",
    "village",
    "need",
    "mobile",
    "attachment",
    "website",
    "form_token",
    "x",
]
text = st.text(max_size=300)
values = st.one_of(
    text, st.integers(), st.none(), st.booleans(), st.lists(text, max_size=3)
)


class RandomInputNeverFails(TestCase):
    """Random form input never yields a 5xx, on the HTML page or the API."""

    @classmethod
    def setUpTestData(cls):
        from wagtail.models import Page

        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="首页", slug="prop-home"))
        cls.page = make_form_page(home, slug="prop")

    def setUp(self):
        cache.clear()
        self.client = Client(REMOTE_ADDR="10.1.1.1")

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=8))
    def test_html_and_api(self, data):
        cache.clear()
        form_data = {
            k: (
                ""
                if v is None
                else [str(x) for x in v]
                if isinstance(v, list)
                else str(v)
            )
            for k, v in data.items()
        }
        html = self.client.post(self.page.url, form_data)
        assert html.status_code < 500
        api = self.client.post(
            f"{BASE}{self.page.pk}/submissions",
            json.dumps(data),
            content_type="application/json",
        )
        assert api.status_code < 500
        raw = self.client.post(
            f"{BASE}{self.page.pk}/submissions",
            json.dumps(list(data.items())),
            content_type="application/json",
        )
        assert raw.status_code < 500


def test_same_key_with_changed_fields_is_a_new_submission(client, page):
    first = post_json(client, page, answers(page), key="fill-1")
    changed = post_json(client, page, answers(page, village="后进村"), key="fill-1")
    assert (first.status_code, changed.status_code) == (201, 201)
    assert changed.json()["receipt_number"] != first.json()["receipt_number"]
    assert FormSubmission.objects.count() == 2
    # an identical retry gets the first receipt, with the same receipt code
    retry = post_json(client, page, answers(page), key="fill-1")
    assert retry.status_code == 200
    assert retry.json()["receipt_number"] == first.json()["receipt_number"]
    assert retry.json()["receipt_code"] == first.json()["receipt_code"]
    assert FormSubmission.objects.count() == 2


def test_receipt_status_needs_the_code_and_is_rate_limited(client, page, settings):
    settings.KEXIE_RATE_LIMITS = {"receipt_lookup": (4, 60)}
    receipt = post_json(client, page, answers(page)).json()
    number, code = receipt["receipt_number"], receipt["receipt_code"]
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", code)
    missing = client.get(f"{BASE}receipts/{number}")
    assert missing.status_code == 400
    assert missing.json()["message"] == "请同时填写回执编号下方的查询码。"
    wrong = "222222" if code != "222222" else "333333"
    refused = client.get(f"{BASE}receipts/{number}", {"code": wrong})
    assert refused.status_code == 404
    assert "status" not in refused.json()
    found = client.get(f"{BASE}receipts/{number}", {"code": code.lower()})
    assert found.status_code == 200
    assert "no-store" in found["Cache-Control"] and "private" in found["Cache-Control"]
    client.get(f"{BASE}receipts/{number}", {"code": wrong})
    limited = client.get(f"{BASE}receipts/{number}", {"code": code})
    assert limited.status_code == 429
    assert limited.json()["message"] == "查询过于频繁，请稍等一分钟。"


def test_openapi_documents_the_receipt_code(client, db):
    schema = client.get("/api/v3/openapi.json").json()
    lookup = schema["paths"]["/api/v3/kexie/forms/receipts/{receipt_number}"]["get"]
    assert "code" in [p["name"] for p in lookup["parameters"]]
    assert {"200", "400", "404", "429"} <= set(lookup["responses"])
    assert "receipt_code" in schema["components"]["schemas"]["ReceiptOut"]["required"]


def test_receipt_endpoint_shows_the_submission_and_the_promoted_need(client, promoted):
    receipt, code, need = promoted
    body = client.get(f"{BASE}receipts/{receipt}", {"code": code}).json()
    assert body["county"] == "扶沟县"
    assert body["subject"] == "前进村"
    assert body["need_url"] == need.get_url()
    assert body["need_title"] == "前进村小麦赤霉病防治"
    assert body["matched_help"] == ["李明（周口市农业科学院） · 小麦赤霉病"]
    assert "13803940001" not in str(body)
    assert "张三" not in str(body)
    schema = client.get("/api/v3/openapi.json").json()["components"]["schemas"]
    assert "matched_help" in schema["StatusOut"]["properties"]
    assert schema["StatusOut"]["properties"]["need_url"]["description"]


def test_idempotency_keys_are_whole_up_to_100_characters(client, page):
    # Until now keys were cut at 96: these two were one submission.
    shared = "k" * 96
    first = post_json(client, page, answers(page), key=shared + "aaaa")
    second = post_json(client, page, answers(page), key=shared + "bbbb")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["receipt_number"] != second.json()["receipt_number"]
    too_long = post_json(client, page, answers(page), key="k" * 101)
    assert too_long.status_code == 400
    assert too_long.json()["message"] == (
        "Idempotency-Key 请求头超过 100 个字符，请缩短后重试。"
    )
    assert too_long.json()["data"]["village"] == answers(page)["village"]
    assert FormSubmission.objects.count() == 2
