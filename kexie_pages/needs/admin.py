"""The needs library in the Wagtail admin.

Needs are snippets (drafts, revisions, locking, moderation workflow, preview)
with a matching screen per need: its enquiries (accept → 对接中), its status,
and ranked suggestions of experts and achievements with their reasons,
confirmed in one click. Enquiries have their own list. ``wagtail_hooks``
registers the group and the dashboard panel.

A county-bound user sees only their county's needs and the enquiries about
them, everywhere (lists, exports, choosers, the matching screen, the
dashboard): see ``base.scoping``. The matching suggestions still come from the
whole think tank, by name and employer only: any expert may help any county.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, TitleColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup, WorkflowPreviewView

from kexie_forms.exceptions import PromotionUnavailable

from ..base.scoping import (
    CountyScopedSnippetViewSet,
    county_scoped,
    register_county_scope,
)
from ..base.selectors import CountyScope, county_for_user
from ..directories.models import Achievement, Expert
from .matching import need_keywords, need_match_suggestions
from .models import Enquiry, EnquiryStatus, Need, NeedStatus
from .selectors import needs_statistics
from .services import (
    NeedsError,
    enquiry_accept,
    enquiry_decline,
    need_confirm_match,
    need_from_submission,
    need_remove_match,
    need_set_status,
)


class MatchingColumn(Column):
    """A link to the need's matching screen in the list."""

    def get_value(self, instance):
        url = reverse("wagtailsnippets_kexie_pages_need:matching", args=[instance.pk])
        return format_html('<a href="{}">{}</a>', url, _("Match"))


register_county_scope(Need, CountyScope("county"))
register_county_scope(Enquiry, CountyScope("need__county"))


class NeedWorkflowPreviewView(WorkflowPreviewView):
    """The moderation preview of a need, without the revision mark on the request.

    Wagtail marks the preview request with the need's revision id; the need's
    page template shows the user bar for the needs library page it sits
    under, which then looks that id up as a *page* revision (a 500).
    """

    def get(self, request, *args, **kwargs):
        if self.task_state is None or not self.task.get_actions(
            self.object, request.user
        ):
            return super().get(request, *args, **kwargs)  # Wagtail's refusal
        need = self.task_state.revision.as_object()
        return need.make_preview_request(request, need.default_preview_mode)


class NeedViewSet(CountyScopedSnippetViewSet):
    model = Need
    icon = "help"
    menu_label = gettext_lazy("Technical needs")
    list_display = [
        TitleColumn(
            "title",
            label=pgettext_lazy("need", "title"),
            url_name="wagtailsnippets_kexie_pages_need:edit",
        ),
        "county",
        "category",
        "status",
        "households",
        "reported_on",
        LiveStatusTagColumn(label=pgettext_lazy("need", "Published")),
        MatchingColumn("matching", label=gettext_lazy("Matching")),
    ]
    list_filter = ["county", "category", "status", "urgency", "live"]
    # No ``search_fields``: naming fields makes Wagtail restrict the index
    # query to those columns, which the SQLite FTS table lacks (a 500 on
    # every search); the Chinese index already covers title, problem,
    # village and township.
    list_per_page = 50
    workflow_preview_view_class = NeedWorkflowPreviewView
    ordering = ["-reported_on", "-id"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("matching/<int:pk>/", self.matching_view, name="matching"),
        ]

    def matching_view(self, request, pk: int):
        # The URL is county-guarded (another county's need is a 404 before
        # this runs); the lookup is scoped as well, for any other caller.
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        need: Need = get_object_or_404(
            county_scoped(
                user=request.user,
                queryset=Need.objects.select_related("county", "category"),
            ),
            pk=pk,
        )
        url = reverse("wagtailsnippets_kexie_pages_need:matching", args=[pk])
        if request.method == "POST":
            try:
                message = _matching_action(request, need)
            except NeedsError as error:
                messages.error(request, str(error))
            else:
                if message:
                    messages.success(request, message)
            return redirect(url)
        experts, achievements = need_match_suggestions(need=need)
        return TemplateResponse(
            request,
            "kexie_pages/admin/need_matching.html",
            {
                "need": need,
                "keywords": need_keywords(need=need),
                "expert_suggestions": experts,
                "achievement_suggestions": achievements,
                "matches": need.matches.select_related("expert", "achievement"),
                "enquiries": need.enquiries.all(),
                "history": need.status_changes.select_related("changed_by"),
                "statuses": NeedStatus.choices,
                "action_url": url,
                "edit_url": reverse("wagtailsnippets_kexie_pages_need:edit", args=[pk]),
                "public_url": need.get_url(request) if need.live else None,
            },
        )


