"""Admin of recognition (表彰与奖励): awards rounds and awards (scoped to the
nominating county), honour rolls with their certificates, year-end summaries;
and the "decide the award" button on a nomination's review screen."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from ..base.scoping import (
    CountyScopedModelViewSet,
    county_guarded_urls,
    register_county_scope,
)
from ..base.selectors import CountyScope
from ..base.spreadsheets import SafeSpreadsheetExportMixin, content_disposition
from .certificates import certificate_pdf, certificates_zip
from .models import (
    Award,
    AwardRound,
    HonourCategory,
    HonourEntry,
    HonourRoll,
    YearSummary,
)
from .report import summary_pdf, summary_xlsx
from .selectors import (
    award_score_average,
    certificates_of_year,
    entries_attach_recognitions,
    summary_report,
)
from .services import (
    AwardUnavailable,
    award_decision_record,
    award_from_submission,
    award_round_for_submission,
    certificate_numbers_assign,
)

#: Awards belong to the county that nominated; one without is the city's.
AWARD_SCOPE = CountyScope("county")
register_county_scope(Award, AWARD_SCOPE)
#: A county's summary is its staff's; the city's (no county) is the city's.
SUMMARY_SCOPE = CountyScope("county")
register_county_scope(YearSummary, SUMMARY_SCOPE)


class AwardRoundViewSet(ModelViewSet):
    """The yearly calls: which form takes the nominations, and whether published."""

    model = AwardRound
    icon = "pick"
    menu_label = _("Awards rounds")
    url_prefix = "recognition/rounds"
    name = "kexie_award_rounds"
    list_display = ["title", "year", "form_page", "is_published"]
    copy_view_enabled = False
    add_to_reference_index = False


class AwardScorePanel(Panel):
    """The reviewers' average score of the nomination, with a link to it."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "kexie_pages/admin/award_score_panel.html"

        def is_shown(self):
            return bool(self.instance.pk and self.instance.submission_id)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["average"] = award_score_average(award=self.instance)
            context["count"] = self.instance.submission.scores.count()
            context["submission_url"] = reverse(
                "kexie_submissions:edit", args=[self.instance.submission_id]
            )
            return context


class AwardEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        return award_decision_record(award=instance, user=self.request.user)


class AwardCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        return award_decision_record(award=instance, user=self.request.user)


class AwardIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """The awards list; its exports are formula-safe, in Beijing time."""


class AwardViewSet(CountyScopedModelViewSet):
    """Nominations' outcomes: decision and amount, scoped to the nominating county."""

    model = Award
    icon = "success"
    menu_label = _("Awards")
    url_prefix = "recognition/awards"
    name = "kexie_awards"
    index_view_class = AwardIndexView
    edit_view_class = AwardEditView
    add_view_class = AwardCreateView
    copy_view_enabled = False
    inspect_view_enabled = True
    add_to_reference_index = False
    list_filter = ["round", "decision", "county"]
    list_display = [
        Column("nominee", label=_("Nominee"), accessor="nominee"),
        "round",
        "county",
        Column(
            "decision",
            label=_("decision"),
            accessor="get_decision_display",
        ),
        "amount",
    ]
    list_export = [
        "round",
        "nominee",
        "county",
        "households_helped",
        "income_raised",
        "get_decision_display",
        "amount",
        "citation",
    ]
    export_headings = {
        "nominee": _("Nominee"),
        "get_decision_display": _("decision"),
    }
    export_filename = "awards"
    edit_handler = ObjectList(
        [AwardScorePanel(heading=_("Reviewers' scores")), *Award.panels]
    )


class HonourRollEditView(generic.EditView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton(
                _("Download certificates (ZIP)"),
                url=reverse("kexie_honour_rolls:certificates", args=[self.object.pk]),
                icon_name="download",
            )
        )
        return buttons

    def save_instance(self):
        instance = super().save_instance()
        certificate_numbers_assign(roll=instance)
        return instance


class HonourRollCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        certificate_numbers_assign(roll=instance)
        return instance


