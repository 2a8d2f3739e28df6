"""Defences of the form pages and the headless endpoint: the body cap, and the
receipt code that a status lookup asks for besides the receipt number.

The one-time token, the honeypot and the per-address rate limit are the ones
every public form uses, in :mod:`kexie_pages.base.guards`.

Receipt numbers are sequential, so anyone could walk them; a lookup also
needs the receipt code, six characters printed only on the receipt (the
thank-you page and the API's answer). The code is never stored: the
submission keeps ``sha256(salt:code)`` with a random salt. Where the
submission had an idempotency key (the form page's one-time token, the API's
``Idempotency-Key``), the code is derived from that key, the answers and the
salt, so an identical replay shows the same code again, and nobody without
the key can. Receipts issued before codes existed (no hash) are looked up
with the last four digits of the mobile number given on the form instead.
"""

import hashlib
import hmac
import re
import secrets

from django.http import HttpRequest

from .models import FormPage, FormSubmission

RECEIPT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
RECEIPT_CODE_LENGTH = 6  # 31^6 ≈ 8.9e8 codes for each receipt number
_NOT_CODE = re.compile(r"[\s\-_·.]")


def body_too_large(request: HttpRequest, page: FormPage) -> bool:
    """Whether the declared body is larger than this form can ever accept."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > page.max_body_bytes()


def _encode(number: int) -> str:
    chars = []
    for _position in range(RECEIPT_CODE_LENGTH):
        number, index = divmod(number, len(RECEIPT_CODE_ALPHABET))
        chars.append(RECEIPT_CODE_ALPHABET[index])
    return "".join(chars)


def receipt_code_derive(*, material: str | None, salt: str) -> str:
    """The receipt code for a submission: from its idempotency material, or random."""
    if not material:
        return "".join(
            secrets.choice(RECEIPT_CODE_ALPHABET) for _ in range(RECEIPT_CODE_LENGTH)
        )
    digest = hmac.new(material.encode(), salt.encode(), hashlib.sha256).digest()
    return _encode(int.from_bytes(digest, "big"))


def receipt_code_hash(*, code: str, salt: str) -> str:
    """What is stored: ``sha256$<salt>$<hex of sha256(salt:code)>``."""
    digest = hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
    return f"sha256${salt}${digest}"


def receipt_code_new(*, material: str | None) -> tuple[str, str]:
    """A fresh ``(code, stored hash)`` for a new submission."""
    salt = secrets.token_hex(8)
    code = receipt_code_derive(material=material, salt=salt)
    return code, receipt_code_hash(code=code, salt=salt)


def receipt_code_again(*, submission: FormSubmission, material: str) -> str:
    """The code of ``submission`` recomputed for an identical replay ("" if unknown)."""
    parts = submission.receipt_code_hash.split("$")
    if len(parts) != 3:
        return ""
    code = receipt_code_derive(material=material, salt=parts[1])
    stored = receipt_code_hash(code=code, salt=parts[1])
    return code if stored == submission.receipt_code_hash else ""


def receipt_code_normalise(code: str) -> str:
    """What the visitor typed, as codes are compared: no spaces or dashes, upper case."""
    return _NOT_CODE.sub("", code or "").upper()[:12]


def receipt_code_matches(*, submission: FormSubmission, code: str) -> bool:
    """Whether ``code`` is the second factor of ``submission``'s receipt.

    New receipts: the printed code. Receipts from before codes existed: the
    last four digits of a mobile number answered on the form.
    """
    code = receipt_code_normalise(code)
    if not code:
        return False
    stored = submission.receipt_code_hash
    if stored:
        parts = stored.split("$")
        if len(parts) != 3:
            return False
        return hmac.compare_digest(receipt_code_hash(code=code, salt=parts[1]), stored)
    if not re.fullmatch(r"\d{4}", code):
        return False
    page = submission.page.specific
    if not isinstance(page, FormPage):
        return False
    phones = [
        str(submission.form_data.get(field.clean_name) or "")
        for field in page.get_form_fields()
        if field.field_type == "mobile"
    ]
    return any(
        len(phone) >= 4 and hmac.compare_digest(phone[-4:], code) for phone in phones
    )
