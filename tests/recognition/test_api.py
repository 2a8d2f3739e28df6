"""The recognition API: awards, honour rolls, certificate verification; and the
awards and honours in the directories API. Nothing private in any answer."""

import json
import re

import pytest

from kexie_pages.models import AwardDecision

from .conftest import PHONES

pytestmark = pytest.mark.django_db

BASE = "/api/v3/kexie/recognition"


def _scan(body: str) -> None:
    for phone in PHONES:
        assert phone not in body
    assert not re.search(r"1[3-9]\d{9}", body)


@pytest.fixture
def published(award_round, nomination, honour_roll):
    from kexie_pages.recognition.services import award_decide, award_from_submission

    award = award_from_submission(submission=nomination("leader"))
    award_decide(award=award, user=None, decision=AwardDecision.AWARDED, amount=20000)
    pending = award_from_submission(submission=nomination("association", n=2))
    award_round.is_published = True
    award_round.save()
    return award, pending


def test_awards_list(client, published, entries):
    response = client.get(f"{BASE}/awards/?year=2026")
    assert response.status_code == 200
    body = response.content.decode()
    items = json.loads(body)["items"]
    assert [(i["nominee"]["name"], i["amount"]) for i in items] == [("王富贵", "20000")]
    assert items[0]["nominee"] == {
        "directory": "leaders",
        "id": entries["leader"].pk,
        "name": "王富贵",
    }
    assert items[0]["households_helped"] == 56 and items[0]["county"] == "扶沟县"
    _scan(body)
    assert json.loads(client.get(f"{BASE}/awards/?year=2025").content)["items"] == []


def test_honour_roll(client, honour_roll):
    rolls = json.loads(client.get(f"{BASE}/honours/").content)["items"]
    assert rolls == [
        {"year": 2026, "title": honour_roll.title, "issued_on": "2026-12-20"}
    ]
    response = client.get(f"{BASE}/honours/2026/")
    body = response.content.decode()
    entries = json.loads(body)["entries"]
    assert [(e["category"], e["name"]) for e in entries] == [
        ("unit", "扶沟县蔬菜种植协会"),
        ("unit", "扶沟县科协"),
        ("individual", "王富贵"),
        ("expert", "李建国"),
    ]
    assert entries[-1]["certificate_number"] == "ZJ2026-001"
    _scan(body)
    assert client.get(f"{BASE}/honours/2025/").status_code == 404
    assert client.get(f"{BASE}/honours/99999999999/").status_code == 404


def test_certificate_verification(client, certificate):
    body = json.loads(client.get(f"{BASE}/certificates/ZJ2026-001/").content)
    assert body == {
        "number": "ZJ2026-001",
        "holder": "李建国",
        "employer": "河南农业大学",
        "year": 2026,
        "honour": "突出贡献专家",
        "issued_on": "2026-12-20",
        "verification_url": "http://localhost/c/ZJ2026-001/",
    }
    unknown = client.get(f"{BASE}/certificates/ZJ2026-404/")
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("application/problem+json")


def test_directories_api_shows_awards_and_honours(client, published, entries):
    leaders = json.loads(client.get("/api/v3/kexie/leaders/").content)["items"]
    assert leaders[0]["recognitions"] == [
        {"kind": "award", "year": 2026, "title": "2026年度以奖代补", "amount": 20000},
        {"kind": "honour", "year": 2026, "title": "先进个人", "amount": None},
    ]
    experts = json.loads(client.get("/api/v3/kexie/experts/").content)["items"]
    assert experts[0]["recognitions"][0]["title"] == "突出贡献专家"


@pytest.mark.parametrize("year", ["1", "99999999999999999999999", "abc"])
def test_bad_year_is_a_chinese_400(client, published, year):
    response = client.get(f"{BASE}/awards/?year={year}")
    assert response.status_code in (400, 422)
    assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"])
