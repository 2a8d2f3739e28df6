"""The recognition demo, tested once on its own (after the think tank and news)."""

import re

import pytest

from kexie_forms.models import SubmissionScore
from kexie_pages.demo import directories as demo_directories
from kexie_pages.demo import news as demo_news
from kexie_pages.demo import recognition as demo_recognition
from kexie_pages.models import Award, AwardDecision, HonourEntry, YearSummary


@pytest.mark.django_db
def test_demo_recognition_round_roll_and_summaries(client, home, fixtures_dir):
    demo_news.load(home, fixtures_dir)
    demo_directories.load(home, fixtures_dir)
    message = demo_recognition.load(home, fixtures_dir)
    assert message == (
        "recognition: 3 awards, honour roll of 12 with 4 certificates, 2 summaries"
    )
    # Re-runnable: nothing is added twice.
    assert demo_recognition.load(home, fixtures_dir) == message
    assert Award.objects.count() == 4
    assert Award.objects.filter(decision=AwardDecision.AWARDED).count() == 3
    assert SubmissionScore.objects.count() == 8
    assert set(YearSummary.objects.values_list("county__code", flat=True)) == {
        None,
        "411621",
    }
    assert YearSummary.objects.get(county=None).highlights.count() == 3

    awards = client.get("/biaozhang/awards/2026/").content.decode()
    assert "共 3 项奖励，合计 100000 元" in awards
    roll = client.get("/biaozhang/honours/2026/").content.decode()
    number = HonourEntry.objects.exclude(certificate_number="").first()
    assert number.certificate_number in roll
    check = client.get(f"/c/{number.certificate_number}/").content.decode()
    assert number.display_name in check
    for html in (awards, roll, check):
        assert not re.search(r"1[3-9]\d{9}", html)
