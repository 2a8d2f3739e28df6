"""Admin registration: the review viewset, county bindings, downloads, counts."""

import datetime

from django.db.models import Sum
from django.urls import path
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy

from kexie_pages.base.scoping import register_county_scope

from . import views
from .models import FormSubmission, RejectionCount, RejectionReason, UserCounty
from .selectors import SUBMISSION_SCOPE, user_is_county_bound
from .viewsets import (
    SubmissionPermissionPolicy,
    SubmissionViewSet,
    UserCountyPermissionPolicy,
    UserCountyViewSet,
)

register_county_scope(
    FormSubmission, SUBMISSION_SCOPE, policy_class=SubmissionPermissionPolicy
)
register_permission_policy(UserCounty, UserCountyPermissionPolicy(UserCounty))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [SubmissionViewSet(), UserCountyViewSet()]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "kexie-forms/attachments/<uuid:key>/",
            views.attachment_download,
            name="kexie_forms_attachment",
        ),
        path(
            "kexie-forms/submissions/<int:pk>/promote/",
            views.submission_promote_view,
            name="kexie_forms_promote",
        ),
    ]


@hooks.register("filter_form_submissions_for_user")
def hide_builtin_submissions_from_county_staff(user, editable_forms):
    """County staff review in our scoped viewset, not Wagtail's per-form lists.

    Wagtail's delete-submissions view cannot be narrowed to a county, so the
    built-in forms area shows county-bound users no forms at all.
    """
    if user_is_county_bound(user=user):
        return editable_forms.none()
    return editable_forms


class RejectionsPanel(Component):
    """Dashboard panel: submissions refused in the last 30 days, by reason."""

    name = "kexie_forms_rejections"
    order = 250
    template_name = "kexie_forms/admin/rejections_panel.html"

    def get_context_data(self, parent_context=None):
        since = timezone.localdate() - datetime.timedelta(days=30)
        rows = (
            RejectionCount.objects.filter(day__gte=since)
            .values("reason")
            .annotate(total=Sum("count"))
            .order_by("-total")
        )
        labels = dict(RejectionReason.choices)
        return {
            "rows": [(labels.get(r["reason"], r["reason"]), r["total"]) for r in rows]
        }


@hooks.register("construct_homepage_panels")
def add_rejections_panel(request, panels):
    if request.user.has_perm("kexie_forms.view_formsubmission") or (
        request.user.has_perm("kexie_forms.change_formsubmission")
    ):
        panels.append(RejectionsPanel())
