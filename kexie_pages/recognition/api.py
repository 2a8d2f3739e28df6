"""Public recognition endpoints under ``/api/v3/kexie/recognition/``: the awards
in lieu of subsidies, the honour rolls, and certificate verification.

Only published rounds and rolls are served; no phone number, nomination
answer or household data is ever part of an answer.
"""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ..base.api import KexieLimitOffsetPagination
from ..base.openapi import ERROR_RESPONSES, anonymous
from .certificates import certificate_url
from .models import YEAR_VALIDATORS
from .selectors import (
    awards_public,
    certificate_public,
    honour_entries,
    honour_roll_public,
    honour_rolls_public,
)
from .views import NUMBER_MAX

router = Router(tags=["kexie-recognition"], auth=[anonymous])

YEAR_MIN: int = YEAR_VALIDATORS[0].limit_value
YEAR_MAX: int = YEAR_VALIDATORS[1].limit_value


class AwardFilters(Schema):
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    county: str = ""


class NomineeOut(Schema):
    directory: str
    id: int | None
    name: str


class AwardOut(Schema):
    year: int
    round: str
    nominee: NomineeOut
    county: str
    households_helped: int | None
    income_raised: Decimal | None
    amount: Decimal | None
    citation: str

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.round.year

    @staticmethod
    def resolve_round(obj) -> str:
        return obj.round.title

    @staticmethod
    def resolve_nominee(obj) -> dict:
        nominee = obj.nominee
        return {
            "directory": obj.nominee_directory,
            # An entry that no longer consents to be listed is named, not linked.
            "id": nominee.pk if nominee is not None and nominee.is_public else None,
            "name": nominee.name if nominee is not None else "",
        }

    @staticmethod
    def resolve_county(obj) -> str:
        return obj.county.name if obj.county else ""


class HonourRollOut(Schema):
    year: int
    title: str
    issued_on: datetime.date


class HonourEntryOut(Schema):
    category: str
    category_display: str
    name: str
    directory: str
    entry_id: int | None
    county: str
    citation: str
    certificate_number: str

    @staticmethod
    def resolve_category_display(obj) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name

    @staticmethod
    def resolve_directory(obj) -> str:
        return obj.nominee_directory

    @staticmethod
    def resolve_entry_id(obj) -> int | None:
        entry = obj.linked_entry
        return entry.pk if entry is not None and entry.is_public else None

    @staticmethod
    def resolve_county(obj) -> str:
        return obj.county.name if obj.county else ""


class HonourRollDetailOut(HonourRollOut):
    intro: str
    entries: list[HonourEntryOut]

    @staticmethod
    def resolve_entries(obj) -> list:
        return [entry for group in honour_entries(roll=obj).values() for entry in group]


class CertificateOut(Schema):
    number: str
    holder: str
    employer: str
    year: int
    honour: str
    issued_on: datetime.date
    verification_url: str


def _year(year: int) -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404
    return year


@router.get(
    "/awards/",
    openapi_extra=ERROR_RESPONSES,
    response=list[AwardOut],
    summary="Awards in lieu of subsidies granted in published rounds",
    operation_id="kexie_awards_list",
    url_name="kexie_awards_list",
)
@paginate(KexieLimitOffsetPagination)
def list_awards(request, filters: Query[AwardFilters]):
    awards = awards_public(year=filters.year)
    if filters.county:
        awards = awards.filter(county__code=filters.county[:6])
    return awards


@router.get(
    "/honours/",
    openapi_extra=ERROR_RESPONSES,
    response=list[HonourRollOut],
    summary="Published honour rolls",
    operation_id="kexie_honour_rolls_list",
    url_name="kexie_honour_rolls_list",
)
@paginate(KexieLimitOffsetPagination)
def list_honour_rolls(request):
    return honour_rolls_public()


@router.get(
    "/honours/{year}/",
    openapi_extra=ERROR_RESPONSES,
    response=HonourRollDetailOut,
    summary="One year's honour roll: advanced units and individuals, experts",
    operation_id="kexie_honour_rolls_detail",
    url_name="kexie_honour_rolls_detail",
)
def honour_roll_detail(request, year: int):
    roll = honour_roll_public(year=_year(year))
    if roll is None:
        raise Http404
    return roll


@router.get(
    "/certificates/{number}/",
    openapi_extra=ERROR_RESPONSES,
    response=CertificateOut,
    summary="Verify a certificate of an expert of outstanding contribution",
    operation_id="kexie_certificates_verify",
    url_name="kexie_certificates_verify",
)
def certificate_verify(request, number: str):
    entry = certificate_public(number=number[:NUMBER_MAX])
    if entry is None:
        raise Http404
    return {
        "number": entry.certificate_number,
        "holder": entry.display_name,
        "employer": entry.expert.employer if entry.expert else "",
        "year": entry.roll.year,
        "honour": str(entry.get_category_display()),
        "issued_on": entry.roll.issued_on,
        "verification_url": certificate_url(number=entry.certificate_number),
    }
