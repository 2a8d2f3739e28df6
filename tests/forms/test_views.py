"""Public form pages: receipts, bad input, spam defences, the status lookup."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kexie_forms.models import (
    FormSubmission,
    RejectionCount,
    SubmissionAttachment,
    SubmissionStatus,
)
from kexie_forms.services import receipt_allocate

from .helpers import EXE, HTML, PDF, PNG, SVG, make_form_page, upload, valid_data

pytestmark = pytest.mark.django_db


def receipt_of(response) -> str:
    return re.search(r"receipt=([A-Z]+-\d{4}-\d{6})", response["Location"]).group(1)


def test_get_shows_the_form_in_chinese(client, page):
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "选择县（市、区）" in html
    assert 'name="form_token"' in html
    assert "按回执编号查询办理状态" in html


def test_valid_submission_redirects_to_receipt_and_stores_once(client, page):
    response = client.post(page.url, valid_data(page))
    assert response.status_code == 302
    year = timezone.localdate().year
    assert receipt_of(response) == f"XQ-{year}-000001"
    submission = FormSubmission.objects.get()
    assert submission.county.name == "扶沟县"
    assert submission.form_data["mobile"] == "13803940001"
    assert submission.form_data["county"] == "扶沟县"
    assert submission.status == SubmissionStatus.PENDING

    landing = client.get(response["Location"])
    html = landing.content.decode()
    assert f"XQ-{year}-000001" in html
    assert "您的提交已收到" in html
    assert "感谢填报" in html


def test_refresh_and_double_click_store_one_submission(client, page):
    data = valid_data(page)
    first = client.post(page.url, data)
    second = client.post(page.url, data)  # replayed POST: same one-time token
    assert first["Location"] == second["Location"]
    assert FormSubmission.objects.count() == 1
    # refreshing the receipt page is a GET: nothing is posted again
    client.get(first["Location"])
    client.get(first["Location"])
    assert FormSubmission.objects.count() == 1


def test_receipts_are_sequential_per_prefix_and_year(home):
    a = make_form_page(home, "a", receipt_prefix="XQ")
    b = make_form_page(home, "b", receipt_prefix="PX")
    client = Client()
    year = timezone.localdate().year
    receipts = [receipt_of(client.post(p.url, valid_data(p))) for p in (a, a, b, a)]
    assert receipts == [
        f"XQ-{year}-000001",
        f"XQ-{year}-000002",
        f"PX-{year}-000001",
        f"XQ-{year}-000003",
    ]
    assert receipt_allocate(prefix="XQ", year=year + 1) == f"XQ-{year + 1}-000001"


def test_staff_email_is_sent_when_configured(client, home):
    page = make_form_page(home, to_address="staff@example.com", subject="新需求")
    client.post(page.url, valid_data(page))
    assert len(mail.outbox) == 1
    assert "前进村" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"village": None}, "village", "请填写此项。"),
        ({"county": "999999"}, "county", "请从列表中选择一项。"),
        ({"mobile": "12345"}, "mobile", "请输入 11 位手机号码"),
        ({"mobile": "23803940001"}, "mobile", "请输入 11 位手机号码"),
        ({"village": "村" * 21}, "village", "最多 20 个字符"),
        ({"need": "需" * 501}, "need", "最多 500 个字符"),
    ],
)
def test_bad_input_is_shown_back_with_a_chinese_message(
    client, page, override, field, message
):
    data = valid_data(page, **override)
    response = client.post(page.url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "请修改以下错误后重新提交" in html
    assert message in html
    assert FormSubmission.objects.count() == 0
    # what the visitor typed is still there
    for key, value in data.items():
        if key not in (field, "form_token", "county"):
            assert value in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", EXE, "不是允许的文件类型"),  # .exe renamed .pdf
        ("page.pdf", HTML, "不是允许的文件类型"),  # .html renamed .pdf
        ("page.html", HTML, "不是允许的文件类型"),
        ("logo.svg", SVG, "不是允许的文件类型"),
        ("logo.png", SVG, "不是允许的文件类型"),
        ("scan.png", PDF, "文件名与其内容不符"),
    ],
)
def test_disallowed_attachments_are_refused(client, page, name, content, message):
    data = valid_data(page, attachment=upload(name, content))
    response = client.post(page.url, data)
    html = response.content.decode()
    assert message in html
    assert "附件需要重新选择" in html
    assert FormSubmission.objects.count() == 0
    assert SubmissionAttachment.objects.count() == 0


def test_attachment_over_the_field_limit_is_refused(client, page):
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(page.url, valid_data(page, attachment=upload("a.pdf", big)))
    assert "此字段最多接受" in response.content.decode()
    assert FormSubmission.objects.count() == 0


def test_good_attachment_is_stored_privately_with_a_reference(client, page, settings):
    response = client.post(
        page.url, valid_data(page, attachment=upload("scan.png", PNG, "image/png"))
    )
    assert response.status_code == 302
    submission = FormSubmission.objects.get()
    attachment = submission.attachments.get()
    assert submission.form_data["attachment"] == str(attachment.key)
    assert attachment.original_name == "scan.png"
    assert attachment.content_type == "image/png"
    path = attachment.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - private files have no public URL


def test_ten_megabyte_body_gets_413_and_nothing_is_stored(client, page):
    data = valid_data(page, attachment=upload("big.pdf", PDF + b"0" * 10 * 1024 * 1024))
    response = client.post(page.url, data)
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert FormSubmission.objects.count() == 0
    assert RejectionCount.objects.get(reason="too_large").count == 1


def test_ten_megabyte_text_field_gets_413(client, page):
    response = client.post(page.url, valid_data(page, need="需" * 4_000_000))
    assert response.status_code == 413
    assert FormSubmission.objects.count() == 0


def test_closed_form_refuses_and_shows_input_back(client, home):
    page = make_form_page(home, closes_at=timezone.now() - datetime.timedelta(hours=1))
    assert "本表单已截止" in client.get(page.url).content.decode()
    response = client.post(page.url, valid_data(page))
    assert response.status_code == 403
    assert "前进村" in response.content.decode()
    assert FormSubmission.objects.count() == 0


def test_form_not_yet_open(client, home):
    page = make_form_page(home, opens_at=timezone.now() + datetime.timedelta(days=1))
    assert "本表单尚未开放" in client.get(page.url).content.decode()
    assert client.post(page.url, valid_data(page)).status_code == 403


def test_form_past_its_limit(client, home):
    page = make_form_page(home, submission_limit=1)
    assert client.post(page.url, valid_data(page)).status_code == 302
    response = client.post(page.url, valid_data(page))
    assert response.status_code == 403
    assert "本表单已达到提交数量上限" in response.content.decode()
    assert FormSubmission.objects.count() == 1


def test_forged_or_missing_token_is_refused_with_a_fresh_token(client, page):
    response = client.post(page.url, valid_data(page, form_token="forged"))
    html = response.content.decode()
    assert "表单已过期" in html
    assert FormSubmission.objects.count() == 0
    fresh = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert fresh != "forged"
    assert client.post(page.url, valid_data(page, form_token=fresh)).status_code == 302
    assert RejectionCount.objects.get(reason="token").count == 1


def test_honeypot_refuses_and_counts(client, page):
    response = client.post(page.url, valid_data(page, website="http://spam.example"))
    assert response.status_code == 400
    assert "未被接受" in response.content.decode()
    assert "前进村" in response.content.decode()
    assert FormSubmission.objects.count() == 0
    assert RejectionCount.objects.get(reason="honeypot").count == 1


def test_stale_csrf_token_shows_input_back_with_a_new_token(page):
    client = Client(enforce_csrf_checks=True)
    client.get(page.url)
    data = valid_data(page, csrfmiddlewaretoken="x" * 64)
    response = client.post(page.url, data)
    html = response.content.decode()
    assert response.status_code == 403
    assert "安全校验已失效" in html
    assert "小麦赤霉病防治技术" in html
    assert FormSubmission.objects.count() == 0
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form_token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    retry = client.post(
        page.url, valid_data(page, csrfmiddlewaretoken=token, form_token=form_token)
    )
    assert retry.status_code == 302
    assert RejectionCount.objects.get(reason="csrf").count == 1


def test_rate_limit_returns_429_with_the_data_shown_back(client, page, settings):
    settings.KEXIE_FORMS_RATE_LIMIT = (2, 60)
    for _ in range(2):
        assert client.post(page.url, valid_data(page)).status_code == 302
    response = client.post(page.url, valid_data(page, village="后进村"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "提交过于频繁" in html
    assert "后进村" in html
    assert FormSubmission.objects.count() == 2
    assert RejectionCount.objects.get(reason="rate_limit").count == 1
    # another address is not limited
    other = client.post(page.url, valid_data(page), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_receipt_lookup_shows_status_not_content(client, page):
    receipt = receipt_of(client.post(page.url, valid_data(page)))
    FormSubmission.objects.update(status=SubmissionStatus.NEEDS_MORE)
    response = client.get("/forms/receipt/", {"receipt": receipt.lower()})
    html = response.content.decode()
    assert receipt in html
    assert "需补充" in html
    assert "前进村" not in html
    assert "13803940001" not in html


def test_receipt_lookup_unknown_number(client, db):
    response = client.get("/forms/receipt/", {"receipt": "XQ-2000-999999"})
    assert "没有这个回执编号" in response.content.decode()


def test_receipt_page_of_another_form_is_404(client, home):
    a = make_form_page(home, "a")
    b = make_form_page(home, "b")
    receipt = receipt_of(client.post(a.url, valid_data(a)))
    assert client.get(f"{b.url}?receipt={receipt}").status_code == 404
