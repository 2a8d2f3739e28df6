"""Review admin: filters, export, review, the county-scoping matrix, and
promotion to the needs library."""

import codecs
import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from wagtail import hooks

from kexie_forms.models import FormSubmission, SubmissionStatus
from kexie_forms.services import PROMOTE_HOOK
from kexie_pages.models import County

from .helpers import FUGOU, XIHUA, make_form_page, valid_data

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"kexie_submissions:{name}", args=args)


def test_county_user_lists_only_their_county(county_a, submissions):
    html = county_a.get(url("index")).content.decode()
    assert submissions[FUGOU].receipt_number in html
    assert submissions[XIHUA].receipt_number not in html


def test_county_user_filtering_for_another_county_shows_nothing(county_a, submissions):
    xihua = County.objects.get(code=XIHUA)
    response = county_a.get(url("index"), {"county": xihua.pk})
    assert submissions[XIHUA].receipt_number not in response.content.decode()


def test_city_staff_see_and_filter_every_county(city, submissions):
    html = city.get(url("index")).content.decode()
    assert submissions[FUGOU].receipt_number in html
    assert submissions[XIHUA].receipt_number in html
    xihua = County.objects.get(code=XIHUA)
    html = city.get(url("index"), {"county": xihua.pk}).content.decode()
    assert submissions[FUGOU].receipt_number not in html
    assert submissions[XIHUA].receipt_number in html
    html = city.get(url("index"), {"status": "accepted"}).content.decode()
    assert submissions[XIHUA].receipt_number not in html


@pytest.mark.parametrize(
    ("view", "method"),
    [
        ("inspect", "get"),
        ("edit", "get"),
        ("edit", "post"),
        ("delete", "get"),
        ("delete", "post"),
        ("history", "get"),
        ("usage", "get"),
    ],
)
def test_editing_the_id_in_the_url_never_reaches_another_county(
    county_a, submissions, view, method
):
    other = submissions[XIHUA]
    own = submissions[FUGOU]
    data = {"status": "accepted", "notes": "hijack"} if method == "post" else None
    response = getattr(county_a, method)(url(view, other.pk), data)
    assert response.status_code in (403, 404)
    other.refresh_from_db()
    assert other.status == SubmissionStatus.PENDING
    assert other.notes == ""
    assert FormSubmission.objects.filter(pk=other.pk).exists()
    # the same view works on their own county's submission
    if method == "get":
        assert getattr(county_a, method)(url(view, own.pk)).status_code == 200


def test_attachment_download_is_scoped(county_a, city, submissions):
    own = submissions[FUGOU].attachments.get()
    other = submissions[XIHUA].attachments.get()
    link = reverse("kexie_forms_attachment", args=[own.key])
    response = county_a.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    denied = reverse("kexie_forms_attachment", args=[other.key])
    assert county_a.get(denied).status_code == 404
    assert city.get(denied).status_code == 200


