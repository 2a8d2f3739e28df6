"""The think-tank demo loader, tested once on its own."""

import pytest

from kexie_pages.demo import directories
from kexie_pages.models import DIRECTORIES, Expert, ThinkTankPage


@pytest.mark.django_db
def test_demo_fills_every_directory_repeatably(home, tmp_path):
    first = directories.generate_rows("experts", 20)
    assert first == directories.generate_rows("experts", 20)  # seeded
    directories.load(home, tmp_path)
    assert Expert.objects.count() >= 300
    for model in DIRECTORIES.values():
        assert model.objects.public().exists()
    assert ThinkTankPage.objects.live().count() == 6
    ids = sorted(Expert.objects.values_list("id", "updated_at"))
    directories.load(home, tmp_path)  # re-running changes nothing
    assert sorted(Expert.objects.values_list("id", "updated_at")) == ids
