"""Random query strings and path segments against every public address and
every GET operation of the API: never a 5xx, on SQLite and PostgreSQL.

Each test builds the site once and runs a bounded number of Hypothesis
examples (each one a request to every address), so that each test stays
under a minute.
"""

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

#: What a hostile tester types: FTS syntax, NUL, numbers past 64 bits, edge dates.
NASTY = [
    "\x00",
    "a\x00b",
    '"',
    '"小麦',
    "*",
    "^",
    "NEAR(",
    "NEAR(a b)",
    "AND",
    "OR",
    "NOT",
    "a AND",
    "(",
    ")",
    "((小麦",
    "-",
    "-小麦",
    "a:b",
    "{",
    "'",
    "\\",
    "%",
    "_",
    "\ud800",
    "\udfff",
    "\u202e",
    "\ufeff",
    "😀",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "-1",
    "0",
    "1e400",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "10000-01-01",
    "x" * 5000,
    "小麦 " * 300,
    "<script>alert(1)</script>",
    "../../etc/passwd",
]

#: Any text, surrogates and control characters included.
ANY_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=60
)
#: Numbers past what a 64-bit column holds, either sign.
BIG = st.one_of(
    st.integers(min_value=2**63 - 2, max_value=2**80),
    st.integers(min_value=-(2**80), max_value=-(2**63) + 2),
).map(str)
VALUES = st.one_of(
    st.sampled_from(NASTY),
    ANY_TEXT,
    BIG,
    st.integers(min_value=-(2**16), max_value=2**16).map(str),
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=4).map("".join),
)
#: Raw bytes, including what is not UTF-8 at all.
RAW = st.binary(max_size=40)


def examples(count: int):
    """Hypothesis settings: ``count`` examples, no deadline (a request on a
    loaded machine can take a second), function-scoped fixtures allowed (the
    site is built once per test, read only by the examples)."""
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
    )


def encoded(value: str | bytes) -> str:
    """``value`` percent-encoded as a browser would, lone surrogates included."""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    return quote(value, safe="")


def assert_no_server_error(response, url: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {url[:300]!r}"


# Each example sends its drawn values to every address at once: a handful of
# examples then covers every page, path and operation with every kind of value.


@examples(25)
@given(data=st.data())
def test_public_query_parameters_never_5xx(data, public_urls, hostile_get):
    for address, params in public_urls.values():
        query = "&".join(
            f"{encoded(param)}={encoded(data.draw(st.one_of(VALUES, RAW), label=param))}"
            for param in params or ["q"]
        )
        url = f"{address}?{query}"
        assert_no_server_error(hostile_get(url), url)


@examples(40)
@given(segment=st.one_of(VALUES, RAW))
def test_public_path_segments_never_5xx(segment, path_templates, hostile_get):
    for template in path_templates:
        url = template.format(encoded(segment) or "0")
        assert_no_server_error(hostile_get(url), url)


@examples(12)
@given(data=st.data())
def test_api_get_operations_never_5xx(
    data, public_site, api_get_operations, hostile_get
):
    for path, path_params, query_params in api_get_operations:
        for name in path_params:
            value = data.draw(st.one_of(VALUES, RAW), label=name)
            path = path.replace("{" + name + "}", encoded(value) or "0")
        query = "&".join(
            f"{name}={encoded(data.draw(st.one_of(VALUES, RAW), label=name))}"
            for name in query_params
        )
        url = f"{path}?{query}" if query else path
        assert_no_server_error(hostile_get(url), url)


def test_the_corpus_of_nasty_values_on_every_parameter(public_urls, hostile_get):
    """Every value of the named list on every parameter of every page: the
    deterministic floor under the random tests above."""
    failures = []
    for address, params in public_urls.values():
        for param in params:
            for value in NASTY:
                url = f"{address}?{param}={encoded(value)}"
                if hostile_get(url).status_code >= 500:
                    failures.append(url[:200])
    assert failures == []


def test_searching_fts_syntax_alone_finds_nothing_and_says_so(public_site, client):
    for query in ['"', "*", "^", "NEAR(", "AND", "(", ")", "-", "\x00"]:
        response = client.get("/search/", {"q": query})
        if "\x00" in query:
            assert response.status_code == 400
            continue
        assert response.status_code == 200
        assert public_site["article"].title not in response.content.decode()


def test_api_lists_refuse_offsets_past_64_bits_in_chinese(public_site, client):
    for path in (
        "/api/v3/kexie/courses/",
        "/api/v3/kexie/needs/",
        "/api/v3/kexie/experts/",
        "/api/v3/pages/",
    ):
        for params in ({"offset": 2**63}, {"offset": 10**30}, {"limit": -1}):
            response = client.get(path, params)
            assert response.status_code == 400, (path, params)
            assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"])
