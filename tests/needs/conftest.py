"""Fixtures of the needs library tests: the library page, a few needs, staff,
a small think-tank directory to match needs against, and a visitor's enquiry."""

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from kexie_pages.models import County, Expert, IndustryCategory, Need, NeedsLibraryPage
from kexie_pages.needs.services import needs_bulk_create

from .helpers import ENQUIRY, SECRET_NAME, SECRET_PHONE


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    """Services called outside a request speak the site's language too."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def county(db) -> Callable[[str], County]:
    """Look a county up by its name: ``county("扶沟县")``."""

    def by_name(name: str) -> County:
        return County.objects.get(name=name)

    return by_name


@pytest.fixture
def category(db) -> Callable[[str], IndustryCategory]:
    """Look an industry category up by its name: ``category("种植")``."""

    def by_name(name: str) -> IndustryCategory:
        return IndustryCategory.objects.get(name=name)

    return by_name


@pytest.fixture
def make_need(county, category) -> Callable[..., Need]:
    """Factory: one published need in 扶沟县 / 种植 unless told otherwise."""

    def make(**fields) -> Need:
        values = {
            "title": "小麦赤霉病连年发生",
            "county": county("扶沟县"),
            "township": "练寺镇",
            "village": "前王庄村",
            "category": category("种植"),
            "description": "小麦扬花期遇雨，赤霉病发病率超过三成，需要防治技术。",
            "households": 12,
            "contact_name": SECRET_NAME,
            "contact_phone": SECRET_PHONE,
        }
        values.update(fields)
        return needs_bulk_create(needs=[Need(**values)], publish=True)[0]

    return make


@pytest.fixture
def library(home) -> NeedsLibraryPage:
    return home.add_child(
        instance=NeedsLibraryPage(title="科技需求库", slug="needs", per_page=20)
    )


@pytest.fixture
def needs(library, make_need, county, category) -> dict[str, Need]:
    return {
        "wheat": make_need(),
        "cattle": make_need(
            title="肉牛育肥效率低",
            county=county("西华县"),
            category=category("养殖"),
            description="肉牛育肥周期长，需要秸秆青贮饲喂技术。",
        ),
        "greenhouse": make_need(
            title="日光温室蔬菜连作障碍",
            county=county("扶沟县"),
            category=category("设施休闲农业"),
            description="黄瓜连作多年，根结线虫严重。",
        ),
        "draft": needs_bulk_create(
            needs=[
                Need(
                    title="草稿需求小麦",
                    county=county("扶沟县"),
                    township="练寺镇",
                    village="后李楼村",
                    category=category("种植"),
                    description="尚未审核的小麦需求。",
                    contact_phone="13700001111",
                )
            ]
        )[0],
    }


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser(
        "staff", "staff@example.cn", "pw-staff"
    )


@pytest.fixture
def directory(db, county, category) -> dict[str, Expert]:
    """Experts from a perfect match for the wheat need down to unrelated ones."""
    fugou, xihua = county("扶沟县"), county("西华县")
    zhongzhi, yangzhi = category("种植"), category("养殖")

    def expert(name, speciality, categories, counties, public=True):
        e = Expert.objects.create(
            name=name,
            employer="周口市农业科学院",
            speciality=speciality,
            is_public=public,
        )
        e.categories.set(categories)
        e.counties.set(counties)
        return e

    return {
        "best": expert("甲专家", "小麦赤霉病防治", [zhongzhi], [fugou]),
        "industry_county": expert("乙专家", "玉米高产栽培", [zhongzhi], [fugou]),
        "industry_citywide": expert("丙专家", "棉花栽培", [zhongzhi], []),
        "industry_elsewhere": expert("丁专家", "大豆栽培", [zhongzhi], [xihua]),
        "keywords_only": expert("戊专家", "赤霉病与小麦病害", [yangzhi], [xihua]),
        "county_only": expert("己专家", "肉牛养殖", [yangzhi], [fugou]),
        "unrelated": expert("庚专家", "水产养殖", [yangzhi], [xihua]),
    }


@pytest.fixture
def enquire(form_token) -> Callable[..., object]:
    """``enquire(client, need, **changes)``: open the need's page, then send
    :data:`ENQUIRY` (with ``changes``) with the one-time token the page gave."""

    def send(client, need: Need, **changes):
        """Post the enquiry form of ``need`` as a visitor whose page is open."""
        url = f"/needs/{need.pk}/"
        data = {**ENQUIRY, "form_token": form_token(client, url), **changes}
        return client.post(url, data)

    return send


@pytest.fixture
def scab_case(make_need, county, category) -> dict:
    """A need whose right answer is known: a 赤霉病 specialist in another
    county must come before a general agronomist of the same industry and
    county; an expert of the same industry on another crop comes last, and
    an unrelated one not at all."""
    fugou, xihua = county("扶沟县"), county("西华县")
    zhongzhi, yangzhi = category("种植"), category("养殖")

    def expert(name, speciality, categories, counties, bio=""):
        e = Expert.objects.create(
            name=name,
            employer="周口市农业科学院",
            title="农艺师",
            speciality=speciality,
            bio=bio,
            is_public=True,
        )
        e.categories.set(categories)
        e.counties.set(counties)
        return e

    return {
        "need": make_need(
            title="小麦赤霉病防治",
            description="全村八百亩小麦连年发生赤霉病，扬花期遇雨后穗腐严重，"
            "减产三成，急需防治指导。",
        ),
        "specialist": expert("赤霉病专家", "赤霉病防治", [zhongzhi], [xihua]),
        "specialist_uncategorised": expert("植保研究员", "麦类赤霉病防治", [], [xihua]),
        "generalist": expert(
            "全科农艺师",
            "小麦玉米高产栽培",
            [zhongzhi],
            [fugou],
            bio="长期在扶沟县指导小麦、玉米生产，开展技术培训。",
        ),
        "other_crop": expert("食用菌专家", "食用菌栽培", [zhongzhi], [xihua]),
        "unrelated": expert("水产专家", "水产养殖", [yangzhi], [xihua]),
    }
