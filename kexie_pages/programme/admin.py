"""The programme in the Wagtail admin: agreements (with their status screen,
report link and private scans), key townships, brand activities, liaison
assignments and visits, and the technicians' phone page for logging a visit.

Every model is county scoped (``base.scoping``): a county-bound user sees and
changes only their county's records, in every list, form, chooser and URL.
Technicians' phones and household names are staff only; the scans and visit
photos live in private storage and leave only through the checked views here.
"""

import datetime
import mimetypes

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import FileExtensionValidator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.models import Site
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from ..base.scoping import (
    CountyScopedSnippetViewSet,
    county_scoped,
    register_county_scope,
)
from ..base.selectors import CountyScope
from ..documents import looks_like_markup
from .forms import VisitLogForm
from .models import (
    Agreement,
    AgreementScan,
    AgreementStatus,
    BrandActivity,
    KeyTownship,
    LiaisonAssignment,
    LiaisonHousehold,
    LiaisonVisit,
)
from .selectors import (
    liaison_assignment_is_stale,
    liaison_assignments_annotated,
    liaison_stale_days,
    liaison_stale_q,
)
from .services import (
    AgreementError,
    agreement_allowed_statuses,
    agreement_report_create,
    agreement_report_link_renew,
    agreement_set_status,
    liaison_visit_log,
)

register_county_scope(Agreement, CountyScope("county"))
register_county_scope(AgreementScan, CountyScope("agreement__county"))
register_county_scope(KeyTownship, CountyScope("county"))
register_county_scope(BrandActivity, CountyScope("county"))
register_county_scope(LiaisonAssignment, CountyScope("county"))
register_county_scope(LiaisonVisit, CountyScope("assignment__county"))

SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


def report_link(request, agreement: Agreement) -> str:
    """The responsible expert's report link, absolute on the site's real host."""
    site = (
        Site.find_for_request(request)
        or Site.objects.filter(is_default_site=True).first()
    )
    root = site.root_url if site else request.build_absolute_uri("/").rstrip("/")
    return root + reverse("kexie_agreement_report", args=[agreement.report_token])


# Agreements ----------------------------------------------------------------


class ManageColumn(Column):
    """A link to the agreement's status screen in the list."""

    def get_value(self, instance):
        url = reverse(
            "wagtailsnippets_kexie_pages_agreement:manage", args=[instance.pk]
        )
        return format_html('<a href="{}">{}</a>', url, _("Status and reports"))


