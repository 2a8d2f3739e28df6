"""Phone numbers, one way for every form, import, service and public page.

Clerks type numbers with spaces, dashes, full-width digits, brackets and a
+86 prefix; they are stored normalised: a mainland mobile as its 11 digits,
a landline as area code and number (``0394-8212345``). Public pages, feeds and
the API only ever hint at one with ``mask_phone``.
"""

import re
import unicodedata

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def phone_normalise(value: str) -> str:
    """The number as stored: a mobile's 11 digits, or the landline as typed but tidy."""
    text = unicodedata.normalize("NFKC", value or "")
    text = re.sub(r"[\s()（）]", "", text).replace("—", "-")
    digits = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", text.replace("-", ""))
    return digits if MOBILE_RE.match(digits) else text


def is_mobile(number: str) -> bool:
    """True for a normalised mainland mobile number."""
    return bool(MOBILE_RE.match(number))


def is_phone(number: str) -> bool:
    """True for a normalised mobile or landline number."""
    return bool(MOBILE_RE.match(number) or LANDLINE_RE.match(number))


def mask_phone(phone: str) -> str:
    """Hint at a phone number without disclosing it: ``13812341234`` → ``138****1234``."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return ""
    return f"{digits[:3]}****{digits[-4:]}"
