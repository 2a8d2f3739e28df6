"""Forms of the results section: the farmer's check-in and the period choice."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..base.guards import GuardedFormMixin
from ..base.validators import is_mobile, phone_normalise
from .figures import Period, PeriodInvalid, period_of


class CheckInForm(GuardedFormMixin, forms.Form):
    """A farmer checks in at a course: their mobile number and the session's code.

    With the public forms' defences (:class:`~kexie_pages.base.guards.GuardedFormMixin`):
    a one-time token and a honeypot; the view adds the rate limit.
    """

    token_salt = "kexie_pages.results.checkin"  # noqa: S105 - a signing salt

    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        help_text=_("The number you signed up with."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The six digits shown at the course."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_phone(self) -> str:
        phone = phone_normalise(self.cleaned_data["phone"])
        if not is_mobile(phone):
            raise forms.ValidationError(
                _("Enter a valid 11-digit mobile number, e.g. 13812345678."),
                code="invalid_phone",
            )
        return phone

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(
                _("The check-in code is six digits, e.g. 386204."), code="invalid_code"
            )
        return code


PERIOD_KINDS = [
    ("year", pgettext_lazy("kexie period", "Year")),
    ("quarter", pgettext_lazy("kexie period", "Quarter")),
    ("month", pgettext_lazy("kexie period", "Month")),
]


class PeriodForm(forms.Form):
    """The period the figures cover: a year, one of its quarters or months."""

    period = forms.ChoiceField(
        label=pgettext_lazy("kexie period", "Period"),
        choices=PERIOD_KINDS,
        required=False,
    )
    year = forms.IntegerField(
        label=pgettext_lazy("kexie period", "Year"),
        min_value=2000,
        max_value=2100,
        required=False,
    )
    number = forms.IntegerField(
        label=_("Quarter or month"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("1–4 for a quarter, 1–12 for a month."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The empty form shows this year, as the figures below it do.
        self.fields["year"].initial = timezone.localdate().year

    def chosen_period(self, today: datetime.date | None = None) -> Period:
        """The chosen period; this year when nothing (valid) was chosen."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("period") or "year"
        year = data.get("year") or today.year
        number = data.get("number") or (
            (today.month - 1) // 3 + 1 if kind == "quarter" else today.month
        )
        try:
            return period_of(kind, year, number)
        except PeriodInvalid:
            return period_of("year", year)

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("period") == "quarter" and (cleaned.get("number") or 1) > 4:
            self.add_error("number", _("A year has four quarters: enter 1 to 4."))
        return cleaned
