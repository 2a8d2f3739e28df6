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

from .helpers import (
    EXE,
    HTML,
    PDF,
    PNG,
    SVG,
    make_form_page,
    receipt_code_of,
    upload,
    valid_data,
)

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


def test_receipt_lookup_shows_status_not_personal_data(client, page):
    posted = client.post(page.url, valid_data(page))
    receipt, code = receipt_of(posted), receipt_code_of(posted)
    FormSubmission.objects.update(status=SubmissionStatus.NEEDS_MORE)
    typed = f"{code[:3].lower()} {code[3:]}"  # as a farmer may type it
    response = client.get(
        "/forms/receipt/", {"receipt": receipt.lower(), "code": typed}
    )
    html = response.content.decode()
    assert receipt in html
    assert "需补充" in html
    assert "13803940001" not in html


def test_receipt_lookup_unknown_number(client, db):
    response = client.get(
        "/forms/receipt/", {"receipt": "XQ-2000-999999", "code": "K7P3QX"}
    )
    assert response.status_code == 404
    assert "没有与该回执编号和查询码相符的提交" in response.content.decode()


def test_receipt_page_of_another_form_is_404(client, home):
    a = make_form_page(home, "a")
    b = make_form_page(home, "b")
    posted = client.post(a.url, valid_data(a))
    query = f"receipt={receipt_of(posted)}&code={receipt_code_of(posted)}"
    assert client.get(f"{a.url}?{query}").status_code == 200
    assert client.get(f"{b.url}?{query}").status_code == 404


# --- replays, receipt codes, caching (issue 11, items 4 and 5) ---------------------


def test_changed_answers_with_a_reused_token_are_a_second_submission(client, page):
    first = valid_data(page)
    stored = client.post(page.url, first)
    # Back to the form (same token), an answer changed, submitted again.
    changed = client.post(page.url, {**first, "village": "后进村"})
    assert changed.status_code == 302
    assert receipt_of(changed) != receipt_of(stored)
    assert sorted(
        FormSubmission.objects.values_list("form_data__village", flat=True)
    ) == [
        "前进村",
        "后进村",
    ]
    landing = client.get(changed["Location"]).content.decode()
    assert receipt_of(changed) in landing
    # Only an identical replay finds the earlier receipt (and shows its code).
    again = client.post(page.url, {**first, "village": "后进村"})
    assert again["Location"] == changed["Location"]
    assert FormSubmission.objects.count() == 2


def test_a_changed_attachment_is_a_second_submission(client, page):
    token = valid_data(page)["form_token"]
    client.post(
        page.url, valid_data(page, form_token=token, attachment=upload("a.pdf", PDF))
    )
    client.post(
        page.url, valid_data(page, form_token=token, attachment=upload("a.pdf", PDF))
    )
    assert FormSubmission.objects.count() == 1
    png = upload("a.png", PNG, "image/png")
    client.post(page.url, valid_data(page, form_token=token, attachment=png))
    assert FormSubmission.objects.count() == 2


def test_receipt_page_shows_the_code_and_needs_it(client, page):
    posted = client.post(page.url, valid_data(page))
    receipt, code = receipt_of(posted), receipt_code_of(posted)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", code)
    html = client.get(posted["Location"]).content.decode()
    assert code in html and "查询码" in html
    assert f"receipt={receipt}&amp;code={code}" in html  # the lookup link
    assert client.get(f"{page.url}?receipt={receipt}").status_code == 404
    wrong = "222222" if code != "222222" else "333333"
    assert client.get(f"{page.url}?receipt={receipt}&code={wrong}").status_code == 404
    assert FormSubmission.objects.get().receipt_code_hash.startswith("sha256$")
    assert code not in FormSubmission.objects.get().receipt_code_hash


def test_receipt_lookup_without_or_with_a_wrong_code_is_refused(client, page):
    posted = client.post(page.url, valid_data(page))
    receipt, code = receipt_of(posted), receipt_code_of(posted)
    FormSubmission.objects.update(status=SubmissionStatus.ACCEPTED)
    missing = client.get("/forms/receipt/", {"receipt": receipt})
    assert missing.status_code == 400
    assert "请同时填写回执编号下方的查询码" in missing.content.decode()
    assert "已采纳" not in missing.content.decode()
    wrong = "222222" if code != "222222" else "333333"
    refused = client.get("/forms/receipt/", {"receipt": receipt, "code": wrong})
    assert refused.status_code == 404
    assert "已采纳" not in refused.content.decode()
    # the same answer as for a number nobody was given
    unknown = client.get(
        "/forms/receipt/", {"receipt": "XQ-2000-000001", "code": wrong}
    )
    assert unknown.status_code == 404
    message = "没有与该回执编号和查询码相符的提交"
    assert message in refused.content.decode() and message in unknown.content.decode()
    shown = client.get("/forms/receipt/", {"receipt": receipt, "code": code})
    assert "已采纳" in shown.content.decode()


