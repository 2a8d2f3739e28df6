"""Admin review of submissions, scoped to the reviewer's county in every view."""

import django_filters
from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.contrib.forms.views import SubmissionsListView
from wagtail.permission_policies import ModelPermissionPolicy

from kexie_pages.base.scoping import CountyPermissionPolicy, CountyScopedModelViewSet
from kexie_pages.base.spreadsheets import SafeSpreadsheetExportMixin
from kexie_pages.models import County

from .models import (
    FormPage,
    FormSubmission,
    SubmissionScore,
    SubmissionStatus,
    UserCounty,
)
from .selectors import (
    county_for_user,
    submission_rows,
    submission_scores,
    submissions_for_user,
)
from .services import (
    submission_promoted_object,
    submission_review,
    submission_score_set,
)

#: Other apps add buttons to a submission's review screen (awards: "decide the
#: award") with ``@hooks.register(SUBMISSION_BUTTONS_HOOK)`` on a function
#: ``(submission, user) -> list[HeaderButton]``.
SUBMISSION_BUTTONS_HOOK = "kexie_forms_submission_header_buttons"


class SubmissionPermissionPolicy(CountyPermissionPolicy):
    """Model permissions, narrowed to the user's county; nobody adds by hand."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)


class UserCountyPermissionPolicy(ModelPermissionPolicy):
    """Bindings are the city's to give: a county-bound user cannot rebind anyone."""

    def user_has_permission(self, user, action):
        if county_for_user(user=user) is not None:
            return False
        return super().user_has_permission(user, action)


class SubmissionFilterSet(WagtailFilterSet):
    # The scoped viewset narrows the county choices to a county user's own.
    page = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("submission", "Form"), queryset=FormPage.objects.all()
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=County.objects.all()
    )
    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("submission", "Status"), choices=SubmissionStatus.choices
    )
    submit_time = django_filters.DateFromToRangeFilter(
        label=pgettext_lazy("submission", "Submitted"), widget=DateRangePickerWidget
    )

    class Meta:
        model = FormSubmission
        fields = ["page", "county", "status", "submit_time"]


class SubmissionIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """The review list; its exports are formula-safe, in Beijing time."""


def _scores_on(submission: FormSubmission) -> bool:
    return bool(getattr(submission.page.specific, "review_scores", False))


class SubmissionReviewForm(WagtailAdminModelForm):
    """The review form, with the reviewer's own score where the form asks for scores."""

    my_score = forms.IntegerField(
        label=_("Your score (0–100)"), min_value=0, max_value=100, required=False
    )
    my_comment = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if self.instance.pk and user is not None:
            mine = SubmissionScore.objects.filter(
                submission=self.instance, reviewer=user
            ).first()
            if mine is not None:
                self.fields["my_score"].initial = mine.score
                self.fields["my_comment"].initial = mine.comment


class ScoreFieldPanel(FieldPanel):
    """A field shown only on submissions of forms with reviewer scores."""

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            return _scores_on(self.instance) and super().is_shown()


