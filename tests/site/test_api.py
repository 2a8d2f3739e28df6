"""The reference site's API v3: the pages endpoint and the OpenAPI document."""

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator


@pytest.mark.django_db
def test_api_v3_serves_pages_and_openapi(
    home, news_index, news_corpus, client, add_news
):
    add_news(news_index, 1, news_corpus[0])
    pages = client.get("/api/v3/pages/", {"type": "kexie_pages.NewsPage"})
    assert pages.status_code == 200
    titles = [item["title"] for item in pages.json()["items"]]
    assert news_corpus[0]["title"] in titles
    openapi = client.get("/api/v3/openapi.json").json()
    assert any(path.startswith("/api/v3/pages") for path in openapi["paths"])


KEXIE = "/api/v3/kexie/"
SUBMISSIONS = "/api/v3/kexie/forms/{page_id}/submissions"


@pytest.fixture
def openapi(client, db) -> dict:
    return client.get("/api/v3/openapi.json").json()


def test_openapi_document_validates(openapi):
    # Wagtail's AllowAnonymous scheme (no "scheme") made it fail until now.
    errors = [error.message for error in OpenAPIV31SpecValidator(openapi).iter_errors()]
    assert errors == []


def test_every_kexie_operation_documents_its_errors(openapi):
    operations = {
        f"{method.upper()} {path}": operation
        for path, item in openapi["paths"].items()
        if path.startswith(KEXIE)
        for method, operation in item.items()
    }
    assert len(operations) >= 17
    for name, operation in operations.items():
        responses = operation["responses"]
        for status in ("400", "404", "422"):
            content = responses.get(status, {}).get("content", {})
            assert content, f"{name} does not document {status}"
        assert "security" not in operation or {} in operation["security"], name
    listing = operations["GET /api/v3/kexie/needs/"]
    limit = next(p for p in listing["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 20


def test_form_submission_documents_body_and_idempotency_key(openapi):
    operation = openapi["paths"][SUBMISSIONS]["post"]
    body = operation["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert body["application/json"]["schema"]["additionalProperties"]
    header = next(p for p in operation["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key"
    assert header["schema"]["maxLength"] == 100
    for status in ("201", "400", "403", "404", "413", "422", "429"):
        assert status in operation["responses"]
