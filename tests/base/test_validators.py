"""Phone numbers as clerks type them, and as the public sees them (masked)."""

import pytest

from kexie_pages.base.validators import is_mobile, is_phone, mask_phone, phone_normalise


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        (
            "１３８１２３４５６７８",
            "13812345678",
        ),  # full-width digits from a Chinese IME
        ("(0394) 8212345", "03948212345"),
        ("0394-8212345", "0394-8212345"),
    ],
)
def test_numbers_are_stored_normalised(typed, stored):
    assert phone_normalise(typed) == stored
    assert is_phone(stored)


@pytest.mark.parametrize(
    "typed", ["12345678901", "1381234567", "abc", "", "8613812345"]
)
def test_what_is_not_a_mobile(typed):
    assert not is_mobile(phone_normalise(typed))


def test_mask_phone():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0394-8212345") == "039****2345"
    assert mask_phone("") == ""
