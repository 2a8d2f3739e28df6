"""``/api/v3/kexie/results/``: public figures and milestones, no personal data."""

import datetime
import re

import pytest

from kexie_pages.models import Attendance, County, IndustryCategory, Need
from kexie_pages.results.services import checkin_sheet_ensure, trainee_for_registration

pytestmark = pytest.mark.django_db
FIGURES = "/api/v3/kexie/results/figures/"
MILESTONES = "/api/v3/kexie/results/milestones/"


def test_public_figures_count_and_leak_nothing(client, add_course, sign_up, techniques):
    year = datetime.date.today().year
    course = add_course("c1", teaches=techniques[:2])
    phones = [f"1380000{n:04d}" for n in range(3)]
    for phone in phones:
        registration = sign_up(course, phone, name="张秘密")
        Attendance.objects.create(
            sheet=checkin_sheet_ensure(course=course),
            registration=registration,
            trainee=trainee_for_registration(registration=registration),
            method="code",
        )
    response = client.get(FIGURES, {"period": "year", "year": year})
    assert response.status_code == 200
    body = response.content.decode()
    data = response.json()
    fugou = next(r for r in data["trainees_by_county"] if r["county_code"] == "411621")
    assert fugou["trained"] == 3 and fugou["two_techniques"] == 3
    assert [t["key"] for t in data["tables"]][0] == "needs"
    for phone in phones:
        assert phone not in body and phone[-4:] + '"' not in body
    assert "张秘密" not in body and "王庄村" not in body
    assert not re.search(r"1[3-9]\d{9}", body)


def test_one_countys_quarter_and_bad_periods(client):
    year = datetime.date.today().year
    one = client.get(
        FIGURES, {"period": "quarter", "year": year, "number": 2, "county": "411622"}
    )
    assert one.status_code == 200
    assert [r["county_code"] for r in one.json()["needs_by_county"]] == ["411622"]
    assert one.json()["period"]["start"] == f"{year}-04-01"
    bad = client.get(FIGURES, {"period": "quarter", "year": year, "number": 7})
    assert bad.status_code == 400
    assert "季度" in bad.content.decode()
    assert client.get(FIGURES, {"year": year, "county": "999999"}).status_code == 404


def test_milestones_per_county_flag_overdue_steps(client):
    last_year = datetime.date.today().year - 1
    Need.objects.create(
        title="小麦赤霉病防治",
        county=County.objects.get(code="411621"),
        township="练寺镇",
        village="王庄村",
        category=IndustryCategory.objects.get(slug="zhongzhi"),
        description="需要专家指导",
        contact_phone="13812345678",
        reported_on=datetime.date(last_year, 7, 1),
    )
    response = client.get(MILESTONES, {"year": last_year})
    assert response.status_code == 200
    rows = {row["county_code"]: row for row in response.json()}
    fugou = {s["kind"]: s for s in rows["411621"]["steps"]}
    assert fugou["needs"]["state"] == "done"
    xihua = {s["kind"]: s for s in rows["411622"]["steps"]}
    assert xihua["needs"]["state"] == "overdue" and xihua["needs"]["days_overdue"] > 0
    assert rows["411622"]["overdue"] == 5
    assert "13812345678" not in response.content.decode()


def test_the_results_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v3/openapi.json").json()["paths"]
    assert "/api/v3/kexie/results/figures/" in paths
    assert "/api/v3/kexie/results/milestones/" in paths
