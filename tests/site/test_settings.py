"""The reference site's settings: Chinese defaults, and SQLite in WAL mode with
immediate transactions as the embedded default."""

import pytest
from django.conf import settings
from django.db import connection


def test_chinese_defaults():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="embedded default only")
@pytest.mark.django_db
def test_sqlite_runs_in_wal_with_immediate_transactions():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