def _matching_action(request, need: Need) -> str:
    """Carry out one button of the matching screen; returns the message to show."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "match-expert":
        expert = get_object_or_404(Expert, pk=request.POST.get("target"))
        need_confirm_match(
            need=need, expert=expert, reason=request.POST.get("reason", ""), user=user
        )
        return _("%(name)s matched.") % {"name": expert.name}
    if action == "match-achievement":
        achievement = get_object_or_404(Achievement, pk=request.POST.get("target"))
        need_confirm_match(
            need=need,
            achievement=achievement,
            reason=request.POST.get("reason", ""),
            user=user,
        )
        return _("%(name)s matched.") % {"name": achievement.title}
    if action == "unmatch":
        match = get_object_or_404(need.matches, pk=request.POST.get("target"))
        need_remove_match(match=match)
        return _("Match removed.")
    if action in ("accept", "decline"):
        enquiry = get_object_or_404(need.enquiries, pk=request.POST.get("target"))
        if action == "accept":
            enquiry_accept(enquiry=enquiry, user=user)
            return _("Enquiry accepted: the need is in talks.")
        enquiry_decline(enquiry=enquiry, user=user)
        return _("Enquiry declined.")
    if action == "status":
        need_set_status(
            need=need,
            status=request.POST.get("status", ""),
            user=user,
            note=request.POST.get("note", ""),
        )
        return _("Status changed.")
    raise NeedsError(_("Unknown action."))


class EnquiryNeedColumn(Column):
    def get_value(self, instance):
        url = reverse(
            "wagtailsnippets_kexie_pages_need:matching", args=[instance.need_id]
        )
        return format_html('<a href="{}">{}</a>', url, instance.need)


class EnquiryViewSet(CountyScopedSnippetViewSet):
    model = Enquiry
    icon = "mail"
    menu_label = gettext_lazy("Enquiries")
    list_display = [
        TitleColumn(
            "organisation",
            label=gettext_lazy("society, company or unit"),
            url_name="wagtailsnippets_kexie_pages_enquiry:edit",
        ),
        "kind",
        "name",
        EnquiryNeedColumn("need", label=gettext_lazy("need")),
        "status",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["organisation", "name", "message"]
    ordering = ["-created_at"]
    add_to_admin_menu = False


class NeedsViewSetGroup(SnippetViewSetGroup):
    items = (NeedViewSet, EnquiryViewSet)
    menu_icon = "help"
    menu_label = gettext_lazy("Needs library")
    menu_name = "needs"


class NeedsDashboardPanel(Component):
    """Needs per county × status and per industry on the admin dashboard."""

    name = "kexie_needs_statistics"
    order = 150
    template_name = "kexie_pages/admin/needs_dashboard_panel.html"

    def __init__(self, user) -> None:
        self.user = user

    def get_context_data(self, parent_context=None) -> dict:
        enquiries = county_scoped(user=self.user, queryset=Enquiry.objects.all())
        return {
            "stats": needs_statistics(county=county_for_user(user=self.user)),
            "new_enquiries": enquiries.filter(status=EnquiryStatus.NEW).count(),
            "needs_url": reverse("wagtailsnippets_kexie_pages_need:list"),
            "enquiries_url": reverse("wagtailsnippets_kexie_pages_enquiry:list"),
        }


register_snippet(NeedsViewSetGroup)


@hooks.register("construct_homepage_panels")
def add_needs_panel(request, panels) -> None:
    """The needs statistics on the dashboard, for staff who may edit needs."""
    if request.user.has_perm("kexie_pages.change_need"):
        panels.append(NeedsDashboardPanel(request.user))


@hooks.register("kexie_forms_promote_submission")
def promote_submission_to_need(submission, data: dict, user):
    """kexie_forms' promote hook: an accepted needs survey becomes a draft need."""
    try:
        return need_from_submission(
            data=data,
            county=submission.county,
            reported_on=timezone.localtime(submission.submit_time).date(),
            source=submission.receipt_number,
        )
    except ValidationError as error:
        raise PromotionUnavailable(" ".join(error.messages)) from error
