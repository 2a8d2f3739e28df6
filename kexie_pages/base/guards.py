"""Defences every public form shares: the county forms (kexie_forms), the needs
library's enquiry form and the lecture hall's sign-up.

- :func:`client_ip` and :func:`rate_limit_exceeded`: a per-address fixed window
  in Django's cache (shared by every worker when the cache is Redis).
- :class:`GuardedFormMixin`: a signed one-time token and a honeypot on a form.
- :func:`submit_once`: an identical replay of a POST (double click, refresh,
  Back and resubmit unchanged) is stored once, for forms whose rows have no
  idempotency column of their own; a *different* body with the same token is
  a new submission.
- :func:`body_digest`: the fingerprint of what was submitted, for that check.

Settings: ``KEXIE_RATE_LIMITS`` (``{scope: (attempts, seconds)}``, each scope
defaulting to 10 per 60 s), ``KEXIE_CLIENT_IP_HEADER`` (formerly
``KEXIE_FORMS_CLIENT_IP_HEADER``, still read).
"""

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
HONEYPOT_FIELD = "website"
TOKEN_MAX_AGE = 2 * 24 * 3600
DEFAULT_RATE_LIMIT = (10, 60)
#: Scopes whose default differs from :data:`DEFAULT_RATE_LIMIT`.
SCOPE_RATE_LIMITS = {"booklet_download": (30, 3600)}

RATE_LIMITED = _(
    "Too many submissions from your network. Your answers are kept "
    "below: please wait a minute and submit again."
)
HONEYPOT_FILLED = _(
    "Your submission was not accepted. Leave the field "
    "“Leave this field empty” blank and submit again."
)
TOKEN_EXPIRED = _("This form has expired. Please check your answers and submit again.")


# --- who is asking, and how often -------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or a trusted proxy's header.

    Set ``KEXIE_CLIENT_IP_HEADER`` (e.g. ``HTTP_X_REAL_IP``) only when a
    proxy you run sets that header; otherwise clients could forge it.
    """
    header = getattr(settings, "KEXIE_CLIENT_IP_HEADER", None) or getattr(
        settings, "KEXIE_FORMS_CLIENT_IP_HEADER", None
    )
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "unknown")


def client_fingerprint(request: HttpRequest) -> str:
    """A short hash of the client's address and user agent (never stored raw)."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    raw = f"{client_ip(request)}\n{agent}".encode("utf-8", "replace")
    return hashlib.sha256(raw).hexdigest()[:32]


def rate_limit(scope: str) -> tuple[int, int]:
    """``(attempts, seconds)`` allowed per client address in ``scope``.

    From ``KEXIE_RATE_LIMITS[scope]``; the county forms' scopes (``forms``,
    ``receipt_lookup``) also read the older ``KEXIE_FORMS_RATE_LIMIT``.
    """
    limits = getattr(settings, "KEXIE_RATE_LIMITS", None) or {}
    if scope in limits:
        attempts, seconds = limits[scope]
        return int(attempts), int(seconds)
    legacy = getattr(settings, "KEXIE_FORMS_RATE_LIMIT", None)
    if legacy and scope in ("forms", "receipt_lookup"):
        return int(legacy[0]), int(legacy[1])
    return SCOPE_RATE_LIMITS.get(scope, DEFAULT_RATE_LIMIT)


def rate_limit_exceeded(
    request: HttpRequest, *, scope: str, subject: str | int = ""
) -> bool:
    """Count one attempt from this client in ``scope``; say whether it is over the limit.

    ``subject`` counts separately per thing (e.g. per booklet) under the
    scope's one limit. A fixed window in Django's cache: with Redis as the
    cache the count is shared by every worker process; local memory only
    suits one process.
    """
    limit, window = rate_limit(scope)
    address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"kexie:rl:{scope}:{subject}:{address}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


# --- the one-time token and the honeypot ----------------------------------------------


def form_token_new(scope: Any, *, salt: str) -> str:
    """A signed token for a fresh copy of a form bound to ``scope`` (e.g. a page id)."""
    return signing.dumps([scope, uuid.uuid4().hex], salt=salt)


def form_token_valid(token: str, scope: Any, *, salt: str) -> bool:
    """Whether ``token`` was issued here for ``scope`` less than two days ago."""
    try:
        issued_for, _nonce = signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return issued_for == scope


