"""Public, read-only agreements endpoints: ``/api/v3/kexie/agreements/``.

Agreements past the draft stage with their public fields only: never a phone,
an e-mail, a household or a report link; directory entries are named only when
they agreed to be listed. Filterable like the public list by county code, kind
and status.
"""

from datetime import date

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ..base.api import ApiId, KexieLimitOffsetPagination
from ..base.openapi import ERROR_RESPONSES
from .models import AgreementIndexPage
from .selectors import (
    AgreementFilters,
    agreement_public_detail,
    agreement_public_parties,
    agreements_public_list,
)


class AgreementQuery(Schema):
    county: str = ""
    kind: str = ""
    status: str = ""


class CountyOut(Schema):
    code: str
    name: str


class DeliverableOut(Schema):
    title: str
    due_on: date
    done_on: date | None


class ProgressReportOut(Schema):
    reported_on: date
    source: str
    text: str


class AgreementStatusChangeOut(Schema):
    from_status: str
    to_status: str
    changed_at: str


class AgreementOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    county: CountyOut
    township: str
    village: str
    partners: list[str]
    responsible_expert: str
    contact_person: str
    signed_on: date | None
    url: str | None

    @staticmethod
    def resolve_county(obj) -> dict:
        return {"code": obj.county.code, "name": obj.county.name}

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_partners(obj) -> list:
        return list(agreement_public_parties(obj)["partners"])  # type: ignore[call-overload]

    @staticmethod
    def resolve_responsible_expert(obj) -> str:
        return str(agreement_public_parties(obj)["responsible_expert"])

    @staticmethod
    def resolve_contact_person(obj) -> str:
        return str(agreement_public_parties(obj)["contact_person"])

    @staticmethod
    def resolve_url(obj, context) -> str | None:
        request = (context or {}).get("request")
        index = getattr(request, "kexie_agreements_page", None)
        return index.agreement_url(obj, request, full=True) if index else None


class AgreementDetailOut(AgreementOut):
    summary: str
    deliverables: list[DeliverableOut]
    progress_reports: list[ProgressReportOut]
    history: list[AgreementStatusChangeOut]

    @staticmethod
    def resolve_deliverables(obj) -> list:
        return list(obj.deliverables.all())

    @staticmethod
    def resolve_progress_reports(obj) -> list:
        return list(obj.progress_reports.all())

    @staticmethod
    def resolve_history(obj) -> list[dict]:
        return [
            {
                "from_status": c.from_status,
                "to_status": c.to_status,
                "changed_at": c.changed_at.isoformat(),
            }
            for c in obj.status_changes.all()
        ]


router = Router(tags=["kexie-agreements"])


def _index(request) -> AgreementIndexPage | None:
    return AgreementIndexPage.objects.live().public().first()


@router.get(
    "/",
    openapi_extra=ERROR_RESPONSES,
    response=list[AgreementOut],
    summary="List public agreements (signed, in progress, completed or terminated)",
    operation_id="kexie_agreements_list",
    url_name="kexie_agreements_list",
)
@paginate(KexieLimitOffsetPagination)
def list_agreements(request, filters: Query[AgreementQuery]):
    request.kexie_agreements_page = _index(request)
    return agreements_public_list(filters=AgreementFilters.from_params(filters.dict()))


@router.get(
    "/{agreement_id}/",
    openapi_extra=ERROR_RESPONSES,
    response=AgreementDetailOut,
    summary="One public agreement, with its deliverables, progress and history",
    operation_id="kexie_agreements_detail",
    url_name="kexie_agreements_detail",
)
def agreement_detail(request, agreement_id: ApiId):
    request.kexie_agreements_page = _index(request)
    agreement = agreement_public_detail(agreement_id=agreement_id)
    if agreement is None:
        raise Http404
    return agreement
