"""The agreements API: public agreements, public fields only."""

import json

import pytest

from kexie_pages.programme.services import agreement_report_create

from .helpers import assert_private

pytestmark = pytest.mark.django_db


def test_list_is_public_fields_only_and_filters(
    client, agreements_page, make_agreement, county
):
    make_agreement(title="草拟")
    signed = make_agreement(status="signed")
    make_agreement(status="completed", county=county("西华县"), kind="transfer")
    response = client.get("/api/v3/kexie/agreements/")
    data = response.json()
    assert data["count"] == 2
    item = next(i for i in data["items"] if i["id"] == signed.pk)
    assert set(item) == {
        "id",
        "title",
        "kind",
        "kind_label",
        "status",
        "status_label",
        "county",
        "township",
        "village",
        "partners",
        "responsible_expert",
        "contact_person",
        "signed_on",
        "url",
    }
    assert item["partners"] == ["扶沟县蔬菜协会", "周口职业技术学院"]
    assert item["responsible_expert"] == "李明华"
    assert item["url"].endswith(f"/agreements/{signed.pk}/")
    assert_private(response.content.decode())
    assert signed.report_token not in response.content.decode()
    api = "/api/v3/kexie/agreements/"
    assert client.get(api, {"county": "411622"}).json()["count"] == 1
    assert client.get(api, {"kind": "transfer"}).json()["count"] == 1
    assert client.get(api, {"status": "draft"}).json()["count"] == 0


def test_detail_has_progress_and_history_never_private_data(
    client, agreements_page, make_agreement, make_need
):
    agreement = make_agreement(status="in_progress", needs=[make_need()])
    agreement_report_create(agreement=agreement, text="第二期培训完成")
    response = client.get(f"/api/v3/kexie/agreements/{agreement.pk}/")
    data = response.json()
    assert data["progress_reports"][0]["text"] == "第二期培训完成"
    assert [(h["from_status"], h["to_status"]) for h in data["history"]] == [
        ("draft", "signed"),
        ("signed", "in_progress"),
    ]
    assert data["deliverables"][0]["due_on"] == "2026-10-31"
    text = json.dumps(data, ensure_ascii=False)
    assert_private(text)
    assert agreement.report_token not in text
    assert "changed_by" not in text


def test_draft_and_unknown_are_404(client, make_agreement):
    draft = make_agreement()
    assert client.get(f"/api/v3/kexie/agreements/{draft.pk}/").status_code == 404
    assert client.get("/api/v3/kexie/agreements/999999/").status_code == 404
