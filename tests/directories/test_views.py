"""The public think-tank pages: public entries only, phones masked, no e-mail;
filters, Chinese search and pinyin order."""

import pytest

from kexie_pages.models import TechLeader, ThinkTankPage

from .helpers import sample

pytestmark = pytest.mark.django_db


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


def test_page_for_located_directory(client, home, load):
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
