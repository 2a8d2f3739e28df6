"""The admin: one-tap check-in, the leaders' dashboard (charts, tables, XLSX), the
milestone board, county scoping, and the read-only leaders' group."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from kexie_pages.models import (
    Attendance,
    County,
    MilestoneStep,
    Trainee,
    TrainingTarget,
)
from kexie_pages.results.services import checkin_sheet_ensure

pytestmark = pytest.mark.django_db


def _refused(response) -> bool:
    """Wagtail answers a permission refusal with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response["Location"] == reverse("wagtailadmin_home")
    )


def _session_url(course, session_id: int = 0) -> str:
    return reverse("kexie_results_checkin_session", args=[course.pk, session_id])


def test_staff_check_farmers_in_with_one_tap(staff, add_course, sign_up):
    course = add_course("c1", sessions=1)
    registration = sign_up(course, "13800001111")
    url = _session_url(course)
    page = staff.county.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert checkin_sheet_ensure(course=course).code in html
    assert "王建国" in html and "已签到 0 / 1 人" in html
    response = staff.county.post(
        url, {"registration": registration.pk, "action": "checkin"}
    )
    assert response.status_code == 302
    staff.county.post(url, {"registration": registration.pk, "action": "checkin"})
    assert Attendance.objects.filter(method="staff").count() == 1
    assert "已到" in staff.county.get(url).content.decode()
    staff.county.post(url, {"registration": registration.pk, "action": "undo"})
    assert Attendance.objects.count() == 0
    # The further session has its own sheet and code.
    session = course.sessions.get()
    assert staff.county.get(_session_url(course, session.pk)).status_code == 200
    assert staff.county.get(_session_url(course, 999999)).status_code == 404


def test_county_staff_cannot_check_in_at_another_countys_course(
    staff, add_course, sign_up
):
    course = add_course("c2", code="411622")
    registration = sign_up(course, "13800001111")
    url = _session_url(course)
    assert staff.county.get(url).status_code == 404
    assert staff.county.post(url, {"registration": registration.pk}).status_code == 404
    assert staff.city.get(url).status_code == 200
    listing = staff.county.get(reverse("kexie_results_checkin")).content.decode()
    assert course.title not in listing
    assert (
        add_course("c1").title
        in staff.county.get(reverse("kexie_results_checkin")).content.decode()
    )


def test_the_dashboard_has_charts_tables_and_exports(staff, add_course):
    add_course("c1")
    year = timezone.localdate().year
    url = reverse("kexie_results_dashboard")
    response = staff.city.get(url, {"period": "quarter", "year": year, "number": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') >= 7
    assert f"{year}年第1季度" in html
    export = staff.city.get(url, {"period": "year", "year": year, "export": "trainees"})
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment")
    with zipfile.ZipFile(io.BytesIO(export.content)) as workbook:
        xml = " ".join(
            workbook.read(n).decode() for n in workbook.namelist() if n.endswith(".xml")
        )
    assert "扶沟县" in xml and "西华县" in xml
    assert staff.city.get(url, {"export": "nonsense"}).status_code == 404


def test_county_staff_see_their_countys_figures_only(staff):
    url = reverse("kexie_results_dashboard")
    html = staff.county.get(url, {"county": "411622"}).content.decode()
    assert "扶沟县" in html and "西华县" not in html
    export = staff.county.get(url, {"export": "needs", "county": "411622"})
    with zipfile.ZipFile(io.BytesIO(export.content)) as workbook:
        xml = " ".join(
            workbook.read(n).decode() for n in workbook.namelist() if n.endswith(".xml")
        )
    assert "扶沟县" in xml and "西华县" not in xml
    board = staff.county.get(reverse("kexie_results_milestones")).content.decode()
    assert "扶沟县" in board and "西华县" not in board


def test_the_milestone_board_flags_overdue_steps(staff):
    last_year = timezone.localdate().year - 1
    html = staff.city.get(
        reverse("kexie_results_milestones"), {"year": last_year}
    ).content.decode()
    assert "已逾期" in html
    assert "需求上报" in html


def test_the_dashboard_needs_its_permission(county_staff):
    client = county_staff(None, "kexie_pages.view_need")
    assert _refused(client.get(reverse("kexie_results_dashboard")))
    assert _refused(client.get(reverse("kexie_results_checkin")))


def test_a_leader_sees_everything_and_changes_nothing(staff, add_course, sign_up):
    assert staff.leader_user.has_perm("kexie_pages.view_dashboard")
    assert not any(
        p.split(".")[1].startswith(("add_", "change_", "delete_"))
        for p in staff.leader_user.get_all_permissions()
    )
    fugou = County.objects.get(code="411621")
    target = TrainingTarget.objects.create(
        county=fugou, year=2026, one_technique=10, two_techniques=5
    )
    trainee = Trainee.objects.create(phone="13800001111", name="王建国", county=fugou)
    course = add_course("c1")
    registration = sign_up(course, "13800001111")
    step = MilestoneStep.objects.create(
        year=2026, kind="needs", title="需求上报", due_on="2026-07-31"
    )
    assert staff.leader.get(reverse("kexie_results_dashboard")).status_code == 200
    assert staff.leader.get(reverse("kexie_results_milestones")).status_code == 200
    for name in (
        "trainee",
        "trainingtarget",
        "milestonestep",
        "need",
        "courseregistration",
    ):
        listing = staff.leader.get(reverse(f"wagtailsnippets_kexie_pages_{name}:list"))
        assert listing.status_code == 200, name
    edits = [
        (
            "wagtailsnippets_kexie_pages_trainingtarget:edit",
            target,
            {
                "county": fugou.pk,
                "year": 2026,
                "one_technique": 99,
                "two_techniques": 1,
            },
        ),
        (
            "wagtailsnippets_kexie_pages_trainee:edit",
            trainee,
            {"name": "改名", "phone": "13800001111", "county": fugou.pk},
        ),
        (
            "wagtailsnippets_kexie_pages_milestonestep:edit",
            step,
            {
                "title": "改",
                "year": 2026,
                "kind": "needs",
                "due_on": "2026-08-01",
                "minimum": 1,
            },
        ),
        ("wagtailsnippets_kexie_pages_trainee:delete", trainee, {}),
    ]
    for name, obj, data in edits:
        response = staff.leader.post(reverse(name, args=[obj.pk]), data)
        assert _refused(response), name
    creates = staff.leader.post(
        reverse("wagtailsnippets_kexie_pages_trainingtarget:add"),
        {"county": fugou.pk, "year": 2027, "one_technique": 1, "two_techniques": 1},
    )
    assert _refused(creates)
    checkin = staff.leader.post(_session_url(course), {"registration": registration.pk})
    assert _refused(checkin)
    target.refresh_from_db()
    step.refresh_from_db()
    assert target.one_technique == 10 and step.title == "需求上报"
    assert Trainee.objects.get().name == "王建国"
    assert not TrainingTarget.objects.filter(year=2027).exists()
    assert not Attendance.objects.exists()