class SubmissionScoresPanel(Panel):
    """Every reviewer's score and comment, and their average (read only)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "kexie_forms/admin/submission_scores_panel.html"

        def is_shown(self):
            return _scores_on(self.instance)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(submission_scores(submission=self.instance))
            return context


class SubmissionEditView(generic.EditView):
    @cached_property
    def header_buttons(self):
        """转为需求 as the page's primary action on an accepted needs survey; once
        promoted, a link to the draft need instead (not hidden in the "…" menu);
        then the buttons other apps add (:data:`SUBMISSION_BUTTONS_HOOK`)."""
        buttons = list(super().header_buttons)
        submission = self.object
        for add_buttons in hooks.get_hooks(SUBMISSION_BUTTONS_HOOK):
            buttons.extend(add_buttons(submission, self.request.user))
        if not getattr(submission.page.specific, "is_needs_survey", False):
            return buttons
        promoted = submission_promoted_object(submission=submission)
        if promoted is not None:
            url = AdminURLFinder(self.request.user).get_edit_url(promoted)
            if url:
                buttons.append(
                    HeaderButton(
                        _("Open the draft need"), url=url, icon_name="doc-full"
                    )
                )
        elif submission.status == SubmissionStatus.ACCEPTED:
            buttons.append(
                HeaderButton(
                    _("Promote to needs library"),
                    url=reverse("kexie_forms_promote", args=[submission.pk]),
                    icon_name="upload",
                    classname="button-primary",
                )
            )
        return buttons

    def save_instance(self):
        instance = self.form.save(commit=False)
        score = self.form.cleaned_data.get("my_score")
        if score is not None and _scores_on(instance):
            submission_score_set(
                submission=instance,
                user=self.request.user,
                score=score,
                comment=self.form.cleaned_data.get("my_comment", ""),
            )
        return submission_review(
            submission=instance,
            user=self.request.user,
            status=instance.status,
            notes=instance.notes,
        )


class SubmissionDataPanel(Panel):
    """Read-only display of what was submitted, above the review fields."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "kexie_forms/admin/submission_data_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["rows"] = submission_rows(submission=self.instance)
            return context


class SubmissionViewSet(CountyScopedModelViewSet):
    """Review submissions: list, filter, export, inspect, review, delete.

    Scoped to a county-bound user's county in every view (``kexie_pages.base.scoping``).
    """

    model = FormSubmission
    icon = "form"
    menu_label = _("Submissions")
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "kexie-forms/submissions"
    name = "kexie_submissions"
    index_view_class = SubmissionIndexView
    edit_view_class = SubmissionEditView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    filterset_class = SubmissionFilterSet
    search_fields = ["receipt_number"]
    list_display = [
        "receipt_number",
        "page",
        "county",
        Column(
            "status",
            label=pgettext_lazy("submission", "Status"),
            accessor="get_status_display",
        ),
        "submit_time",
        "reviewer",
    ]
    list_export = [
        "receipt_number",
        "page",
        "county",
        "get_status_display",
        "submit_time",
        "reviewer",
        "notes",
        "export_data_summary",
        "export_attachment_links",
    ]
    export_headings = {"get_status_display": pgettext_lazy("submission", "Status")}
    export_filename = "submissions"
    inspect_view_fields = [
        "receipt_number",
        "page",
        "county",
        "status",
        "submit_time",
        "reviewer",
        "reviewed_at",
        "notes",
    ]
    edit_handler = ObjectList(
        [
            SubmissionDataPanel(heading=_("Submitted data")),
            SubmissionScoresPanel(heading=_("Scores")),
            ScoreFieldPanel("my_score"),
            ScoreFieldPanel("my_comment"),
            FieldPanel("status"),
            FieldPanel("notes"),
        ],
        base_form_class=SubmissionReviewForm,
    )


class UserCountyViewSet(ModelViewSet):
    """Bind staff users to counties (city administrators only)."""

    model = UserCounty
    icon = "group"
    menu_label = _("County staff bindings")
    add_to_settings_menu = True
    url_prefix = "kexie-forms/county-staff"
    name = "kexie_county_staff"
    list_display = ["user", "county"]
    form_fields = ["user", "county"]
    copy_view_enabled = False


class FormSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """Wagtail's per-form submissions list (报表 → 表单) and its CSV/XLSX export.

    Narrowed to the user's county, though county users are kept out of
    Wagtail's forms area altogether (``wagtail_hooks``); its exports hold what
    anonymous visitors typed, so they are formula-safe, in Beijing time, and
    the CSV has a BOM. ``FormPage.get_submissions_list_view_class`` returns it.
    """

    def get_base_queryset(self):
        return submissions_for_user(
            user=self.request.user, queryset=super().get_base_queryset()
        )