class AgreementForm(WagtailAdminModelForm):
    """An agreement's form: the needs offered are its county's (and those it has).

    A city has thousands of needs; once the agreement's county is known (on
    edit), listing the other counties' needs only makes the choice harder.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("needs")
        if field is not None and self.instance.county_id:
            linked = self.instance.needs.values("pk") if self.instance.pk else []
            field.queryset = field.queryset.filter(
                Q(county_id=self.instance.county_id) | Q(pk__in=linked)
            ).select_related("county")


class AgreementViewSet(CountyScopedSnippetViewSet):
    model = Agreement
    icon = "doc-full"
    menu_label = gettext_lazy("Agreements")
    list_display = [
        TitleColumn(
            "title",
            label=pgettext_lazy("agreement", "title"),
            url_name="wagtailsnippets_kexie_pages_agreement:edit",
        ),
        "county",
        "kind",
        "status",
        "signed_on",
        "responsible_expert",
        ManageColumn("manage", label=gettext_lazy("Follow-up")),
    ]
    list_filter = ["county", "kind", "status"]
    search_fields = ["title", "township", "village", "partner_name"]
    list_per_page = 50
    ordering = ["-signed_on", "-id"]
    edit_handler = ObjectList(Agreement.panels, base_form_class=AgreementForm)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("manage/<int:pk>/", self.manage_view, name="manage"),
        ]

    def manage_view(self, request, pk: int):
        """Status (legal moves only), history, report link, staff reports, scans."""
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        agreement = get_object_or_404(
            county_scoped(
                user=request.user,
                queryset=Agreement.objects.select_related(
                    "county", "responsible_expert"
                ),
            ),
            pk=pk,
        )
        url = reverse("wagtailsnippets_kexie_pages_agreement:manage", args=[pk])
        if request.method == "POST":
            try:
                message = _manage_action(request, agreement)
            except AgreementError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, message)
            return redirect(url)
        return TemplateResponse(
            request,
            "kexie_pages/admin/agreement_manage.html",
            {
                "agreement": agreement,
                "next_statuses": [
                    (status, AgreementStatus(status).label)
                    for status in agreement_allowed_statuses(agreement=agreement)
                ],
                "history": agreement.status_changes.select_related("changed_by"),
                "reports": agreement.progress_reports.all(),
                "scans": agreement.scans.all(),
                "needs": agreement.needs.all(),
                "report_link": report_link(request, agreement),
                "today": timezone.localdate(),
                "post_url": url,
                "edit_url": reverse(
                    "wagtailsnippets_kexie_pages_agreement:edit", args=[pk]
                ),
                "add_scan_url": reverse(
                    "wagtailsnippets_kexie_pages_agreementscan:add"
                ),
            },
        )


def _manage_action(request, agreement: Agreement) -> str:
    """Carry out one button of the status screen; returns the message to show."""
    action = request.POST.get("action", "")
    if action == "status":
        agreement_set_status(
            agreement=agreement,
            status=request.POST.get("status", ""),
            user=request.user,
            note=request.POST.get("note", ""),
        )
        return _("Status changed.")
    if action == "report":
        text = request.POST.get("text", "").strip()
        if not text:
            raise AgreementError(_("Please describe the progress."))
        try:
            reported_on = datetime.date.fromisoformat(
                request.POST.get("reported_on", "")
            )
        except ValueError:
            reported_on = timezone.localdate()
        agreement_report_create(
            agreement=agreement, text=text, reported_on=reported_on, user=request.user
        )
        return _("Progress report saved.")
    if action == "renew-link":
        agreement_report_link_renew(agreement=agreement)
        return _("A new report link was made; the old one no longer works.")
    raise AgreementError(_("Unknown action."))


class AgreementScanForm(WagtailAdminModelForm):
    """A scan upload: PDF or a photo, never a web page in disguise; no public link shown."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not file or "file" not in self.changed_data:
            return file
        FileExtensionValidator(SCAN_EXTENSIONS)(file)
        file.seek(0)
        head = file.read(512)
        file.seek(0)
        if looks_like_markup(head):
            raise ValidationError(_("Web pages and SVG images cannot be uploaded."))
        return file

    def save(self, commit=True):
        if self.instance.uploaded_by_id is None and self.for_user is not None:
            self.instance.uploaded_by = self.for_user
        return super().save(commit=commit)


class DownloadColumn(Column):
    def get_value(self, instance):
        url = reverse(
            "wagtailsnippets_kexie_pages_agreementscan:download", args=[instance.pk]
        )
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class AgreementScanViewSet(CountyScopedSnippetViewSet):
    model = AgreementScan
    icon = "doc-empty"
    menu_label = gettext_lazy("Signed agreement scans")
    list_display = [
        TitleColumn(
            "title",
            label=pgettext_lazy("agreement scan", "title"),
            url_name="wagtailsnippets_kexie_pages_agreementscan:edit",
        ),
        "agreement",
        "uploaded_at",
        DownloadColumn("download", label=pgettext_lazy("agreement scan", "File")),
    ]
    list_filter = ["agreement__county"]
    search_fields = ["title"]
    ordering = ["-uploaded_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("agreement"),
            FieldPanel("title"),
            # The default widget links to the current file, which has no public URL.
            FieldPanel(
                "file", widget=forms.FileInput(attrs={"accept": ".pdf,image/*"})
            ),
        ],
        base_form_class=AgreementScanForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("download/<int:pk>/", self.download_view, name="download"),
        ]

    def download_view(self, request, pk: int):
        """The scan itself, to staff allowed to see it (the URL is county guarded)."""
        if not self.permission_policy.user_has_any_permission(
            request.user, ["view", "change"]
        ):
            raise PermissionDenied
        scan = get_object_or_404(
            county_scoped(user=request.user, queryset=AgreementScan.objects.all()),
            pk=pk,
        )
        try:
            handle = scan.file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        name = scan.file.name.rsplit("/", 1)[-1]
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=name,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class KeyTownshipViewSet(CountyScopedSnippetViewSet):
    model = KeyTownship
    icon = "site"
    menu_label = gettext_lazy("Key townships")
    list_display = [
        TitleColumn(
            "township",
            label=gettext_lazy("township"),
            url_name="wagtailsnippets_kexie_pages_keytownship:edit",
        ),
        "county",
        "year",
    ]
    list_filter = ["county", "year"]
    search_fields = ["township"]


