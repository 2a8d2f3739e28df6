"""django-import-export widgets for the think-tank directories' spreadsheets.

Conversion between a spreadsheet cell and a Python value lives here, and only
here: county by name or GB/T 2260 code, several categories in one cell, 是/否
for yes/no, phone numbers checked and kept as text, and cells escaped on export
so that a spreadsheet program never runs them as a formula. A widget raises
``ValueError`` with a message for staff; the importer puts it next to the row
and column it came from.

The cell values written here (是, 否, 男, 女, the separators) are the
spreadsheet contract the counties fill in, not interface text, so they are
not translated.
"""

import re

from django.utils.translation import gettext
from import_export import widgets

from ..base.models import County, IndustryCategory
from ..base.spreadsheets import FORMULA_PREFIXES, formula_safe
from ..base.validators import is_phone, phone_normalise
from .models import Expert

#: What separates several values in one cell: the enumeration comma, full- and
#: half-width commas and semicolons.
SEPARATORS = re.compile(r"[、，,;；]")
#: The longest text a cell may hold; longer cells are an error, not truncated.
MAX_CELL_CHARS = 5000

YES = "是"
NO = "否"
_YES_VALUES = {YES, "y", "yes", "true", "1", "√", "公开"}
_NO_VALUES = {NO, "n", "no", "false", "0", "", "×", "不公开"}


def cell_text(value: object) -> str:
    """A cell's value as clean text: numbers from Excel lose their ``.0``,
    full-width characters become half-width, and the ``'`` that export adds
    in front of a formula-like cell is removed again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > MAX_CELL_CHARS:
        raise ValueError(
            gettext("The cell holds %(count)s characters; at most %(limit)s.")
            % {"count": len(text), "limit": MAX_CELL_CHARS}
        )
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def split_values(text: str) -> list[str]:
    """Split a multi-value cell on 、，,;； and drop empty parts and repeats."""
    seen: dict[str, None] = {}
    for part in SEPARATORS.split(text):
        part = part.strip()
        if part:
            seen[part] = None
    return list(seen)


class TextWidget(widgets.CharWidget):
    """Plain text, exported formula-safe."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return formula_safe("" if value is None else str(value))


class PhoneWidget(TextWidget):
    """A mainland mobile (11 digits) or landline number with area code, kept as text."""

    def clean(self, value, row=None, **kwargs):
        text = phone_normalise(cell_text(value))
        if not text:
            return ""
        if is_phone(text):
            return text
        raise ValueError(
            gettext(
                "“%(value)s” is not a phone number: enter an 11-digit mobile "
                "number or a landline number with its area code, e.g. 0394-8212345."
            )
            % {"value": text[:30]}
        )