class GuardedFormMixin:
    """Adds the one-time token and the honeypot to a Django form.

    Override :meth:`token_scope` to bind the token to what the form is for
    (a page, a need, a course) and set :attr:`token_salt` per kind of form.
    The view checks :attr:`honeypot_filled` and the rate limit before
    validating (:func:`form_refusal` does both), stores through
    :func:`submit_once` (or an idempotency column of its own), and calls
    :meth:`refresh_token` whenever it shows a posted form again.
    """

    token_salt = "kexie.form_token"  # noqa: S105 - a signing salt, not a secret
    # Set by django.forms.Form; declared for the type checker.
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    data: Any

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.CharField(
            widget=forms.HiddenInput,
            initial=self.new_token(),
            max_length=200,
            required=True,
            error_messages={"required": TOKEN_EXPIRED},
        )
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def token_scope(self) -> Any:
        """What the token is bound to; a token for another scope is refused."""
        return ""

    def new_token(self) -> str:
        return form_token_new(self.token_scope(), salt=self.token_salt)

    def clean_form_token(self) -> str:
        token = self.cleaned_data[TOKEN_FIELD]
        if not form_token_valid(token, self.token_scope(), salt=self.token_salt):
            raise forms.ValidationError(TOKEN_EXPIRED, code="token")
        return token

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))

    def visible_data_fields(self) -> list:
        """The bound fields a person fills in (no token, no honeypot)."""
        form = cast("forms.BaseForm", self)
        return [f for f in form if f.name not in (TOKEN_FIELD, HONEYPOT_FIELD)]

    def submitted_data(self) -> dict[str, Any]:
        """``cleaned_data`` without the token and the honeypot."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in (TOKEN_FIELD, HONEYPOT_FIELD)
        }

    def refresh_token(self) -> None:
        """Give a re-displayed form a fresh token, so resubmitting it is accepted."""
        data = self.data.copy()
        data[TOKEN_FIELD] = self.new_token()
        self.data = data


@dataclass(frozen=True)
class Refusal:
    """Why a POST was turned away before validation: HTTP status and message."""

    status: int
    message: str


def form_refusal(request: HttpRequest, form, *, scope: str) -> Refusal | None:
    """The county forms' checks before validation: the rate limit, then the honeypot.

    On a refusal the form is validated (so its errors show too) and given a
    fresh token, ready to be shown back with the visitor's input.
    """
    refusal = None
    if rate_limit_exceeded(request, scope=scope):
        refusal = Refusal(429, str(RATE_LIMITED))
    elif form.honeypot_filled:
        refusal = Refusal(400, str(HONEYPOT_FILLED))
    if refusal:
        form.is_valid()
        form.refresh_token()
    return refusal


# --- identical replays ------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(getattr(value, "pk", value))


def body_digest(data: Mapping[str, Any]) -> str:
    """SHA-256 of the submitted values (cleaned: "138 0000 1234" equals "13800001234")."""
    canonical = json.dumps(_jsonable(data), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


_PENDING = "\x00pending"


def submit_once(
    *, scope: str, token: str, digest: str, store: Callable[[], str]
) -> tuple[str, bool]:
    """Run ``store`` once per form token and body; return its result and whether it ran.

    ``store`` writes the submission and returns a short string (what the
    redirect needs, e.g. ``"confirmed"``). The same token with the same body
    again (a double click, a refresh, Back and submit unchanged) gets the
    first result without storing; a different body is a new submission.
    The claim is a ``cache.add`` (atomic in every Django cache backend), kept
    as long as the token is valid; if ``store`` raises, the claim is dropped
    so the visitor can try again. A cache that loses the key (evicted,
    restarted) lets a replay through: a duplicate row, never a lost one.
    """
    key = (
        "kexie:once:"
        + hashlib.sha256(f"{scope}\n{token}\n{digest}".encode()).hexdigest()
    )
    for _attempt in range(2):
        if cache.add(key, _PENDING, timeout=TOKEN_MAX_AGE):
            try:
                result = store()
            except BaseException:
                cache.delete(key)
                raise
            cache.set(key, result, timeout=TOKEN_MAX_AGE)
            return result, True
        # The same POST is being stored by another request: wait for its result
        # (a sign-up takes milliseconds; the wait is bounded).
        deadline = time.monotonic() + 5
        value = cache.get(key)
        while value == _PENDING and time.monotonic() < deadline:
            time.sleep(0.05)
            value = cache.get(key)
        if value is not None and value != _PENDING:
            return value, False
        if value == _PENDING:
            cache.delete(key)  # the first request died mid-way: store this one
    return store(), True
