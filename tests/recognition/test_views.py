"""Public pages: a year's awards, a year's honour roll, certificate verification,
and the awards and honours shown where the directories list their entries."""

import re

import pytest

from kexie_pages.models import AwardDecision

from .conftest import PHONES

pytestmark = pytest.mark.django_db


def _scan_private(html: str) -> None:
    for phone in PHONES:
        assert phone not in html
    assert not re.search(r"1[3-9]\d{9}", html)


@pytest.fixture
def decided(award_round, nomination, entries):
    """Two awards (association, tech-leader) and one declined (base); round published."""
    from kexie_pages.recognition.services import award_decide, award_from_submission

    results = []
    for n, (key, decision, amount) in enumerate(
        (
            ("association", AwardDecision.AWARDED, 50000),
            ("leader", AwardDecision.AWARDED, 20000),
            ("base", AwardDecision.DECLINED, None),
        ),
        start=1,
    ):
        award = award_from_submission(submission=nomination(key, n=n))
        results.append(
            award_decide(
                award=award,
                user=None,
                decision=decision,
                amount=amount,
                citation=f"带动脱贫{n}",
            )
        )
    award_round.is_published = True
    award_round.save()
    return results


def test_awards_page_lists_the_years_awards(
    client, recognition_page, decided, think_tank_pages
):
    response = client.get(recognition_page.url + "awards/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年度以奖代补" in html
    assert "扶沟县蔬菜种植协会" in html and "50000 元" in html
    assert "王富贵" in html and "20000 元" in html
    assert "西华县食用菌示范基地" not in html  # declined
    assert "共 2 项奖励，合计 70000 元" in html
    assert "带动贫困户 56 户" in html and "带动增收 12.50 万元" in html
    # Linked to the entry in its directory listing.
    assert f'href="{think_tank_pages["associations"].url}?q=' in html
    _scan_private(html)


def test_unpublished_round_is_not_found(client, recognition_page, award_round):
    assert client.get(recognition_page.url + "awards/2026/").status_code == 404
    assert client.get(recognition_page.url + "awards/2031/").status_code == 404


def test_index_lists_published_years(client, recognition_page, decided, honour_roll):
    html = client.get(recognition_page.url).content.decode()
    assert 'href="/recognition/awards/2026/"' in html
    assert 'href="/recognition/honours/2026/"' in html


def test_honour_roll_by_category_with_certificate_links(
    client, recognition_page, honour_roll, think_tank_pages
):
    response = client.get(recognition_page.url + "honours/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("先进单位", "先进个人", "突出贡献专家"):
        assert heading in html
    assert "扶沟县科协" in html and "扶沟县蔬菜种植协会" in html
    assert "王富贵" in html and "李建国" in html and "河南农业大学" in html
    assert 'href="/c/ZJ2026-001/"' in html
    assert f'href="{think_tank_pages["experts"].url}?q=' in html
    _scan_private(html)


def test_unpublished_roll_is_not_found(client, recognition_page, honour_roll):
    honour_roll.is_published = False
    honour_roll.save()
    assert client.get(recognition_page.url + "honours/2026/").status_code == 404


def test_verification_page_shows_holder_and_number(client, certificate):
    response = client.get("/c/ZJ2026-001/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "此证书真实有效" in html
    assert "李建国" in html and "ZJ2026-001" in html
    assert "河南农业大学" in html and "突出贡献专家" in html
    assert "2026年12月20日" in html
    _scan_private(html)


def test_verification_accepts_lower_case(client, certificate):
    assert "李建国" in client.get("/c/zj2026-001/").content.decode()


@pytest.mark.parametrize("number", ["ZJ2026-999", "XX", "ZJ2026-001" + "9" * 40])
def test_unknown_number_says_so_in_chinese(client, certificate, number):
    response = client.get(f"/c/{number}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "证书查验" in html
    assert "未找到编号为" in html
    assert "李建国" not in html


def test_certificate_of_unpublished_roll_is_unknown(client, certificate):
    certificate.roll.is_published = False
    certificate.roll.save()
    assert client.get("/c/ZJ2026-001/").status_code == 404


def test_directory_listing_shows_awards_and_honours(
    client, decided, honour_roll, think_tank_pages
):
    html = client.get(think_tank_pages["associations"].url).content.decode()
    entry = html[html.index("扶沟县蔬菜种植协会") :]
    assert "2026 · 2026年度以奖代补 · 50000 元" in entry
    assert "2026 · 先进单位" in entry
    experts = client.get(think_tank_pages["experts"].url).content.decode()
    assert "2026 · 突出贡献专家" in experts


def test_sitemap_lists_published_years(client, recognition_page, decided, honour_roll):
    xml = client.get("/sitemap.xml").content.decode()
    assert "http://localhost/recognition/awards/2026/" in xml
    assert "http://localhost/recognition/honours/2026/" in xml
