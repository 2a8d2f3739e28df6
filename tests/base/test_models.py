"""The shared taxonomy: counties with GB/T 2260 codes and editable categories."""

import pytest
from django.core.exceptions import ValidationError

from kexie_pages.models import County, IndustryCategory


@pytest.mark.django_db
def test_every_county_of_the_city_is_loaded_with_its_code():
    codes = dict(County.objects.values_list("name", "code"))
    assert codes == {
        "川汇区": "411602",
        "淮阳区": "411603",
        "扶沟县": "411621",
        "西华县": "411622",
        "商水县": "411623",
        "沈丘县": "411624",
        "郸城县": "411625",
        "太康县": "411627",
        "鹿邑县": "411628",
        "项城市": "411681",
    }


@pytest.mark.django_db
def test_default_industry_categories_are_loaded():
    names = set(IndustryCategory.objects.values_list("name", flat=True))
    assert {
        "种植",
        "养殖",
        "林下经济",
        "花卉苗木",
        "设施休闲农业",
        "农产品加工",
    } <= names


@pytest.mark.django_db
def test_a_county_code_must_have_six_digits():
    county = County(name="测试县", code="4116")
    with pytest.raises(ValidationError) as error:
        county.full_clean()
    assert "code" in error.value.message_dict
