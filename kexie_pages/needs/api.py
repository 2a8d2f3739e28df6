"""Public, read-only needs endpoints: ``/api/v3/kexie/needs/``.

Needs are models, not pages, so ``/api/v3/pages/`` does not list them; this
router serves the live ones with their public fields only (never the private
contact), filterable like the library page by county code, industry slug,
status and Chinese keywords.
"""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ..base.api import ApiId, KexieLimitOffsetPagination
from ..base.openapi import ERROR_RESPONSES
from .models import Need, NeedsLibraryPage
from .selectors import NeedFilters, need_public_matches, needs_public_list


class NeedQuery(Schema):
    county: str = ""
    category: str = ""
    status: str = ""
    q: str = ""


class CountyOut(Schema):
    code: str
    name: str


class CategoryOut(Schema):
    slug: str
    name: str


class StatusChangeOut(Schema):
    status: str
    status_label: str
    note: str
    changed_at: str


class MatchOut(Schema):
    kind: str
    name: str
    unit: str


class NeedOut(Schema):
    id: int
    title: str
    county: CountyOut
    township: str
    village: str
    category: CategoryOut
    description: str
    households: int
    season: str
    urgency: str
    status: str
    status_label: str
    reported_on: date
    url: str | None

    @staticmethod
    def resolve_county(obj) -> dict:
        return {"code": obj.county.code, "name": obj.county.name}

    @staticmethod
    def resolve_category(obj) -> dict:
        return {"slug": obj.category.slug, "name": obj.category.name}

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_url(obj, context) -> str | None:
        request = (context or {}).get("request")
        library = getattr(request, "kexie_library", None)
        return library.need_url(obj, request, full=True) if library else None


class NeedDetailOut(NeedOut):
    history: list[StatusChangeOut]
    matches: list[MatchOut]

    @staticmethod
    def resolve_history(obj) -> list[dict]:
        return [
            {
                "status": c.status,
                "status_label": str(c.get_status_display()),
                "note": c.note,
                "changed_at": c.changed_at.isoformat(),
            }
            for c in obj.status_changes.all()
        ]

    @staticmethod
    def resolve_matches(obj) -> list[dict]:
        experts, achievements = need_public_matches(need=obj)
        return [
            {"kind": "expert", "name": e.name, "unit": e.employer} for e in experts
        ] + [
            {"kind": "achievement", "name": a.title, "unit": a.organisation}
            for a in achievements
        ]


router = Router(tags=["kexie-needs"])


def _library(request) -> NeedsLibraryPage | None:
    return NeedsLibraryPage.objects.live().public().first()


@router.get(
    "/",
    openapi_extra=ERROR_RESPONSES,
    response=list[NeedOut],
    summary="List published technical needs",
    operation_id="kexie_needs_list",
    url_name="kexie_needs_list",
)
@paginate(KexieLimitOffsetPagination)
def list_needs(request, filters: Query[NeedQuery]):
    request.kexie_library = _library(request)
    return needs_public_list(filters=NeedFilters.from_params(filters.dict()))


@router.get(
    "/{need_id}/",
    openapi_extra=ERROR_RESPONSES,
    response=NeedDetailOut,
    summary="One published technical need, with its history and matched help",
    operation_id="kexie_needs_detail",
    url_name="kexie_needs_detail",
)
def need_detail(request, need_id: ApiId):
    request.kexie_library = _library(request)
    return get_object_or_404(
        Need.objects.public().select_related("county", "category"), pk=need_id
    )
