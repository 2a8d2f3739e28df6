"""Forms of the lecture hall: the course editor, the public filters, the sign-up."""

import datetime

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm

from ..base.guards import GuardedFormMixin
from ..base.models import County, IndustryCategory
from ..base.validators import is_mobile, phone_normalise

MAX_GENERATED_SESSIONS = 60


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of a month and of the next one, in the site's time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


class CoursePageForm(WagtailAdminPageForm):
    """The course editor, with a generator for weekly series.

    Staff fill in the first session and a last date; on save one further
    session per week (or every n weeks) is appended to the inline sessions,
    where it can be edited, cancelled or removed like any other.
    """

    repeat_weekly_until = forms.DateField(
        label=_("Repeat weekly until"),
        required=False,
        help_text=_("Last date of the series, e.g. every Tuesday until 31 March."),
    )
    repeat_every_weeks = forms.IntegerField(
        label=_("Every how many weeks"),
        required=False,
        min_value=1,
        max_value=4,
        initial=1,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "venue" in self.fields:
            self.fields["venue"].error_messages["required"] = _(
                "Enter the venue: the township or village where the course is held."
            )
        self._generated: list[tuple[datetime.datetime, datetime.datetime]] = []

    def clean(self):
        cleaned_data = super().clean()
        until = cleaned_data.get("repeat_weekly_until")
        start, end = cleaned_data.get("start"), cleaned_data.get("end")
        if until and start and end and end > start:
            step = datetime.timedelta(weeks=cleaned_data.get("repeat_every_weeks") or 1)
            local_start = timezone.localtime(start)
            if until <= local_start.date():
                self.add_error(
                    "repeat_weekly_until",
                    _("The series must end after the first session."),
                )
                return cleaned_data
            taken = {
                timezone.localtime(form.cleaned_data["start"]).date()
                for form in self.formsets["sessions"].forms
                if form.is_valid()
                and form.cleaned_data.get("start")
                and not form.cleaned_data.get("DELETE")
            }
            next_start, next_end = start + step, end + step
            while timezone.localtime(next_start).date() <= until:
                if timezone.localtime(next_start).date() not in taken:
                    self._generated.append((next_start, next_end))
                next_start, next_end = next_start + step, next_end + step
            if len(self._generated) > MAX_GENERATED_SESSIONS:
                self.add_error(
                    "repeat_weekly_until",
                    _("A series can have at most %(n)d sessions.")
                    % {"n": MAX_GENERATED_SESSIONS},
                )
        return cleaned_data

    def save(self, commit=True):
        from .models import CourseSession

        page = super().save(commit=False)
        existing = len(page.sessions.all())
        page.sessions.add(
            *[
                CourseSession(start=s, end=e, sort_order=existing + i)
                for i, (s, e) in enumerate(self._generated)
            ]
        )
        if commit:
            page.save()
        return page


class CourseFilterForm(forms.Form):
    """The public listing's filters; every choice is in the URL, so bookmarkable."""

    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All counties"),
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"),
        queryset=IndustryCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All industries"),
    )
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^20\d\d-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(
            attrs={"type": "month", "placeholder": "2026-03", "maxlength": 7}
        ),
        error_messages={"invalid": _("Enter a month as year-month, e.g. 2026-03.")},
    )

    def has_filters(self) -> bool:
        return any(
            self.cleaned_data.get(name) for name in ("county", "industry", "month")
        )

    def filter(self, courses: QuerySet, *, use_month: bool = True) -> QuerySet:
        """Narrow ``courses`` to the chosen county, industry and month."""
        from .models import CourseSession

        data = self.cleaned_data
        if data.get("county"):
            courses = courses.filter(county=data["county"])
        if data.get("industry"):
            courses = courses.filter(category=data["industry"])
        if use_month and data.get("month"):
            year, month = (int(part) for part in data["month"].split("-"))
            first, after = month_bounds(year, month)
            courses = courses.filter(
                Q(start__gte=first, start__lt=after)
                | Exists(
                    CourseSession.objects.filter(
                        course=OuterRef("pk"), start__gte=first, start__lt=after
                    )
                )
            )
        return courses


class CourseRegistrationForm(GuardedFormMixin, forms.Form):
    """The public sign-up: name, mobile number and village, nothing more.

    With the county forms' defences (:class:`~kexie_pages.base.guards.GuardedFormMixin`):
    a one-time token bound to the course, and a honeypot.
    """

    token_salt = "kexie_pages.courses.signup"  # noqa: S105 - a signing salt

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=30)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    village = forms.CharField(label=_("Village"), max_length=50)

    def __init__(self, *args, course_id: int = 0, **kwargs) -> None:
        self.course_id = course_id
        super().__init__(*args, **kwargs)

    def token_scope(self) -> int:
        return self.course_id

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_village(self) -> str:
        return self.cleaned_data["village"].strip()

    def clean_phone(self) -> str:
        phone = phone_normalise(self.cleaned_data["phone"])
        if not is_mobile(phone):
            raise forms.ValidationError(
                _("Enter a valid 11-digit mobile number, e.g. 13812345678."),
                code="invalid_phone",
            )
        return phone
