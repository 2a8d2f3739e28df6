"""The needs API: public fields only, the library's filters, the detail."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_lists_public_fields_filtered(client, needs):
    data = client.get("/api/v3/kexie/needs/", {"county": "411621"}).json()
    assert data["count"] == 2
    item = data["items"][0]
    assert set(item) == {
        "id",
        "title",
        "county",
        "township",
        "village",
        "category",
        "description",
        "households",
        "season",
        "urgency",
        "status",
        "status_label",
        "reported_on",
        "url",
    }
    assert (
        client.get("/api/v3/kexie/needs/", {"category": "yangzhi"}).json()["count"] == 1
    )
    assert client.get("/api/v3/kexie/needs/", {"status": "solved"}).json()["count"] == 0
    assert client.get("/api/v3/kexie/needs/", {"q": "小麦"}).json()["count"] == 1
    assert client.get("/api/v3/kexie/needs/", {"county": "bogus"}).json()["count"] == 0


def test_api_detail(client, needs):
    need = needs["wheat"]
    data = client.get(f"/api/v3/kexie/needs/{need.pk}/").json()
    assert data["title"] == "小麦赤霉病连年发生"
    assert data["url"].endswith(f"/needs/{need.pk}/")
    assert data["history"][0]["status"] == "open"
    assert client.get(f"/api/v3/kexie/needs/{needs['draft'].pk}/").status_code == 404
    assert "/api/v3/kexie/needs/" in client.get("/api/v3/openapi.json").content.decode()


def test_api_links_name_the_sites_public_address(client, needs):
    from kexie_pages.base.services import site_url_apply

    site_url_apply(url="https://kx.example.cn")
    need = needs["wheat"]
    data = client.get(f"/api/v3/kexie/needs/{need.pk}/").json()
    assert data["url"] == f"https://kx.example.cn/needs/{need.pk}/"