def test_receipt_lookups_are_rate_limited(client, page, settings):
    settings.KEXIE_RATE_LIMITS = {"receipt_lookup": (5, 60)}
    posted = client.post(page.url, valid_data(page))
    receipt, code = receipt_of(posted), receipt_code_of(posted)
    client.get(posted["Location"])  # the thank-you page counts as one lookup
    for guess in ("222222", "333333", "444444", "555555"):
        client.get("/forms/receipt/", {"receipt": receipt, "code": guess})
    limited = client.get("/forms/receipt/", {"receipt": receipt, "code": code})
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "查询过于频繁" in html and receipt in html  # the number is kept
    assert client.get(posted["Location"]).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        other.get("/forms/receipt/", {"receipt": receipt, "code": code}).status_code
        == 200
    )


def test_receipts_from_before_codes_are_looked_up_with_the_phones_last_digits(
    client, page
):
    FormSubmission.objects.create(
        page=page,
        form_data={"village": "前进村", "mobile": "13803940001"},
        receipt_number="XQ-2025-000007",
        status=SubmissionStatus.RETURNED,
    )
    for code in ("", "1234", "K7P3QX"):
        response = client.get(
            "/forms/receipt/", {"receipt": "XQ-2025-000007", "code": code}
        )
        assert "已退回" not in response.content.decode(), code
    response = client.get(
        "/forms/receipt/", {"receipt": "XQ-2025-000007", "code": "0001"}
    )
    assert response.status_code == 200
    assert "已退回" in response.content.decode()
    assert "13803940001" not in response.content.decode()


def test_form_and_receipt_pages_are_never_cached(client, page):
    def private(response) -> bool:
        control = response.get("Cache-Control", "")
        return "no-store" in control and "private" in control

    assert private(client.get(page.url))
    assert private(client.post(page.url, valid_data(page, village="")))  # errors
    posted = client.post(page.url, valid_data(page))
    assert private(client.get(posted["Location"]))  # the receipt
    lookup = {"receipt": receipt_of(posted), "code": receipt_code_of(posted)}
    assert private(client.get("/forms/receipt/", lookup))
    assert private(client.get("/forms/receipt/"))


# --- finding the forms and what a receipt shows (issue 12, items 1 and 2) -------


def test_home_and_menu_lead_to_the_county_entry_point(client, form_index):
    html = client.get("/").content.decode()
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{form_index.url}"' in nav
    assert "县区填报" in nav
    main = html.split('id="main"', 1)[1]
    assert f'href="{form_index.url}"' in main


def test_entry_point_lists_forms_with_deadlines_and_the_lookup(client, form_index):
    response = client.get(form_index.url)
    assert response.status_code == 200
    html = response.content.decode()
    listing = html.split('class="results form-list"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(
        r"<li>\s*<a href=\"([^\"]+)\">([^<]+)</a>(.*?)</li>", listing, re.S
    )
    assert [url for url, _title, _meta in items] == [
        f"{form_index.url}open/",
        f"{form_index.url}later/",
        f"{form_index.url}closed/",
    ]
    assert "截止" in items[0][2]
    assert "已截止" in items[2][2]
    assert "未发布的征集" not in html
    assert 'href="/forms/receipt/"' in html


def test_thank_you_page_links_the_receipt_lookup(client, form_index):
    form = form_index.get_children().first().specific
    posted = client.post(form.url, valid_data(form))
    html = client.get(posted["Location"]).content.decode()
    assert 'href="/forms/receipt/?receipt=' in html


def test_site_search_finds_forms_by_their_title_words(client, page):
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    for words in ("需求征集", "征集"):
        html = client.get("/search/", {"q": words}).content.decode()
        assert f'href="{page.url}"' in html, words


def test_receipt_lookup_shows_the_submission_without_personal_data(client, page):
    posted = client.post(page.url, valid_data(page, village="前进村"))
    response = client.get(
        "/forms/receipt/",
        {"receipt": receipt_of(posted), "code": receipt_code_of(posted)},
    )
    html = response.content.decode()
    assert "需求征集" in html
    assert "扶沟县" in html
    assert "前进村" in html
    assert timezone.localtime().strftime("%Y-%m-%d") in html
    assert "13803940001" not in html
    assert "138 0394 0001" not in html
    assert "小麦赤霉病防治技术" not in html  # the free-text answer stays private


def test_receipt_lookup_shows_the_promoted_need_and_its_help(client, promoted):
    receipt, code, need = promoted
    html = client.get("/forms/receipt/", {"receipt": receipt, "code": code}).content
    html = html.decode()
    assert f'href="{need.get_url()}"' in html
    assert "前进村小麦赤霉病防治" in html
    assert "李明（周口市农业科学院） · 小麦赤霉病" in html
    assert "13912345678" not in html
    assert "张三" not in html
    assert "13803940001" not in html
