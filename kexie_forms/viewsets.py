"""Admin review of submissions, scoped to the reviewer's county in every view."""

from typing import TYPE_CHECKING

import django_filters
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy

from kexie_pages.base.spreadsheets import formula_safe
from kexie_pages.models import County

from .models import FormPage, FormSubmission, SubmissionStatus, UserCounty
from .selectors import county_for_user, submission_rows, submissions_for_user
from .services import submission_review

if TYPE_CHECKING:
    # The mixins below go in front of Wagtail's generic views; as their base,
    # mypy takes super() and self.request from there (Wagtail has no types).
    from wagtail.admin.views.generic.base import BaseObjectMixin as _WagtailView
else:
    _WagtailView = object


class SubmissionPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the user's county; nobody adds by hand."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        county = county_for_user(user=user)
        if county is not None and instance.county_id != county.pk:
            return False
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_permission_for(self, user, action):
        return submissions_for_user(
            user=user,
            queryset=super().instances_user_has_permission_for(user, action),
        )


class CountyObjectMixin(_WagtailView):
    """A view of one submission answers 404 for another county's."""

    def get_base_object_queryset(self):
        return submissions_for_user(
            user=self.request.user, queryset=super().get_base_object_queryset()
        )

    def get_object(self, *args, **kwargs):
        # Some of Wagtail's views fetch the object straight from the model
        # (inspect, usage); check the county of whatever they found.
        obj = super().get_object(*args, **kwargs)
        county = county_for_user(user=self.request.user)
        if county is not None and obj.county_id != county.pk:
            raise Http404
        return obj


class CountyScopedMixin(CountyObjectMixin):
    """Every submission queryset a view reads goes through county scoping."""

    def get_base_queryset(self):
        return submissions_for_user(
            user=self.request.user, queryset=super().get_base_queryset()
        )

    def get_queryset(self):
        return submissions_for_user(
            user=self.request.user, queryset=super().get_queryset()
        )


def _county_choices(request):
    county = county_for_user(user=request.user) if request else None
    if county is not None:
        return County.objects.filter(pk=county.pk)
    return County.objects.all()


class SubmissionFilterSet(WagtailFilterSet):
    page = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("submission", "Form"), queryset=FormPage.objects.all()
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=_county_choices
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


class SubmissionIndexView(CountyScopedMixin, generic.IndexView):
    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        return {field: formula_safe(value) for field, value in row.items()}

    def preprocess_field_value(self, field, value, export_format):
        return formula_safe(super().preprocess_field_value(field, value, export_format))


class SubmissionEditView(CountyScopedMixin, generic.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if getattr(self.object.page.specific, "is_needs_survey", False):
            buttons.append(
                Button(
                    _("Promote to needs library"),
                    url=reverse("kexie_forms_promote", args=[self.object.pk]),
                    icon_name="upload",
                    priority=40,
                )
            )
        return buttons

    def save_instance(self):
        instance = self.form.save(commit=False)
        return submission_review(
            submission=instance,
            user=self.request.user,
            status=instance.status,
            notes=instance.notes,
        )


class SubmissionDeleteView(CountyScopedMixin, generic.DeleteView):
    pass


class SubmissionInspectView(CountyScopedMixin, generic.InspectView):
    pass


class SubmissionHistoryView(CountyObjectMixin, history.HistoryView):
    pass


class SubmissionUsageView(CountyObjectMixin, usage.UsageView):
    pass


class SubmissionDataPanel(Panel):
    """Read-only display of what was submitted, above the review fields."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "kexie_forms/admin/submission_data_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["rows"] = submission_rows(submission=self.instance)
            return context


class SubmissionViewSet(ModelViewSet):
    """Review submissions: list, filter, export, inspect, review, delete."""

    model = FormSubmission
    icon = "form"
    menu_label = _("Submissions")
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "kexie-forms/submissions"
    name = "kexie_submissions"
    index_view_class = SubmissionIndexView
    edit_view_class = SubmissionEditView
    delete_view_class = SubmissionDeleteView
    inspect_view_class = SubmissionInspectView
    history_view_class = SubmissionHistoryView
    usage_view_class = SubmissionUsageView
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
            FieldPanel("status"),
            FieldPanel("notes"),
        ]
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