class BrandActivityViewSet(CountyScopedSnippetViewSet):
    model = BrandActivity
    icon = "pick"
    menu_label = gettext_lazy("Brand activities")
    list_display = [
        TitleColumn(
            "title",
            label=pgettext_lazy("brand activity", "title"),
            url_name="wagtailsnippets_kexie_pages_brandactivity:edit",
        ),
        "county",
        "year",
        "key_township",
    ]
    list_filter = ["county", "year"]
    search_fields = ["title"]


# Liaison -------------------------------------------------------------------


class LastVisitColumn(Column):
    """The village's latest visit, flagged when it is too long ago."""

    def get_value(self, instance):
        last = getattr(instance, "last_visit_on", None)
        text = last.isoformat() if last else _("never visited")
        if instance.is_active and liaison_assignment_is_stale(last_visit_on=last):
            return format_html(
                '<span class="w-status w-status--label" title="{}">⚠ {}</span>',
                _("No visit in %(days)s days") % {"days": liaison_stale_days()},
                text,
            )
        return text


class LiaisonAssignmentFilterSet(WagtailFilterSet):
    """Filters of the liaison list, with "no visit in N days"."""

    stale = django_filters.BooleanFilter(
        label=gettext_lazy("No recent visit"), method="filter_stale"
    )

    class Meta:
        model = LiaisonAssignment
        fields = ["county", "is_active"]

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        queryset = liaison_assignments_annotated(queryset)
        if value:
            return queryset.filter(liaison_stale_q(), is_active=True)
        return queryset.exclude(liaison_stale_q())


class LiaisonAssignmentViewSet(CountyScopedSnippetViewSet):
    model = LiaisonAssignment
    icon = "user"
    menu_label = gettext_lazy("Liaison technicians")
    list_display = [
        TitleColumn(
            "village",
            label=gettext_lazy("village"),
            url_name="wagtailsnippets_kexie_pages_liaisonassignment:edit",
        ),
        "county",
        "township",
        Column("technician", label=gettext_lazy("Technician")),
        LastVisitColumn("last_visit_on", label=gettext_lazy("Last visit")),
        BooleanColumn("is_active", label=pgettext_lazy("liaison assignment", "active")),
    ]
    filterset_class = LiaisonAssignmentFilterSet
    search_fields = ["village", "township", "technician_name"]
    ordering = ["county__sort_order", "township", "village"]

    def get_queryset(self, request):
        return liaison_assignments_annotated(
            LiaisonAssignment.objects.select_related("county", "expert")
        )


