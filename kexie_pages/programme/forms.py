"""The programme's forms: the responsible expert's progress report (public, no
login, behind a secret link) and the technician's visit log (staff, on a phone)."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..base.guards import GuardedFormMixin
from .models import LiaisonAssignment, LiaisonHousehold

#: A phone photo is 2–6 MB; more than this is not a photo from a phone camera.
PHOTO_MAX_BYTES = 12 * 1024 * 1024
PHOTOS_MAX = 4


class ProgressReportForm(GuardedFormMixin, forms.Form):
    """A progress report from the agreement's responsible expert, on a phone.

    With the public forms' defences: a one-time token bound to the agreement,
    a honeypot; the view adds the rate limit and stores an identical replay once.
    """

    token_salt = "kexie_pages.programme.report"  # noqa: S105 - a signing salt

    reported_on = forms.DateField(
        label=_("Date of the report"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2026-09-30.")},
    )
    text = forms.CharField(
        label=_("Progress since the last report"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Published on the agreement's page: no household names or phones."),
        error_messages={"required": _("Please describe the progress.")},
    )

    def __init__(self, *args, agreement_id: int = 0, **kwargs) -> None:
        self.agreement_id = agreement_id
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate

    def token_scope(self) -> int:
        return self.agreement_id

    def clean_reported_on(self):
        reported_on = self.cleaned_data["reported_on"]
        if reported_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return reported_on


class MultiplePhotoInput(forms.ClearableFileInput):
    """A file input taking several photos, straight from the phone's camera."""

    allow_multiple_selected = True


class MultiplePhotoField(forms.ImageField):
    """Up to :data:`PHOTOS_MAX` images, each checked by Pillow and for size."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > PHOTOS_MAX:
            raise forms.ValidationError(
                _("At most %(n)s photos per visit.") % {"n": PHOTOS_MAX}
            )
        cleaned = []
        for file in files:
            if file.size > PHOTO_MAX_BYTES:
                raise forms.ValidationError(
                    _("A photo is larger than %(mb)s MB.")
                    % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}
                )
            cleaned.append(super().clean(file, initial))
        return cleaned


class VillageChoiceField(forms.ModelChoiceField):
    """A liaison village, named as a Chinese address reads: 扶沟县练寺镇王庄村."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.county.name}{obj.township}{obj.village}"


class HouseholdChoiceField(forms.ModelChoiceField):
    """A followed household, after its village: 王庄村 · 张某."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.assignment.village} · {obj.name}"


class VisitLogForm(forms.Form):
    """A visit in a few taps: the village, the date (today), what was done."""

    assignment = VillageChoiceField(
        label=_("Village"),
        queryset=LiaisonAssignment.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your villages.")},
    )
    visited_on = forms.DateField(
        label=_("Date of the visit"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2026-09-30.")},
    )
    household = HouseholdChoiceField(
        label=_("Household (optional)"),
        queryset=LiaisonHousehold.objects.none(),
        required=False,
    )
    work_done = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please say briefly what was done.")},
    )
    problems_solved = forms.CharField(
        label=_("Problems solved (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos = MultiplePhotoField(
        label=_("Photos (optional)"),
        required=False,
        widget=MultiplePhotoInput(
            attrs={"accept": "image/*", "capture": "environment"}
        ),
    )

    def __init__(self, *args, assignments=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        assignment = cast("forms.ModelChoiceField", self.fields["assignment"])
        household = cast("forms.ModelChoiceField", self.fields["household"])
        if assignments is not None:
            assignment.queryset = assignments
            household.queryset = LiaisonHousehold.objects.filter(
                assignment__in=assignments
            ).select_related("assignment")
        self.fields["visited_on"].initial = timezone.localdate

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return visited_on

    def clean(self):
        cleaned = super().clean() or {}
        household = cleaned.get("household")
        assignment = cleaned.get("assignment")
        if household and assignment and household.assignment_id != assignment.pk:
            self.add_error("household", _("This household is not in that village."))
        return cleaned
