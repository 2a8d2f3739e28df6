"""The spreadsheet cell conversions of the think-tank directories."""

import pytest

from kexie_pages.base.spreadsheets import formula_safe
from kexie_pages.directories.widgets import (
    CategoriesWidget,
    CountyWidget,
    PhoneWidget,
    YesNoWidget,
    cell_text,
    split_values,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("13812341234", "13812341234"),
        (13812341234.0, "13812341234"),
        ("138 1234 1234", "13812341234"),
        ("+86 13812341234", "13812341234"),
        ("１３８１２３４１２３４", "13812341234"),
        ("0394-8212345", "0394-8212345"),
        ("03948212345", "03948212345"),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised_and_kept_as_text(cell, expected):
    assert PhoneWidget().clean(cell) == expected


@pytest.mark.parametrize("cell", ["138", "12812341234", "电话", "13812341234x"])
def test_bad_phone_numbers_say_what_is_expected(cell):
    with pytest.raises(ValueError, match="11 位手机号"):
        PhoneWidget().clean(cell)


def test_multiple_values_split_on_chinese_and_latin_separators():
    assert split_values("种植、养殖，林下经济,花卉苗木;农村电商；种植") == [
        "种植",
        "养殖",
        "林下经济",
        "花卉苗木",
        "农村电商",
    ]


@pytest.mark.django_db
def test_county_by_name_short_name_or_code():
    widget = CountyWidget()
    assert widget.clean("扶沟县").code == "411621"
    assert widget.clean("411622").name == "西华县"
    assert widget.clean("项城").name == "项城市"
    assert widget.clean("") is None
    with pytest.raises(ValueError, match="未知的区县“郑州”"):
        widget.clean("郑州")


@pytest.mark.django_db
def test_categories_by_name():
    names = [c.name for c in CategoriesWidget().clean("养殖、种植")]
    assert names == ["养殖", "种植"]


def test_yes_no():
    widget = YesNoWidget()
    assert widget.clean("是") is True and widget.clean("否") is False
    assert widget.clean("") is False and widget.clean(True) is True
    assert widget.render(True) == "是"


def test_formula_safety_round_trips():
    for text in ["=1+1", "+86", "-5", "@SUM(A1)"]:
        assert formula_safe(text) == "'" + text
        assert cell_text(formula_safe(text)) == text
    assert formula_safe("扶沟县") == "扶沟县"
    assert cell_text("'普通文字") == "'普通文字"