class YesNoWidget(widgets.BooleanWidget):
    """是/否 for yes/no; a blank cell means no."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lower()
        if text in _YES_VALUES:
            return True
        if text in _NO_VALUES:
            return False
        raise ValueError(
            gettext("Write %(yes)s or %(no)s, not “%(value)s”.")
            % {"yes": YES, "no": NO, "value": text[:30]}
        )

    def render(self, value, obj=None, **kwargs):
        return YES if value else NO


class GenderWidget(widgets.Widget):
    """男/女 in the sheet, ``male``/``female`` in the database."""

    CELLS = {"男": "male", "女": "female"}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        try:
            return self.CELLS[text]
        except KeyError:
            raise ValueError(
                gettext("Write 男 or 女, not “%(value)s”.") % {"value": text[:30]}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return {v: k for k, v in self.CELLS.items()}.get(value, "")


class WholeNumberWidget(widgets.IntegerWidget):
    """A non-negative whole number; blank means unknown."""

    def __init__(self, *, maximum: int = 10_000_000, **kwargs):
        self.maximum = maximum
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if not text.isdigit() or int(text) > self.maximum:
            raise ValueError(
                gettext("“%(value)s” is not a whole number between 0 and %(max)s.")
                % {"value": text[:30], "max": self.maximum}
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class _LookupMixin:
    """Looks related objects up in a table loaded once per import, not per cell.

    ``reset()`` drops the table; the resource calls it before each import so a
    county or category added since the last import is found.
    """

    _table: dict[str, object] | None

    def reset(self) -> None:
        self._table = None

    def lookup_table(self) -> dict[str, object]:
        table = getattr(self, "_table", None)
        if table is None:
            table = self._table = self.build_table()
        return table

    def build_table(self) -> dict[str, object]:
        raise NotImplementedError

    def find(self, text: str) -> object:
        try:
            return self.lookup_table()[text]
        except KeyError:
            raise ValueError(self.unknown_message(text)) from None

    def unknown_message(self, text: str) -> str:
        raise NotImplementedError


def _county_table(model) -> dict[str, object]:
    """Counties by code, by name and by name without 县/市/区 (扶沟 for 扶沟县)."""
    table = {}
    for county in model.objects.all():
        table[county.code] = county
        table[county.name] = county
        short = re.sub(r"(县|市|区)$", "", county.name)
        if len(short) >= 2:
            table.setdefault(short, county)
    return table


def _unknown_county(text: str) -> str:
    return gettext(
        "Unknown county “%(value)s”: use a county name or its six-digit code."
    ) % {"value": text[:30]}


class CountyWidget(_LookupMixin, widgets.ForeignKeyWidget):
    """A county by its name (扶沟县, or 扶沟) or its six-digit GB/T 2260 code."""

    def __init__(self, **kwargs):
        super().__init__(County, field="name", **kwargs)

    def build_table(self) -> dict[str, object]:
        return _county_table(self.model)

    def unknown_message(self, text: str) -> str:
        return _unknown_county(text)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return self.find(text) if text else None

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class CountiesWidget(_LookupMixin, widgets.ManyToManyWidget):
    """Several counties in one cell, separated by 、 or commas."""

    def __init__(self, **kwargs):
        super().__init__(County, field="name", **kwargs)

    def build_table(self) -> dict[str, object]:
        return _county_table(self.model)

    def unknown_message(self, text: str) -> str:
        return _unknown_county(text)

    def clean(self, value, row=None, **kwargs):
        return [self.find(text) for text in split_values(cell_text(value))]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "、".join(county.name for county in value.all())


class CategoriesWidget(_LookupMixin, widgets.ManyToManyWidget):
    """Several industry categories in one cell, by name, separated by 、 or commas."""

    def __init__(self, **kwargs):
        super().__init__(IndustryCategory, field="name", **kwargs)

    def build_table(self) -> dict[str, object]:
        table = {}
        for category in self.model.objects.all():
            table[category.name] = category
            table.setdefault(category.slug, category)
        return table

    def unknown_message(self, text: str) -> str:
        return gettext(
            "Unknown industry category “%(value)s”: staff can add it under Taxonomy."
        ) % {"value": text[:30]}

    def clean(self, value, row=None, **kwargs):
        return [self.find(text) for text in split_values(cell_text(value))]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "、".join(category.name for category in value.all())


class ExpertWidget(_LookupMixin, widgets.ForeignKeyWidget):
    """An expert by name, or 姓名（工作单位） where two experts share a name."""

    AMBIGUOUS = object()

    def __init__(self, **kwargs):
        super().__init__(Expert, field="name", **kwargs)

    def build_table(self) -> dict[str, object]:
        table: dict[str, object] = {}
        for expert in self.model.objects.only("id", "name", "employer"):
            table[f"{expert.name}（{expert.employer}）"] = expert
            table[expert.name] = self.AMBIGUOUS if expert.name in table else expert
        return table

    def unknown_message(self, text: str) -> str:
        return gettext(
            "No expert “%(value)s” in the expert library: import the expert first."
        ) % {"value": text[:50]}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace("(", "（").replace(")", "）")
        if not text:
            return None
        expert = self.find(text)
        if expert is self.AMBIGUOUS:
            raise ValueError(
                gettext(
                    "Several experts are called “%(value)s”: write 姓名（工作单位）."
                )
                % {"value": text[:50]}
            )
        return expert

    def render(self, value, obj=None, **kwargs):
        return str(value) if value is not None else ""
