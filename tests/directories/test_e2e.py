"""Browser test: a county clerk's GB18030 CSV with one bad row, fixed and imported."""

import pytest

from kexie_pages.models import Expert

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upload_gb18030_csv_fix_the_error_row_and_confirm(
    live_server, browser, django_user_model, tmp_path, fixtures_dir
):
    django_user_model.objects.create_superuser("boss", "b@example.cn", "pw")
    bad_file = fixtures_dir / "imports" / "experts-one-error-gb18030.csv"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(live_server.url + "/admin/kexie_pages/expert/")
    page.get_by_role("link", name="导入").click()
    page.wait_for_url("**/expert/import/")
    page.set_input_files("input[type=file]", str(bad_file))
    page.get_by_role("button", name="检查文件").click()

    assert (
        page.locator(".kexie-import-counts")
        .inner_text()
        .startswith("新增 4 条，更新 0 条，未变 0 条，有错误 1 条。")
    )
    errors = page.locator(".kexie-import-errors").inner_text()
    assert errors.startswith("第 4 行「联系电话」：“1380000123”不是有效的电话号码")
    assert page.get_by_role("button", name="确认导入").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="下载出错的行（XLSX）").click()
    assert download.value.suggested_filename == "experts-errors.xlsx"
    page.screenshot(path=str(tmp_path / "preview-error.png"), full_page=True)

    # The clerk fixes the number in the CSV (still GB18030) and uploads it again.
    fixed = tmp_path / "experts-fixed.csv"
    fixed.write_bytes(
        bad_file.read_text(encoding="gb18030")
        .replace("1380000123,", "13800001234,")
        .encode("gb18030")
    )
    page.get_by_role("link", name="上传改正后的文件").click()
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="检查文件").click()
    assert (
        page.locator(".kexie-import-counts")
        .inner_text()
        .startswith("新增 5 条，更新 0 条，未变 0 条，有错误 0 条。")
    )
    assert Expert.objects.count() == 0
    page.get_by_role("button", name="确认导入").click()
    # The import runs as a task (at once with the default backend): its page.
    page.wait_for_url("**/admin/kexie_pages/expert/job/*/")
    assert "导入完成：新增 5 条" in page.content()
    assert 'http-equiv="refresh"' not in page.content()
    page.get_by_role("link", name="返回列表").click()
    page.wait_for_url("**/admin/kexie_pages/expert/")
    assert Expert.objects.count() == 5
    assert Expert.objects.filter(phone="13800001234").exists()
