"""Fixtures of the think-tank directory tests: staff clients, importing rows,
public experts with their page, and a migrated site for tests that run
``manage.py`` in processes of their own."""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from kexie_pages.directories.services import directory_import
from kexie_pages.models import ThinkTankPage

from .helpers import csv_bytes, sample, table


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "b@example.cn", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(db) -> Callable:
    """``staff_client(client, django_user_model, *codenames)``: log ``client`` in
    as an editor holding only the given expert permissions."""

    def log_in(client, django_user_model, *codenames):
        user = django_user_model.objects.create_user("clerk", "c@example.cn", "pw")
        group = Group.objects.create(name="clerks")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in codenames:
            group.permissions.add(Permission.objects.get(codename=codename))
        user.groups.add(group)
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def import_rows(db) -> Callable:
    """``import_rows(directory, rows, **kwargs)``: import ``rows`` (dicts keyed by
    header) as a CSV file; returns the import result."""

    def run(directory, rows, **kwargs):
        return directory_import(
            directory=directory, content=csv_bytes(table(directory, rows)), **kwargs
        )

    return run


@pytest.fixture
def load(db) -> Callable:
    """``load(directory, rows)``: import ``rows`` for good; fails if any is refused."""

    def run(directory, rows):
        result = directory_import(
            directory=directory,
            content=csv_bytes(table(directory, rows)),
            dry_run=False,
        )
        assert result.applied, result.error_lines()

    return run


@pytest.fixture
def experts(load):
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


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def _migrated_site(tmp_path_factory) -> Path:
    """A SQLite database with every migration applied, made once a session."""
    var = tmp_path_factory.mktemp("migrated-site")
    subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, str(REPO / "site" / "manage.py"), "migrate", "-v0"],
        env=site_env(var),
        check=True,
    )
    return var / "db.sqlite3"


def site_env(var: Path) -> dict[str, str]:
    # A throwaway SQLite database, whatever DATABASE_URL the suite runs on.
    return {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "kexie_site.settings.dev",
        "KEXIE_VAR_DIR": str(var),
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "site")]),
    }


@pytest.fixture
def site_process_env(_migrated_site, tmp_path) -> dict[str, str]:
    """The environment for ``manage.py`` (or ``python -m django``) run in a
    process of its own, on a migrated SQLite database of this test's own and
    the dev settings (private files under the same ``KEXIE_VAR_DIR``)."""
    var = tmp_path / "var"
    var.mkdir()
    shutil.copy(_migrated_site, var / "db.sqlite3")
    return site_env(var)
