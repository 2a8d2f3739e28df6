"""Course selectors: courses held and attendance per county and month."""

import datetime

import pytest

from kexie_pages.courses.selectors import course_statistics

from .helpers import SHANGHAI


@pytest.mark.django_db
def test_statistics_per_county_and_month(hall, admin_client, county, add_course):
    march = datetime.datetime(2025, 3, 10, 9, tzinfo=SHANGHAI)
    add_course(hall, "a", start=march, attendance_total=50, attendance_poor=30)
    add_course(
        hall,
        "b",
        start=march + datetime.timedelta(days=5),
        attendance_total=40,
        attendance_poor=10,
    )
    add_course(
        hall,
        "c",
        start=march + datetime.timedelta(days=40),
        county=county("411622"),
        attendance_total=20,
        attendance_poor=5,
    )
    add_course(hall, "d", start=march, cancelled=True, attendance_total=99)
    add_course(hall, "e", days=10)  # not held yet
    stats = course_statistics(year=2025)
    rows = {row["county"].code: row for row in stats["by_county"]}
    assert (
        rows["411621"]["courses"],
        rows["411621"]["attendance"],
        rows["411621"]["attendance_poor"],
    ) == (2, 90, 40)
    assert (rows["411622"]["courses"], rows["411622"]["attendance"]) == (1, 20)
    assert rows["411602"]["courses"] == 0
    assert [
        (r["month"].month, r["courses"], r["attendance"]) for r in stats["by_month"]
    ] == [(3, 2, 90), (4, 1, 20)]
    assert stats["total"] == {"courses": 3, "attendance": 110, "attendance_poor": 45}
    assert admin_client.get("/admin/").status_code == 200
