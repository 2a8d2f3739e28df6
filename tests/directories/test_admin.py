"""The 智库 admin: lists, permissions, export of the filtered list, and the import flow."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kexie_pages.directories.services import directory_import
from kexie_pages.models import Association, Expert

from .helpers import csv_bytes, sample, table

pytestmark = pytest.mark.django_db

EXPERTS = "/admin/kexie_pages/expert/"


def upload(client, content: bytes, name: str = "专家.csv"):
    return client.post(
        EXPERTS + "import/",
        {"file": SimpleUploadedFile(name, content), "format": ""},
        follow=True,
    )


def load(directory: str, count: int) -> list[dict]:
    rows = sample(directory, count)
    directory_import(
        directory=directory, content=csv_bytes(table(directory, rows)), dry_run=False
    )
    return rows


def test_menu_group_and_list_with_chinese_search_and_filters(admin_client):
    rows = load("experts", 6)
    rows_public = [r for r in rows if r["是否公开"] == "是"]
    menu = admin_client.get("/admin/").content.decode()
    assert (
        "智库" in menu or "\\u667a\\u5e93" in menu
    )  # the menu is JSON for the sidebar
    response = admin_client.get(EXPERTS, {"q": rows[0]["专业领域"][:2]})
    assert response.status_code == 200
    assert rows[0]["姓名"] in response.content.decode()
    response = admin_client.get(EXPERTS, {"is_public__exact": "1"})
    assert response.context["paginator"].count == len(rows_public)
    response = admin_client.get(EXPERTS, {"counties__id__exact": "999"})
    assert response.status_code == 200
    for admin_url in ["achievement", "association", "demonstrationbase", "techleader"]:
        assert admin_client.get(f"/admin/kexie_pages/{admin_url}/").status_code == 200


def test_inspect_view(admin_client):
    load("experts", 1)
    expert = Expert.objects.get()
    response = admin_client.get(f"{EXPERTS}inspect/{expert.pk}/")
    assert response.status_code == 200
    assert expert.employer in response.content.decode()


def test_export_of_the_filtered_list_round_trips(admin_client):
    rows = load("associations", 6)
    advanced = [r for r in rows if r["是否先进"] == "是"]
    response = admin_client.get(
        "/admin/kexie_pages/association/", {"is_advanced__exact": "1", "export": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == len(advanced) + 1
    assert sheet["A1"].value == "名称"
    result = directory_import(
        directory="associations", content=response.content, filename="a.xlsx"
    )
    assert result.counts == {"unchanged": len(advanced)}
    response = admin_client.get("/admin/kexie_pages/association/", {"export": "json"})
    assert response.json()[0]["名称"] in {r["名称"] for r in rows}


def test_template_download(admin_client):
    response = admin_client.get(EXPERTS + "template/")
    assert response["Content-Disposition"].endswith('experts-template.xlsx"')
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "姓名"


def test_upload_preview_then_confirm(admin_client):
    rows = sample("experts", 3)
    response = upload(
        admin_client, csv_bytes(table("experts", rows), encoding="gb18030")
    )
    page = response.content.decode()
    assert "新增 3 条，更新 0 条，未变 0 条，有错误 0 条。" in page
    assert "确认导入" in page
    assert Expert.objects.count() == 0
    token = response.context["token"]
    response = admin_client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})
    assert (
        response.status_code == 302
    )  # to the job's page (tests/directories/test_jobs.py)
    assert Expert.objects.count() == 3
    page = admin_client.get(response["Location"]).content.decode()
    assert "导入完成：新增 3 条，更新 0 条，未变 0 条。" in page
    assert not default_storage.exists(f"kexie_imports/{token}")  # deleted at once
    # Confirming again: the pending upload is gone.
    response = admin_client.post(EXPERTS + "confirm/", {"token": token}, follow=True)
    assert "上传的文件已不存在，请重新上传。" in response.content.decode()
    assert Expert.objects.count() == 3


def test_preview_with_errors_offers_the_failed_rows_not_confirm(admin_client):
    rows = sample("experts", 3)
    rows[1]["联系电话"] = "12345"
    response = upload(admin_client, csv_bytes(table("experts", rows)))
    page = response.content.decode()
    assert "第 3 行「联系电话」：“12345”不是有效的电话号码" in page
    assert "确认导入" not in page
    token = response.context["token"]
    failed = admin_client.get(EXPERTS + "failed/", {"token": token})
    sheet = load_workbook(io.BytesIO(failed.content)).active
    assert sheet.max_row == 2 and sheet["A2"].value == 3
    # A forged confirm still writes nothing.
    admin_client.post(EXPERTS + "confirm/", {"token": token, "confirm": "1"})
    assert Expert.objects.count() == 0


def test_the_failed_rows_workbook_keeps_uploaded_formulas_inert(admin_client):
    rows = sample("experts", 2)
    rows[0]["联系电话"] = "12345"  # so that the row is among the failed ones
    rows[0]["个人简介"] = '=HYPERLINK("http://x","y")'
    rows[0]["职称"] = "=1+1"
    response = upload(admin_client, csv_bytes(table("experts", rows)))
    failed = admin_client.get(EXPERTS + "failed/", {"token": response.context["token"]})
    sheet = load_workbook(io.BytesIO(failed.content)).active
    cells = {
        sheet.cell(row=1, column=n).value: sheet.cell(row=2, column=n)
        for n in range(1, 14)
    }
    assert cells["个人简介"].value == """'=HYPERLINK("http://x","y")"""
    assert cells["职称"].value == "'=1+1"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # Fixed and uploaded again, the cells hold the text that was typed.
    cells["联系电话"].value = "13800001111"
    sheet.delete_cols(13)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    again = upload(admin_client, buffer.getvalue(), "专家-错误.xlsx").context["result"]
    row = dict(zip(again.headers, again.rows[0].cells, strict=True))
    assert not again.has_errors
    assert row["职称"] == "=1+1"
    assert row["个人简介"] == '=HYPERLINK("http://x","y")'


