"""The programme's admin: the agreement status screen, private scans, the
liaison list's stale flag and the technicians' phone page for a visit."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kexie_pages.models import (
    AgreementScan,
    LiaisonVisit,
    LiaisonVisitPhoto,
    NeedStatus,
)

from .helpers import HOUSEHOLD_NAME

pytestmark = pytest.mark.django_db

AGREEMENT_PERMS = ("kexie_pages.change_agreement", "kexie_pages.view_agreement")
VISIT_PERMS = (
    "kexie_pages.add_liaisonvisit",
    "kexie_pages.view_liaisonvisit",
    "kexie_pages.change_liaisonvisit",
)


def _jpeg(name: str = "visit.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_status_screen_signs_and_refuses_illegal_moves(
    county_staff, make_agreement, make_need
):
    need = make_need()
    agreement = make_agreement(needs=[need])
    staff = county_staff("411621", *AGREEMENT_PERMS)
    url = reverse("wagtailsnippets_kexie_pages_agreement:manage", args=[agreement.pk])
    page = staff.get(url).content.decode()
    assert "改为“已签订”" in page and "改为“已完成”" not in page
    assert f"/agreement-report/{agreement.report_token}/" in page

    response = staff.post(url, {"action": "status", "status": "completed"}, follow=True)
    assert "协议不能从“草拟”改为“已完成”" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "draft"

    response = staff.post(url, {"action": "status", "status": "signed"}, follow=True)
    assert "状态已变更" in response.content.decode() or response.status_code == 200
    agreement.refresh_from_db()
    need.refresh_from_db()
    assert agreement.status == "signed"
    assert need.status == NeedStatus.MATCHED
    history = staff.get(url).content.decode()
    assert "草拟" in history and "已签订" in history


def test_status_screen_renews_the_link_and_takes_staff_reports(
    county_staff, make_agreement
):
    agreement = make_agreement(status="signed")
    old = agreement.report_token
    staff = county_staff(None, *AGREEMENT_PERMS)
    url = reverse("wagtailsnippets_kexie_pages_agreement:manage", args=[agreement.pk])
    staff.post(url, {"action": "renew-link"})
    agreement.refresh_from_db()
    assert agreement.report_token != old and len(agreement.report_token) >= 40
    assert agreement.report_token_expires_on > timezone.localdate()
    staff.post(
        url, {"action": "report", "text": "完成第一期培训", "reported_on": "2026-10-08"}
    )
    report = agreement.progress_reports.get()
    assert report.source == "staff" and report.reported_on == datetime.date(2026, 10, 8)


def test_scans_are_private_and_served_only_to_staff(
    client, county_staff, make_agreement, settings
):
    agreement = make_agreement(status="signed")
    scan = AgreementScan(agreement=agreement, title="协议扫描件")
    scan.file.save("signed.pdf", io.BytesIO(b"%PDF-1.4 signed"), save=True)
    with pytest.raises(ValueError, match="no public URL"):
        scan.file.url  # noqa: B018 - the storage refuses to make one
    assert not scan.file.path.startswith(str(settings.MEDIA_ROOT))
    url = reverse("wagtailsnippets_kexie_pages_agreementscan:download", args=[scan.pk])
    assert client.get(url).status_code == 302  # to the login
    staff = county_staff("411621", "kexie_pages.view_agreementscan")
    response = staff.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"
    assert "no-store" in response["Cache-Control"]
    other = county_staff("411622", "kexie_pages.view_agreementscan")
    assert other.get(url).status_code == 404
    nobody = county_staff("411621")
    assert nobody.get(url).status_code in (302, 403)


def test_scan_upload_refuses_web_pages(county_staff, make_agreement):
    agreement = make_agreement(status="signed")
    staff = county_staff(None, "kexie_pages.add_agreementscan")
    url = reverse("wagtailsnippets_kexie_pages_agreementscan:add")
    page = SimpleUploadedFile("scan.pdf", b"<html><script>1</script></html>")
    response = staff.post(
        url, {"agreement": agreement.pk, "title": "假扫描件", "file": page}
    )
    assert response.status_code == 200
    assert not AgreementScan.objects.exists()
    good = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 ok")
    response = staff.post(
        url, {"agreement": agreement.pk, "title": "扫描件", "file": good}
    )
    assert response.status_code == 302
    assert AgreementScan.objects.get().uploaded_by is not None


def test_liaison_list_flags_villages_without_a_recent_visit(
    county_staff, make_assignment
):
    fresh = make_assignment(village="近期走访村")
    LiaisonVisit.objects.create(assignment=fresh, work_done="指导")
    make_assignment(village="久未走访村")
    staff = county_staff(None, "kexie_pages.view_liaisonassignment")
    url = reverse("wagtailsnippets_kexie_pages_liaisonassignment:list")
    html = staff.get(url).content.decode()
    assert "尚未走访" in html and "超过 30 天未走访" in html
    stale = staff.get(url, {"stale": "true"}).content.decode()
    assert "久未走访村" in stale and "近期走访村" not in stale


def test_visit_logged_on_a_phone_in_a_few_taps(county_staff, make_assignment, county):
    mine = make_assignment()
    make_assignment(county=county("西华县"), village="西华县的村")
    staff = county_staff("411621", *VISIT_PERMS)
    url = reverse("wagtailsnippets_kexie_pages_liaisonvisit:log")
    page = staff.get(url).content.decode()
    assert 'name="viewport"' in page
    assert 'accept="image/*"' in page and "capture" in page
    assert f'value="{timezone.localdate().isoformat()}"' in page  # today by default
    assert "扶沟县练寺镇王庄村" in page and "西华县的村" not in page
    household = mine.households.get()
    response = staff.post(
        url,
        {
            "assignment": mine.pk,
            "visited_on": timezone.localdate().isoformat(),
            "household": household.pk,
            "work_done": "指导大棚通风",
            "problems_solved": "灰霉病减轻",
            "photos": [_jpeg("a.jpg"), _jpeg("b.jpg")],
        },
    )
    assert response.status_code == 302
    visit = LiaisonVisit.objects.get()
    assert visit.household == household and visit.created_by is not None
    assert LiaisonVisitPhoto.objects.filter(visit=visit).count() == 2
    done = staff.get(response["Location"]).content.decode()
    assert "已保存" in done
    photo = staff.get(
        reverse("wagtailsnippets_kexie_pages_liaisonvisit:photo", args=[visit.pk]),
        {"n": "1"},
    )
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert (
        HOUSEHOLD_NAME
        in staff.get(
            reverse("wagtailsnippets_kexie_pages_liaisonvisit:edit", args=[visit.pk])
        ).content.decode()
    )


def test_visit_form_keeps_input_and_explains(county_staff, make_assignment, county):
    mine = make_assignment()
    other = make_assignment(county=county("西华县"), village="西华县的村")
    staff = county_staff("411621", *VISIT_PERMS)
    url = reverse("wagtailsnippets_kexie_pages_liaisonvisit:log")
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = staff.post(
        url, {"assignment": mine.pk, "visited_on": future, "work_done": "指导施肥"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "日期不能晚于今天" in html and "指导施肥" in html
    response = staff.post(
        url,
        {
            "assignment": other.pk,
            "visited_on": timezone.localdate().isoformat(),
            "work_done": "x",
        },
    )
    assert "请选择您联系的村" in response.content.decode()
    not_a_photo = SimpleUploadedFile("x.jpg", b"<svg></svg>", content_type="image/jpeg")
    response = staff.post(
        url,
        {
            "assignment": mine.pk,
            "visited_on": timezone.localdate().isoformat(),
            "work_done": "指导",
            "photos": [not_a_photo],
        },
    )
    assert response.status_code == 400
    assert not LiaisonVisit.objects.exists()
    no_permission = county_staff("411621", "kexie_pages.view_liaisonvisit")
    assert no_permission.get(url).status_code in (302, 403)


def test_visit_edit_offers_only_its_villages_households(county_staff, make_assignment):
    mine = make_assignment()
    elsewhere = make_assignment(village="另一个村")
    elsewhere.households.update(name="别村户主")
    visit = LiaisonVisit.objects.create(assignment=mine, work_done="指导")
    staff = county_staff(None, *VISIT_PERMS)
    html = staff.get(
        reverse("wagtailsnippets_kexie_pages_liaisonvisit:edit", args=[visit.pk])
    ).content.decode()
    assert HOUSEHOLD_NAME in html
    assert "别村户主" not in html


def test_agreement_form_offers_its_countys_needs(
    county_staff, make_agreement, make_need, county
):
    make_need(title="扶沟县的需求")
    make_need(title="西华县的需求", county=county("西华县"))
    agreement = make_agreement()
    staff = county_staff(None, *AGREEMENT_PERMS)
    html = staff.get(
        reverse("wagtailsnippets_kexie_pages_agreement:edit", args=[agreement.pk])
    ).content.decode()
    assert "扶沟县的需求" in html and "西华县的需求" not in html