class HonourRollViewSet(ModelViewSet):
    """Honour rolls per year; certificates of the experts, one PDF or a year's ZIP."""

    model = HonourRoll
    icon = "trophy"
    menu_label = _("Honour rolls")
    url_prefix = "recognition/honours"
    name = "kexie_honour_rolls"
    edit_view_class = HonourRollEditView
    add_view_class = HonourRollCreateView
    list_display = ["title", "year", "issued_on", "is_published"]
    copy_view_enabled = False
    add_to_reference_index = False

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "certificates/<int:pk>/",
                self.certificates_view,
                name="certificates",
            ),
            path(
                "certificate/<int:entry_pk>/",
                self.certificate_view,
                name="certificate",
            ),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not self.permission_policy.user_has_any_permission(
            request.user, ["change", "view"]
        ):
            raise PermissionDenied

    def certificates_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Every certificate of a roll's year in one ZIP."""
        self._check(request)
        roll = get_object_or_404(HonourRoll, pk=pk)
        response = HttpResponse(
            certificates_zip(entries=certificates_of_year(year=roll.year)),
            content_type="application/zip",
        )
        response["Content-Disposition"] = content_disposition(
            f"{roll.title}.zip", fallback=f"certificates-{roll.year}.zip"
        )
        return response

    def certificate_view(self, request: HttpRequest, entry_pk: int) -> HttpResponse:
        """One expert's certificate as PDF."""
        self._check(request)
        entry = get_object_or_404(
            HonourEntry.objects.select_related("roll", "expert").exclude(
                certificate_number=""
            ),
            pk=entry_pk,
            category=HonourCategory.EXPERT,
        )
        response = HttpResponse(
            certificate_pdf(entry=entry), content_type="application/pdf"
        )
        response["Content-Disposition"] = content_disposition(
            f"{entry.certificate_number}-{entry.display_name}.pdf",
            fallback=f"{entry.certificate_number}.pdf",
            inline=True,
        )
        return response


class YearSummaryEditView(generic.EditView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        for fmt, label, icon in (
            ("pdf", _("Generate PDF"), "doc-full"),
            ("xlsx", _("Generate XLSX"), "table"),
        ):
            buttons.append(
                HeaderButton(
                    label,
                    url=reverse(
                        "kexie_year_summaries:report", args=[self.object.pk, fmt]
                    ),
                    icon_name=icon,
                )
            )
        return buttons


class YearSummaryViewSet(CountyScopedModelViewSet):
    """Year-end summaries: staff's paragraphs and highlights; the report generated
    from the data on demand. County staff write and generate their county's only."""

    model = YearSummary
    icon = "doc-full-inverse"
    menu_label = _("Year-end summaries")
    url_prefix = "recognition/summaries"
    name = "kexie_year_summaries"
    edit_view_class = YearSummaryEditView
    list_display = ["title", "year", "county", "updated_at"]
    list_filter = ["year", "county"]
    copy_view_enabled = False
    add_to_reference_index = False

    def get_urlpatterns(self):
        # The scope's 404 guards the viewset's own URLs; this one is added here.
        return super().get_urlpatterns() + county_guarded_urls(
            [path("report/<int:pk>/<str:fmt>/", self.report_view, name="report")],
            model=YearSummary,
        )

    def report_view(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        """Generate the summary's PDF or XLSX from today's data."""
        summary = get_object_or_404(YearSummary, pk=pk)
        if fmt not in ("pdf", "xlsx") or not (
            self.permission_policy.user_has_permission_for_instance(
                request.user, "view", summary
            )
            or self.permission_policy.user_has_permission_for_instance(
                request.user, "change", summary
            )
        ):
            raise PermissionDenied
        report = summary_report(summary=summary)
        if fmt == "pdf":
            content, content_type = summary_pdf(report), "application/pdf"
        else:
            content = summary_xlsx(report)
            content_type = (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition(
            f"{summary.title}.{fmt}", fallback=f"summary-{summary.year}.{fmt}"
        )
        return response


class RecognitionViewSetGroup(ViewSetGroup):
    items = (AwardRoundViewSet, AwardViewSet, HonourRollViewSet, YearSummaryViewSet)
    menu_icon = "trophy"
    menu_label = _("Recognition")
    menu_order = 260


@hooks.register("register_admin_viewset")
def register_viewsets():
    return RecognitionViewSetGroup()


@hooks.register("kexie_directory_entries")
def directory_entries_recognitions(*, directory: str, entries) -> None:
    """Think-tank listings and the directories API show each entry's awards and honours."""
    entries_attach_recognitions(directory=directory, entries=entries)


@hooks.register("kexie_forms_submission_header_buttons")
def award_button(submission, user) -> list[HeaderButton]:
    """On a nomination's review screen: open (or make) its award record."""
    if award_round_for_submission(submission=submission) is None:
        return []
    if not user.has_perm("kexie_pages.change_award") and not user.has_perm(
        "kexie_pages.add_award"
    ):
        return []
    return [
        HeaderButton(
            _("Decide the award"),
            url=reverse("kexie_award_from_submission", args=[submission.pk]),
            icon_name="success",
        )
    ]


def award_from_submission_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Make (once) the award record of a nomination and open it for the decision."""
    from kexie_forms.selectors import submissions_for_user

    if not request.user.has_perm("kexie_pages.add_award"):
        raise PermissionDenied
    submission = get_object_or_404(submissions_for_user(user=request.user), pk=pk)
    try:
        award = award_from_submission(submission=submission)
    except AwardUnavailable:
        return redirect("kexie_submissions:edit", submission.pk)
    return redirect("kexie_awards:edit", award.pk)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "recognition/nominations/<int:pk>/award/",
            award_from_submission_view,
            name="kexie_award_from_submission",
        ),
    ]
