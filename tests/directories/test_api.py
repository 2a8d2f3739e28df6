"""The think-tank API: public entries only, phones masked, no e-mail; every
directory listed in the OpenAPI document."""

import pytest

from kexie_pages.models import Expert

from .helpers import sample

pytestmark = pytest.mark.django_db


def test_api_lists_public_entries_masked(client, experts):
    data = client.get("/api/v3/kexie/experts/").json()
    assert data["count"] == 3
    item = data["items"][0]
    assert item["masked_phone"] == "138****5678"
    assert "phone" not in item and "email" not in item
    assert {i["name"] for i in data["items"]} == {"张伟", "阿宝", "王芳"}
    data = client.get("/api/v3/kexie/experts/", {"q": "养殖"}).json()
    assert [i["name"] for i in data["items"]] == ["阿宝"]
    data = client.get("/api/v3/kexie/experts/", {"sort": "pinyin"}).json()
    assert [i["name"] for i in data["items"]] == ["阿宝", "王芳", "张伟"]


def test_api_detail_hides_private_entries(client, experts):
    hidden = Expert.objects.get(name="李娜")
    shown = Expert.objects.get(name="张伟")
    assert client.get(f"/api/v3/kexie/experts/{hidden.pk}/").status_code == 404
    assert client.get(f"/api/v3/kexie/experts/{shown.pk}/").json()["name"] == "张伟"


@pytest.mark.parametrize(
    "directory", ["achievements", "associations", "demo-bases", "leaders"]
)
def test_api_other_directories(client, directory, load):
    rows = sample(directory, 3)
    for row, public in zip(rows, ["否", "是", "是"], strict=True):
        row["是否公开"] = public
        if "联系电话" in row:
            row["联系电话"] = "13912345678"
    load(directory, rows)
    data = client.get(f"/api/v3/kexie/{directory}/").json()
    assert data["count"] == 2
    assert "13912345678" not in str(data)


def test_api_in_openapi(client):
    paths = client.get("/api/v3/openapi.json").json()["paths"]
    for directory in [
        "experts",
        "achievements",
        "associations",
        "demo-bases",
        "leaders",
    ]:
        assert f"/api/v3/kexie/{directory}/" in paths