class LiaisonVisitForm(WagtailAdminModelForm):
    """A visit in the admin: its household is one of the visit's village's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("household")
        if field is not None:
            # Household names are county scoped: offer only this village's.
            field.queryset = (
                LiaisonHousehold.objects.filter(
                    assignment_id=self.instance.assignment_id
                )
                if self.instance.assignment_id
                else LiaisonHousehold.objects.none()
            )


class VisitPhotosColumn(Column):
    def get_value(self, instance):
        count = len(instance.photos.all())
        if not count:
            return ""
        url = reverse(
            "wagtailsnippets_kexie_pages_liaisonvisit:photo", args=[instance.pk]
        )
        return format_html('<a href="{}">📷 {}</a>', url, count)


class LiaisonVisitViewSet(CountyScopedSnippetViewSet):
    model = LiaisonVisit
    icon = "date"
    menu_label = gettext_lazy("Visits")
    list_display = [
        TitleColumn(
            "assignment",
            label=gettext_lazy("village"),
            url_name="wagtailsnippets_kexie_pages_liaisonvisit:edit",
        ),
        "visited_on",
        "work_done",
        "created_by",
        VisitPhotosColumn("photos", label=gettext_lazy("Photos")),
    ]
    list_filter = ["assignment__county", "visited_on"]
    search_fields = ["work_done", "problems_solved"]
    ordering = ["-visited_on", "-id"]
    edit_handler = ObjectList(LiaisonVisit.panels, base_form_class=LiaisonVisitForm)

    def get_queryset(self, request):
        return LiaisonVisit.objects.select_related(
            "assignment__county", "assignment__expert", "created_by"
        ).prefetch_related("photos")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("log/", self.log_view, name="log"),
            path("photo/<int:pk>/", self.photo_view, name="photo"),
        ]

    def log_view(self, request):
        """The technicians' phone page: a visit in a few taps (360 px, no admin chrome)."""
        if not self.permission_policy.user_has_permission(request.user, "add"):
            raise PermissionDenied
        assignments = (
            county_scoped(
                user=request.user,
                queryset=LiaisonAssignment.objects.filter(is_active=True),
            )
            .select_related("county")
            # The technician's own villages first.
            .annotate(
                mine=Case(
                    When(user=request.user, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("mine", "county__sort_order", "township", "village")
        )
        url = reverse("wagtailsnippets_kexie_pages_liaisonvisit:log")
        if request.method == "POST":
            form = VisitLogForm(request.POST, request.FILES, assignments=assignments)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    visit = liaison_visit_log(
                        assignment=data["assignment"],
                        visited_on=data["visited_on"],
                        household=data.get("household"),
                        work_done=data["work_done"],
                        problems_solved=data.get("problems_solved", ""),
                        photos=data.get("photos") or [],
                        user=request.user,
                    )
                except AgreementError as error:
                    form.add_error(None, str(error))
                else:
                    return redirect(f"{url}?done={visit.pk}")
            status = 400
        else:
            initial = {}
            village = request.GET.get("village", "")
            if village.isdigit():
                initial["assignment"] = village
            form = VisitLogForm(initial=initial, assignments=assignments)
            status = 200
        done = None
        if request.GET.get("done", "").isdigit():
            done = (
                county_scoped(user=request.user, queryset=LiaisonVisit.objects.all())
                .filter(pk=request.GET["done"], created_by=request.user)
                .select_related("assignment__county")
                .first()
            )
        return TemplateResponse(
            request,
            "kexie_pages/admin/liaison_visit_log.html",
            {
                "form": form,
                "done": done,
                "has_villages": assignments.exists(),
                "list_url": reverse("wagtailsnippets_kexie_pages_liaisonvisit:list"),
            },
            status=status,
        )

    def photo_view(self, request, pk: int):
        """A visit's photo (``?n=`` its position), to staff who may see the visit."""
        if not self.permission_policy.user_has_any_permission(
            request.user, ["view", "change"]
        ):
            raise PermissionDenied
        visit = get_object_or_404(
            county_scoped(user=request.user, queryset=LiaisonVisit.objects.all()), pk=pk
        )
        photos = list(visit.photos.all())
        number = request.GET.get("n", "0")
        index = int(number) if number.isdigit() else 0
        if index >= len(photos):
            raise Http404
        try:
            handle = photos[index].image.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        name = photos[index].image.name
        response = FileResponse(
            handle, content_type=mimetypes.guess_type(name)[0] or "image/jpeg"
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ProgrammeViewSetGroup(SnippetViewSetGroup):
    items = (
        AgreementViewSet,
        AgreementScanViewSet,
        KeyTownshipViewSet,
        BrandActivityViewSet,
        LiaisonAssignmentViewSet,
        LiaisonVisitViewSet,
    )
    menu_icon = "tasks"
    menu_label = gettext_lazy("Programme follow-up")
    menu_name = "programme"


register_snippet(ProgrammeViewSetGroup)


class VisitLogMenuItem(MenuItem):
    """ "Log a visit" in the admin menu, for those who may log one (technicians)."""

    def is_shown(self, request):
        return request.user.has_perm("kexie_pages.add_liaisonvisit")


@hooks.register("register_admin_menu_item")
def register_visit_log_menu_item() -> MenuItem:
    """The technicians' phone page, one tap from the admin menu."""
    return VisitLogMenuItem(
        gettext_lazy("Log a visit"),
        reverse("wagtailsnippets_kexie_pages_liaisonvisit:log"),
        icon_name="date",
        order=250,
    )
