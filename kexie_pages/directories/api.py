"""Public, read-only think-tank directory endpoints: ``/api/v3/kexie/<directory>/``.

Only ``is_public`` entries are served; phone numbers are masked
(``138****1234``) and e-mail addresses are never included.
"""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ..base.api import ApiId, KexieLimitOffsetPagination
from ..base.openapi import ERROR_RESPONSES
from .models import DIRECTORIES, directory_name
from .selectors import directory_entries_annotate, directory_public_entries


class DirectoryFilters(Schema):
    county: str = ""
    category: str = ""
    q: str = ""


class ExpertFilters(DirectoryFilters):
    sort: str = ""


class CountySchema(Schema):
    code: str
    name: str


class RecognitionSchema(Schema):
    kind: str
    year: int
    title: str
    amount: int | None


class EntrySchema(Schema):
    id: int
    categories: list[str]
    masked_phone: str
    recognitions: list[RecognitionSchema]

    @staticmethod
    def resolve_categories(obj) -> list[str]:
        return [category.name for category in obj.categories.all()]

    @staticmethod
    def resolve_recognitions(obj) -> list[dict]:
        # Filled by other sections (recognition: awards and honours), by hook.
        directory_entries_annotate(directory=directory_name(type(obj)), entries=[obj])
        return obj.recognitions


class ExpertSchema(EntrySchema):
    name: str
    gender: str
    employer: str
    title: str
    speciality: str
    counties: list[CountySchema]
    bio: str

    @staticmethod
    def resolve_counties(obj) -> list[dict]:
        return [{"code": c.code, "name": c.name} for c in obj.counties.all()]


class AchievementSchema(EntrySchema):
    title: str
    organisation: str
    maturity: str
    counties: list[CountySchema]
    summary: str
    year: int | None
    expert_name: str

    @staticmethod
    def resolve_counties(obj) -> list[dict]:
        return [{"code": c.code, "name": c.name} for c in obj.counties.all()]

    @staticmethod
    def resolve_expert_name(obj) -> str:
        # An expert who did not consent to be listed is not named.
        return obj.expert.name if obj.expert and obj.expert.is_public else ""


class LocatedSchema(EntrySchema):
    name: str
    county: CountySchema | None

    @staticmethod
    def resolve_county(obj) -> dict | None:
        return (
            {"code": obj.county.code, "name": obj.county.name} if obj.county else None
        )


class AssociationSchema(LocatedSchema):
    township: str
    leader: str
    member_count: int | None
    founded_year: int | None
    is_advanced: bool


class DemonstrationBaseSchema(LocatedSchema):
    address: str
    level: str
    manager: str
    summary: str


class TechLeaderSchema(LocatedSchema):
    township: str
    village: str
    households_helped: int | None
    story: str


SCHEMAS = {
    "experts": ExpertSchema,
    "achievements": AchievementSchema,
    "associations": AssociationSchema,
    "demo-bases": DemonstrationBaseSchema,
    "leaders": TechLeaderSchema,
}


def directory_router(directory: str) -> Router:
    """A router listing and showing one directory's public entries."""
    schema = SCHEMAS[directory]
    filters_schema = ExpertFilters if directory == "experts" else DirectoryFilters
    router = Router(tags=[f"kexie-{directory}"])
    label = DIRECTORIES[directory]._meta.verbose_name_plural
    operation = directory.replace("-", "_")

    def entries(filters):
        queryset = directory_public_entries(
            directory=directory,
            county=filters.county[:6],
            category=filters.category[:40],
            query=filters.q[:100],
            sort=getattr(filters, "sort", ""),
        )
        if directory == "achievements":
            queryset = queryset.select_related("expert")
        return queryset

    # The schemas are picked per directory at run time, where ninja reads them;
    # to mypy a variable is no type.
    @router.get(
        "/",
        openapi_extra=ERROR_RESPONSES,
        response=list[schema],  # type: ignore[valid-type]
        summary=f"List public {label}",
        operation_id=f"kexie_{operation}_list",
        url_name=f"kexie_{operation}_list",
    )
    @paginate(KexieLimitOffsetPagination)
    def list_entries(request, filters: Query[filters_schema]):  # type: ignore[valid-type]
        return entries(filters)

    @router.get(
        "/{entry_id}/",
        openapi_extra=ERROR_RESPONSES,
        response=schema,
        summary=f"One public entry of {label}",
        operation_id=f"kexie_{operation}_detail",
        url_name=f"kexie_{operation}_detail",
    )
    def entry_detail(request, entry_id: ApiId):
        return get_object_or_404(entries(filters_schema()), pk=entry_id)

    return router


#: Every directory's router under one, mounted at ``/kexie/`` by ``apps.py``.
router = Router()
for _directory in DIRECTORIES:
    router.add_router(f"/{_directory}/", directory_router(_directory))
