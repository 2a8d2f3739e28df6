"""Courses in the API: the pages API's public fields and the courses
endpoint's filters."""

import datetime

import pytest
from django.utils import timezone

from kexie_pages.models import CourseLecturer


@pytest.mark.django_db
def test_courses_in_the_pages_api_with_public_fields(hall, client, county, add_course):
    course = add_course(hall, "c1", registration_required=True, capacity=30)
    CourseLecturer.objects.create(course=course, name="李建国", affiliation="市农科院")
    response = client.get(f"/api/v3/pages/{course.pk}/")
    data = response.json()
    assert data["county_code"] == "411621" and data["county_name"] == "扶沟县"
    assert data["status"] == "upcoming" and data["capacity"] == 30
    assert data["lecturers"][0]["name"] == "李建国"
    listing = client.get(
        f"/api/v3/pages/?type=kexie_pages.CoursePage&county={county('411621').pk}"
    ).json()
    assert [item["id"] for item in listing["items"]] == [course.pk]


@pytest.mark.django_db
def test_courses_api_filters_by_county_category_and_dates(
    hall, client, county, category, add_course
):
    add_course(hall, "fugou", days=5)
    add_course(hall, "xihua", days=5, county=county("411622"))
    add_course(hall, "cattle", days=40, category=category("yangzhi"))
    url = "/api/v3/kexie/courses/"

    def slugs(query: str) -> list[str]:
        response = client.get(url + query)
        assert response.status_code == 200, response.content
        return sorted(
            item["url"].rstrip("/").rsplit("/", 1)[-1]
            for item in response.json()["items"]
        )

    assert slugs("") == ["cattle", "fugou", "xihua"]
    assert slugs("?county=411622") == ["xihua"]
    assert slugs("?category=yangzhi") == ["cattle"]
    later = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    assert slugs(f"?date_from={later}") == ["cattle"]
    assert slugs(f"?date_to={later}") == ["fugou", "xihua"]
    assert client.get(url + "?date_from=not-a-date").status_code in (400, 422)
    schema = client.get("/api/v3/openapi.json").json()
    assert "/api/v3/kexie/courses/" in schema["paths"]