def test_cancel_deletes_the_pending_upload(admin_client):
    response = upload(admin_client, csv_bytes(table("experts", sample("experts", 1))))
    token = response.context["token"]
    response = admin_client.post(EXPERTS + "confirm/", {"token": token, "cancel": "1"})
    assert response.status_code == 302
    response = admin_client.get(EXPERTS + "failed/", {"token": token}, follow=True)
    assert "上传的文件已不存在" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "a.csv", "所提交的是空文件。"),
        (b"a,b\n1,2\n", "a.csv", "缺少列"),
        (b"not a workbook", "a.xlsx", "改了扩展名的 CSV"),
    ],
)
def test_bad_files_get_a_message_not_a_500(admin_client, content, name, message):
    response = upload(admin_client, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_oversized_upload_is_refused_before_reading(admin_client, settings):
    settings.KEXIE_IMPORT_MAX_BYTES = 100
    response = upload(admin_client, b"x" * 200)
    assert "最多只能导入 0 MB" in response.content.decode()


def test_permissions(client, django_user_model, staff_client):
    viewer = staff_client(client, django_user_model, "view_expert")
    assert viewer.get(EXPERTS).status_code == 200
    assert viewer.get(EXPERTS, {"export": "csv"}).status_code == 200
    # Wagtail answers a permission error with a redirect to the dashboard.
    for response in [
        viewer.get(EXPERTS + "import/"),
        viewer.post(EXPERTS + "confirm/", {"token": "0" * 32}),
        viewer.get(EXPERTS + "failed/", {"token": "0" * 32}),
    ]:
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert (
        'href="/admin/kexie_pages/expert/import/"'
        not in viewer.get(EXPERTS).content.decode()
    )


def test_importer_needs_add_and_change(client, django_user_model, staff_client):
    editor = staff_client(
        client, django_user_model, "view_expert", "add_expert", "change_expert"
    )
    assert editor.get(EXPERTS + "import/").status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(EXPERTS + "import/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Association.objects.count() == 0


EXPERT_PERMISSIONS = (
    "kexie_pages.add_expert",
    "kexie_pages.change_expert",
    "kexie_pages.delete_expert",
    "kexie_pages.view_expert",
)


@pytest.fixture
def served(db) -> dict[str, Expert]:
    """Experts serving 扶沟县 alone, 西华县 alone, both, and the whole city."""
    from kexie_pages.models import County

    fugou, xihua = County.objects.get(code="411621"), County.objects.get(code="411622")
    made = {}
    for key, counties in {
        "fugou": [fugou],
        "xihua": [xihua],
        "both": [fugou, xihua],
        "city": [],
    }.items():
        expert = Expert.objects.create(
            name=f"{key}专家", employer="农科院", phone=f"1380000{len(made):04d}"
        )
        expert.counties.set(counties)
        made[key] = expert
    return made


def test_county_staff_see_experts_serving_their_county_or_the_city(
    county_staff, served
):
    fugou = county_staff("411621", *EXPERT_PERMISSIONS)
    listing = fugou.get(EXPERTS).content.decode()
    for key in ("fugou", "both", "city"):
        assert served[key].name in listing
    assert served["xihua"].name not in listing
    export = fugou.get(EXPERTS, {"export": "csv"}).content.decode("utf-8-sig")
    assert served["xihua"].phone not in export and served["fugou"].phone in export
    assert fugou.get(f"{EXPERTS}inspect/{served['xihua'].pk}/").status_code == 404
    assert fugou.get(f"{EXPERTS}inspect/{served['both'].pk}/").status_code == 200


def test_county_staff_change_only_experts_of_their_county_alone(county_staff, served):
    fugou = county_staff("411621", *EXPERT_PERMISSIONS)
    # Shared with 西华县, or serving the whole city: read-only (their form
    # offers only 扶沟县, so saving would drop the other counties).
    for key in ("both", "city"):
        response = fugou.get(f"{EXPERTS}edit/{served[key].pk}/")
        assert response.status_code == 302 and response["Location"] == "/admin/"
        fugou.post(f"{EXPERTS}delete/{served[key].pk}/")
        assert Expert.objects.filter(pk=served[key].pk).exists()
    form = fugou.get(f"{EXPERTS}edit/{served['fugou'].pk}/").content.decode()
    assert "扶沟县" in form and "西华县" not in form


def test_county_staff_cannot_import_but_get_the_template(county_staff):
    fugou = county_staff("411621", *EXPERT_PERMISSIONS)
    response = fugou.get(EXPERTS + "import/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert fugou.get(EXPERTS + "template/").status_code == 200
    assert f'href="{EXPERTS}import/"' not in fugou.get(EXPERTS).content.decode()


def test_county_staff_filter_offers_no_other_county(county_staff):
    response = county_staff("411621", "kexie_pages.change_association").get(
        "/admin/kexie_pages/association/"
    )
    assert response.status_code == 200
    assert "西华县" not in response.content.decode()