def test_anonymous_cannot_download_attachments(client, submissions):
    attachment = submissions[FUGOU].attachments.get()
    response = client.get(reverse("kexie_forms_attachment", args=[attachment.key]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_export_is_scoped_formula_safe_and_links_attachments(
    county_a, city, submissions
):
    csv_text = b"".join(
        county_a.get(url("index"), {"export": "csv"}).streaming_content
    ).decode()
    assert submissions[FUGOU].receipt_number in csv_text
    assert submissions[XIHUA].receipt_number not in csv_text
    assert "http://testserver/admin/kexie-forms/attachments/" in csv_text

    csv_text = b"".join(
        city.get(url("index"), {"export": "csv"}).streaming_content
    ).decode()
    cells = [cell for row in csv.reader(io.StringIO(csv_text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)

    response = city.get(url("index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    assert "回执编号" in cells


def test_export_cell_starting_with_equals_is_escaped(city, page):
    Client().post(page.url, valid_data(page, village="=1+1"))
    FormSubmission.objects.update(notes="=cmd|' /C calc'!A0")
    csv_text = b"".join(
        city.get(url("index"), {"export": "csv"}).streaming_content
    ).decode()
    assert "'=cmd" in csv_text
    assert ",=cmd" not in csv_text


def test_review_records_status_reviewer_and_notes(county_a, submissions):
    own = submissions[FUGOU]
    response = county_a.post(
        url("edit", own.pk), {"status": "needs_more", "notes": "请补充村委会证明"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == SubmissionStatus.NEEDS_MORE
    assert own.reviewer.username == "fugou"
    assert own.reviewed_at is not None
    edit_page = county_a.get(url("edit", own.pk)).content.decode()
    assert "前进村" in edit_page  # the submitted data is shown to the reviewer
    lookup = Client().get(
        "/forms/receipt/", {"receipt": own.receipt_number, "code": own.receipt_code}
    )
    assert "需补充" in lookup.content.decode()
    assert "村委会证明" not in lookup.content.decode()  # notes stay private


def test_county_user_deletes_own_submission(county_a, submissions):
    own = submissions[FUGOU]
    assert county_a.post(url("delete", own.pk)).status_code == 302
    assert not FormSubmission.objects.filter(pk=own.pk).exists()


def test_nobody_adds_submissions_by_hand(city):
    assert city.get(url("add")).status_code in (302, 403)


def test_builtin_wagtail_forms_area_hidden_from_county_users(
    county_a, submissions, page
):
    # Wagtail's own delete view cannot be scoped, so county users get no access.
    other = submissions[XIHUA]
    listing = county_a.get(reverse("wagtailforms:list_submissions", args=[page.pk]))
    assert listing.status_code in (302, 403)
    delete = reverse("wagtailforms:delete_submissions", args=[page.pk])
    county_a.post(f"{delete}?selected-submissions={other.pk}")
    assert FormSubmission.objects.filter(pk=other.pk).exists()


def test_superuser_builtin_listing_shows_submissions(submissions, page):
    admin = get_user_model().objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    response = client.get(reverse("wagtailforms:list_submissions", args=[page.pk]))
    assert response.status_code == 200
    assert "前进村" in response.content.decode()


#: What anonymous visitors may type into a form to attack whoever opens the export.
FORMULAS = {
    "village": '=HYPERLINK("http://evil","x")',
    "need": "@SUM(A1)",
    "mobile": "+1",
    "attachment": "-1",
}


@pytest.fixture
def hostile_submission(page) -> FormSubmission:
    """A submission holding formulas, stored at 2026-03-01 02:30 UTC (10:30 in Beijing)."""
    submission = FormSubmission.objects.create(
        page=page, form_data=FORMULAS, receipt_number="XQ-2026-000777"
    )
    FormSubmission.objects.filter(pk=submission.pk).update(
        submit_time=datetime.datetime(2026, 3, 1, 2, 30, tzinfo=datetime.UTC)
    )
    submission.refresh_from_db()
    return submission


def builtin_export(page, export_format: str):
    admin = get_user_model().objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    return client.get(
        reverse("wagtailforms:list_submissions", args=[page.pk]),
        {"export": export_format},
    )


def test_builtin_csv_export_is_formula_safe_in_beijing_time_with_a_bom(
    page, hostile_submission
):
    response = builtin_export(page, "csv")
    content = b"".join(response.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    for formula in FORMULAS.values():
        assert "'" + formula in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    # Wagtail wrote "2026-03-01 02:30:00+00:00": UTC, which no one here reads.
    assert "2026-03-01 10:30:00" in cells


def test_builtin_xlsx_export_is_formula_safe_in_beijing_time(page, hostile_submission):
    response = builtin_export(page, "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    for formula in FORMULAS.values():
        assert "'" + formula in values
    assert not any(
        isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values
    )
    # Wagtail wrote the naive UTC time, 02:30.
    assert datetime.datetime(2026, 3, 1, 10, 30) in values


def test_review_export_is_in_beijing_time_with_a_bom(city, page, hostile_submission):
    hostile_submission.county = County.objects.get(code=FUGOU)
    hostile_submission.save()
    content = b"".join(city.get(url("index"), {"export": "csv"}).streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    assert "2026-03-01 10:30:00" in content.decode("utf-8-sig")


def test_county_staff_cannot_change_county_bindings(county_staff):
    fugou = county_staff(
        FUGOU, "kexie_forms.change_usercounty", "kexie_forms.view_usercounty"
    )
    response = fugou.get(reverse("kexie_county_staff:index"))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    city = county_staff(
        None, "kexie_forms.change_usercounty", "kexie_forms.view_usercounty"
    )
    assert city.get(reverse("kexie_county_staff:index")).status_code == 200


def test_dashboard_counts_refused_submissions(city, page):
    Client().post(page.url, valid_data(page, website="spam"))
    html = city.get(reverse("wagtailadmin_home")).content.decode()
    assert "近 30 天被拒绝的提交" in html
    assert "填写了蜜罐字段" in html


def test_promote_view_is_scoped_and_explains_a_missing_library(
    survey, monkeypatch, reviewer, submission, fake_need_library
):
    from django.test import Client
    from django.urls import reverse

    from kexie_pages.models import County

    fugou = County.objects.get(code="411621")
    own = submission(survey, n=1)
    own.county = fugou
    own.save()
    other = submission(survey, n=2)  # no county: city business
    client: Client = reviewer("fugou", "411621")
    assert (
        client.get(reverse("kexie_forms_promote", args=[other.pk])).status_code == 404
    )
    assert (
        client.post(reverse("kexie_forms_promote", args=[other.pk])).status_code == 404
    )
    page = client.get(reverse("kexie_forms_promote", args=[own.pk]))
    assert "转为需求草稿" in page.content.decode()
    with monkeypatch.context() as patched:
        patched.setattr(hooks, "get_hooks", lambda name: [])
        response = client.post(
            reverse("kexie_forms_promote", args=[own.pk]), follow=True
        )
    assert "需求库尚未安装" in response.content.decode()
    received = []
    with hooks.register_temporarily(PROMOTE_HOOK, fake_need_library(received)):
        response = client.post(
            reverse("kexie_forms_promote", args=[own.pk]), follow=True
        )
    assert "已根据此提交创建需求草稿" in response.content.decode()
    edit = client.get(reverse("kexie_submissions:edit", args=[own.pk])).content.decode()
    assert "转入需求库" not in edit  # promoted once: no second draft offered


def test_an_accepted_survey_offers_promotion_up_front_and_lands_on_the_draft(
    home, admin_client
):
    """转入需求库 is the header's own button, and promoting opens the new draft."""
    from django.urls import reverse

    from kexie_forms.models import FormSubmission
    from kexie_pages.models import County, Need

    survey = make_form_page(
        home,
        slug="survey",
        is_needs_survey=True,
        needs_mapping="county = county\nvillage = village\ndescription = need\ncategory = industry",
    )
    submission = FormSubmission.objects.create(
        page=survey,
        form_data={
            "village": "前进村",
            "need": "小麦赤霉病年年发生，减产三成",
            "industry": "种植",
        },
        county=County.objects.get(code="411621"),
        receipt_number="XQ-2026-000042",
        status=SubmissionStatus.ACCEPTED,
    )
    edit_url = reverse("kexie_submissions:edit", args=[submission.pk])
    html = admin_client.get(edit_url).content.decode()
    header = html[html.index("w-header-button") - 400 :][:1500]
    assert "转入需求库" in header

    response = admin_client.post(reverse("kexie_forms_promote", args=[submission.pk]))
    need = Need.objects.get()
    assert response["Location"] == reverse(
        "wagtailsnippets_kexie_pages_need:edit", args=[need.pk]
    )
    html = admin_client.get(edit_url).content.decode()
    assert "打开需求草稿" in html and "转入需求库" not in html
