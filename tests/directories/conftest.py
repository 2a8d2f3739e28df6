"""Fixtures of the think-tank directory tests: staff clients, importing rows,
and public experts with their page."""

from collections.abc import Callable

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
