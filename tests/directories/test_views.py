"""The public think-tank pages and API: public entries only, phones masked, no e-mail."""

import pytest

from kexie_pages.base.validators import mask_phone
from kexie_pages.directories.services import directory_import
from kexie_pages.models import Expert, TechLeader, ThinkTankPage

from .helpers import csv_bytes, sample, table

pytestmark = pytest.mark.django_db


def load(directory, rows):
    result = directory_import(
        directory=directory, content=csv_bytes(table(directory, rows)), dry_run=False
    )
    assert result.applied, result.error_lines()


@pytest.fixture
def experts():
    rows = sample("experts", 4)
    names = ["张伟", "阿宝", "李娜", "王芳"]
    for row, name, public in zip(rows, names, ["是", "是", "否", "是"], strict=True):
        row.update({"姓名": name, "是否公开": public, "联系电话": "13812345678"})
    rows[0].update(
        {"专业领域": "小麦赤霉病防治", "服务区县": "扶沟县", "产业类别": "种植"}
    )
    rows[1].update({"专业领域": "肉牛养殖", "服务区县": "西华县", "产业类别": "养殖"})
    load("experts", rows)
    return rows


@pytest.fixture
def experts_page(home):
    return home.add_child(
        instance=ThinkTankPage(title="专家库", slug="experts", directory="experts")
    )


def test_mask_phone():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0394-8212345") == "039****2345"
    assert mask_phone("") == ""


def test_page_lists_only_public_entries_masked(client, experts, experts_page):
    page = client.get("/experts/").content.decode()
    assert "张伟" in page and "阿宝" in page and "王芳" in page
    assert "李娜" not in page
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "@example.cn" not in page


def test_page_filters_and_chinese_search(client, experts, experts_page):
    assert "张伟" not in client.get("/experts/", {"county": "411622"}).content.decode()
    assert "阿宝" in client.get("/experts/", {"county": "411622"}).content.decode()
    page = client.get("/experts/", {"q": "小麦"}).content.decode()
    assert "张伟" in page and "阿宝" not in page
    page = client.get("/experts/", {"category": "yangzhi"}).content.decode()
    assert "阿宝" in page and "张伟" not in page


def test_experts_sort_by_pinyin(client, experts, experts_page):
    page = client.get("/experts/", {"sort": "pinyin"}).content.decode()
    # 阿宝 (a bao) < 王芳 (wang fang) < 张伟 (zhang wei)
    assert page.index("阿宝") < page.index("王芳") < page.index("张伟")


def test_page_for_located_directory(client, home):
    rows = sample("leaders", 3)
    rows[0]["是否公开"] = "否"
    load("leaders", rows)
    home.add_child(
        instance=ThinkTankPage(title="致富带头人", slug="leaders", directory="leaders")
    )
    page = client.get("/leaders/").content.decode()
    public = TechLeader.objects.public()
    assert all(leader.name in page for leader in public)
    assert "1380000" not in page  # the demo numbers, never in full


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
def test_api_other_directories(client, directory):
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
