"""A bounded schema-driven fuzz run (schemathesis) over our v3 endpoints.

Every operation under ``/api/v3/kexie/`` gets a few generated requests,
valid and invalid (half of a form's requests aim at a live form); each answer must not be a 5xx and must match what the
OpenAPI document declares (status code, content type, body schema).
"""

import contextlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db(transaction=False)


def _on_page(case, page_id: int):
    case.path_parameters["page_id"] = page_id
    return case


def _cases(operation, page_id: int):
    """Generated cases; for a form's routes, half of them aim at the live form."""
    cases = operation.as_strategy()
    if "{page_id}" not in operation.path:
        return cases
    return st.one_of(cases, cases.map(lambda case: _on_page(case, page_id)))


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextlib.contextmanager
def _connection_kept():
    """Keep the test's database connection across WSGI requests (as Django's
    test client does): the handler would close it at each request's end."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def test_kexie_endpoints_survive_a_schema_driven_fuzz(page):
    with _connection_kept():
        failures = _fuzz(page)
    assert failures == []


def _fuzz(page) -> list[str]:
    schema = schemathesis.openapi.from_wsgi(
        "/api/v3/openapi.json", get_wsgi_application()
    ).include(path_regex="^/api/v3/kexie/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17
    failures = []
    for operation in operations:

        @settings(
            max_examples=8,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_cases(operation, page.pk))
        def run(case):
            # The schema is what is fuzzed; compression has its own tests, and
            # the WSGI transport does not decode a compressed body.
            case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except Exception as error:  # noqa: BLE001 - collected, reported below
            failures.append(f"{operation.label}: {error}")
    return failures
