"""The taxonomy in the admin: staff edit the categories; anonymous users are
sent to log in."""

import pytest

from kexie_pages.models import IndustryCategory


@pytest.mark.django_db
def test_staff_edit_categories_in_the_admin(admin_client):
    listing = admin_client.get("/admin/snippets/kexie_pages/industrycategory/")
    assert listing.status_code == 200
    assert "林下经济" in listing.content.decode()
    response = admin_client.post(
        "/admin/snippets/kexie_pages/industrycategory/add/",
        {"name": "中药材", "slug": "zhongyaocai", "description": "", "sort_order": 9},
    )
    assert response.status_code == 302
    assert IndustryCategory.objects.filter(name="中药材").exists()


@pytest.mark.django_db
def test_anonymous_users_cannot_reach_the_taxonomy_admin(client):
    response = client.get("/admin/snippets/kexie_pages/county/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
