"""The think-tank directories in the Wagtail admin (wagtail-modeladmin).

One menu group, 智库, with a list for each directory: Chinese search, filters
by county, industry category and public flag, inspect views, export of the
filtered list, and the import flow: upload, which starts a check job (a
``DirectoryImportJob`` of kind ``check``, a django-tasks task, see
``directories.jobs``) whose page reloads itself while the rows are checked
and then shows the dry-run preview of every row → confirm, which starts the
import job whose page shows its progress and then its result. Reading and
checking 100,000 rows takes minutes: inside the request, gunicorn's 30 s
timeout would kill it.
``wagtail_hooks`` registers the group.

County scope (``base.scoping``): the think tank is the city's, but its entries
carry phones and e-mails, so a county-bound user sees the associations,
demonstration bases and tech-leaders of their county, and the experts and
achievements that serve their county or the whole city (none named). They
change only entries that are theirs alone; an expert shared with other
counties is read-only to them. Importing writes across the city by natural
key, so it is city staff's (county users may still download the blank
template, which holds only the taxonomy).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.admin.decorators import display
from django.contrib.admin.filters import RelatedFieldListFilter
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import re_path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views import View
from wagtail.admin.auth import require_admin_access
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.helpers.search import BaseSearchHandler
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView, EditView, IndexView

from ..base.models import County
from ..base.scoping import (
    COUNTY_SCOPES,
    county_fields_narrow,
    county_guarded_urls,
    county_scoped,
    register_county_scope,
)
from ..base.selectors import CountyScope, county_for_user
from ..base.spreadsheets import content_disposition
from . import choosers  # noqa: F401  (registers the directories' choosers)
from .exports import directory_export, directory_template, failed_rows_workbook
from .jobs import (
    import_job_can_retry,
    import_job_progress,
    import_job_retry,
    import_job_start,
)
from .models import (
    Achievement,
    Association,
    DemonstrationBase,
    DirectoryImportJob,
    Expert,
    ImportJobKind,
    ImportJobStatus,
    TechLeader,
    directory_name,
)
from .reading import (
    PREVIEW_ROWS,
    DirectoryImportError,
    ImportResult,
    max_upload_bytes,
)
from .selectors import directory_search
from .uploads import (
    pending_preview_read,
    pending_upload_delete,
    pending_upload_exists,
    pending_upload_save,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register_county_scope(Expert, CountyScope("counties", shared=True))
register_county_scope(Achievement, CountyScope("counties", shared=True))
register_county_scope(Association, CountyScope("county"))
register_county_scope(DemonstrationBase, CountyScope("county"))
register_county_scope(TechLeader, CountyScope("county"))

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


class DirectoryUploadForm(forms.Form):
    """The file to import; its size is checked before anything reads it."""

    file = forms.FileField(label=gettext_lazy("File (XLSX, CSV or JSON)"))
    format = forms.ChoiceField(
        label=pgettext_lazy("import file", "Format"),
        required=False,
        choices=[
            ("", gettext_lazy("Detect automatically")),
            ("xlsx", "XLSX"),
            ("csv", "CSV"),
            ("json", "JSON"),
        ],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(cap)s MB can be imported.")
                % {
                    "size": round(upload.size / 1048576, 1),
                    "cap": max_upload_bytes() // 1048576,
                }
            )
        return upload


class TaxonomyListFilter(RelatedFieldListFilter):
    """Filter by county or category without Django's admin site, which Wagtail lacks.

    Django's filter asks the ``django.contrib.admin`` site for the related model's
    ordering; the taxonomy models' own ``Meta.ordering`` applies instead.
    """

    def field_admin_ordering(self, field, request, model_admin):
        return ()

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        county = county_for_user(user=request.user)
        if county is not None and field.related_model is County:
            choices = [(pk, label) for pk, label in choices if pk == county.pk]
        return choices


def _taxonomy(name: str) -> tuple:
    return (name, TaxonomyListFilter)


class ChineseSearchHandler(BaseSearchHandler):
    """Searches the list with the Chinese-aware search backend, keeping its filters."""

    def search_queryset(self, queryset, search_term, **kwargs):
        return directory_search(queryset=queryset, query=search_term)

    @property
    def show_search_form(self):
        return True


class DirectoryIndexView(IndexView):
    """The list, exporting in the import format (XLSX, CSV or JSON) what it shows."""

    FORMATS = ("xlsx", "csv", "json")

    def as_spreadsheet(self, queryset, spreadsheet_format):
        directory = self.model_admin.directory
        queryset = queryset.prefetch_related(
            *[f.name for f in self.model._meta.many_to_many]
        )
        content = directory_export(
            directory=directory, file_format=spreadsheet_format, queryset=queryset
        )
        response = HttpResponse(content, content_type=CONTENT_TYPES[spreadsheet_format])
        response["Content-Disposition"] = content_disposition(
            f"{directory}.{spreadsheet_format}"
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop(self.EXPORT_VAR, None)
        params.pop(self.PAGE_VAR, None)
        context["export_links"] = [
            (fmt.upper(), f"?{params.urlencode()}&export={fmt}".replace("?&", "?"))
            for fmt in self.FORMATS
        ]
        context["user_can_import"] = self.model_admin.user_can_import(self.request.user)
        context["import_url"] = self.url_helper.get_action_url("import")
        context["template_url"] = self.url_helper.get_action_url("template")
        return context


def _yes_no(field_name: str, label: "StrOrPromise") -> Callable[[Any], str]:
    """A list column showing 是/否: modeladmin's boolean icons come from
    ``django.contrib.admin``'s static files, which a Wagtail site lacks."""

    @display(description=label, ordering=field_name)
    def column(obj) -> str:
        return (
            pgettext("yes or no", "Yes")
            if getattr(obj, field_name)
            else pgettext("yes or no", "No")
        )

    return column


class CountyPermissionHelper(PermissionHelper):
    """Model permissions, narrowed to the entries of a county-bound user's county."""

    def _allows(self, user, obj, action: str) -> bool:
        return COUNTY_SCOPES[self.model].allows(user=user, instance=obj, action=action)

    def user_can_inspect_obj(self, user, obj):
        return super().user_can_inspect_obj(user, obj) and self._allows(
            user, obj, "view"
        )

    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and self._allows(
            user, obj, "change"
        )

    def user_can_delete_obj(self, user, obj):
        return super().user_can_delete_obj(user, obj) and self._allows(
            user, obj, "delete"
        )


class CountyFormMixin:
    """The county fields of the add and edit forms offer only the user's county."""

    request: Any

    def get_form(self):
        form = super().get_form()  # type: ignore[misc]
        county_fields_narrow(
            form.fields.values(), user=self.request.user, required=True
        )
        return form


class DirectoryCreateView(CountyFormMixin, CreateView):
    pass


class DirectoryEditView(CountyFormMixin, EditView):
    pass


public_column = _yes_no("is_public", gettext_lazy("public"))
advanced_column = _yes_no("is_advanced", gettext_lazy("commended as advanced"))


class DirectoryModelAdmin(ModelAdmin):
    """What the five directory admins share; subclasses set ``model`` and the lists."""

    inspect_view_enabled = True
    index_view_class = DirectoryIndexView
    create_view_class = DirectoryCreateView
    edit_view_class = DirectoryEditView
    permission_helper_class = CountyPermissionHelper
    index_template_name = "kexie_pages/admin/directory_index.html"
    search_handler_class = ChineseSearchHandler
    search_fields = ("name",)  # any value: ChineseSearchHandler uses the index
    list_per_page = 50
    add_to_admin_menu = False

    @property
    def directory(self) -> str:
        return directory_name(self.model)

    def get_queryset(self, request):
        return county_scoped(user=request.user, queryset=super().get_queryset(request))

    def user_can_import(self, user) -> bool:
        """Importing adds and changes entries, so it needs both permissions.

        It matches rows to entries of every county by natural key, so a
        county-bound user may not import at all.
        """
        if county_for_user(user=user) is not None:
            return False
        helper = self.permission_helper
        return helper.user_has_specific_permission(
            user, helper.get_perm_codename("add")
        ) and helper.user_has_specific_permission(
            user, helper.get_perm_codename("change")
        )

    def get_admin_urls_for_registration(self):
        # Another county's entry is a 404 in every view naming one.
        urls = county_guarded_urls(
            list(super().get_admin_urls_for_registration()),
            model=self.model,
            kwarg="instance_pk",
        )
        views = {
            "import": DirectoryImportView,
            "confirm": DirectoryConfirmView,
            "failed": DirectoryFailedRowsView,
            "template": DirectoryTemplateView,
        }
        return (
            tuple(urls)
            + tuple(
                re_path(
                    rf"^{self.url_helper.base_url_path}/{action}/$",
                    view.as_view(model_admin=self),
                    name=self.url_helper.get_action_url_name(action),
                )
                for action, view in views.items()
            )
            + (
                re_path(
                    rf"^{self.url_helper.base_url_path}/job/(?P<job_id>\d+)/$",
                    DirectoryImportJobView.as_view(model_admin=self),
                    name=self.url_helper.get_action_url_name("job"),
                ),
                re_path(
                    rf"^{self.url_helper.base_url_path}/job/(?P<job_id>\d+)/retry/$",
                    DirectoryImportRetryView.as_view(model_admin=self),
                    name=self.url_helper.get_action_url_name("retry"),
                ),
            )
        )


class ExpertAdmin(DirectoryModelAdmin):
    model = Expert
    menu_icon = "user"
    list_display = ("name", "employer", "title", "speciality", public_column)
    list_filter = (
        _taxonomy("counties"),
        _taxonomy("categories"),
        "is_public",
        "gender",
    )
    inspect_view_fields_exclude = ("name_pinyin",)


class AchievementAdmin(DirectoryModelAdmin):
    model = Achievement
    menu_icon = "doc-full"
    list_display = ("title", "organisation", "maturity", "year", public_column)
    list_filter = (_taxonomy("counties"), _taxonomy("categories"), "is_public", "year")
    list_select_related = ("expert",)


class AssociationAdmin(DirectoryModelAdmin):
    model = Association
    menu_icon = "group"
    list_display = (
        "name",
        "county",
        "township",
        "member_count",
        advanced_column,
        public_column,
    )
    list_filter = (
        _taxonomy("county"),
        _taxonomy("categories"),
        "is_public",
        "is_advanced",
    )
    list_select_related = ("county",)


class DemonstrationBaseAdmin(DirectoryModelAdmin):
    model = DemonstrationBase
    menu_icon = "home"
    list_display = ("name", "county", "level", "manager", public_column)
    list_filter = (_taxonomy("county"), _taxonomy("categories"), "is_public", "level")
    list_select_related = ("county",)


class TechLeaderAdmin(DirectoryModelAdmin):
    model = TechLeader
    menu_icon = "pick"
    list_display = (
        "name",
        "county",
        "township",
        "village",
        "households_helped",
        public_column,
    )
    list_filter = (_taxonomy("county"), _taxonomy("categories"), "is_public")
    list_select_related = ("county",)


class ThinkTankAdminGroup(ModelAdminGroup):
    menu_label = gettext_lazy("Think tank")
    menu_icon = "group"
    menu_order = 250
    items = (
        ExpertAdmin,
        AchievementAdmin,
        AssociationAdmin,
        DemonstrationBaseAdmin,
        TechLeaderAdmin,
    )


# --------------------------------------------------------------------------
# Import views


@method_decorator(require_admin_access, name="dispatch")
class DirectoryActionView(View):
    """Base of the import views: the directory's model admin and its permission check."""

    # None only on the class: as_view(model_admin=...) sets it.
    model_admin: DirectoryModelAdmin = None  # type: ignore[assignment]
    permission = "import"

    def dispatch(self, request, *args, **kwargs):
        if self.permission == "import" and not self.model_admin.user_can_import(
            request.user
        ):
            raise PermissionDenied
        if (
            self.permission == "list"
            and not self.model_admin.permission_helper.user_can_list(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def directory(self) -> str:
        return self.model_admin.directory

    def url(self, action: str) -> str:
        return self.model_admin.url_helper.get_action_url(action)

    def session_key(self, token: str) -> str:
        return f"kexie_import_{token}"

    def render(self, request, template: str, **context) -> TemplateResponse:
        opts = self.model_admin.model._meta
        context.update(
            {
                "view": self,
                "model_admin": self.model_admin,
                "verbose_name_plural": opts.verbose_name_plural,
                "index_url": self.url("index"),
                "import_url": self.url("import"),
                "template_url": self.url("template"),
                "confirm_url": self.url("confirm"),
                "failed_url": self.url("failed"),
                "max_mb": max_upload_bytes() // (1024 * 1024),
            }
        )
        return TemplateResponse(request, template, context)

    def render_preview(self, request, token: str, filename: str, result: ImportResult):
        errors_first = result.error_rows + [
            r for r in result.rows if not r.errors and r.cells
        ]
        limit = max(PREVIEW_ROWS, len(result.error_rows))
        shown = [
            (
                row,
                [
                    (cell, row.errors.get(header, ""))
                    for header, cell in zip(result.headers, row.cells, strict=False)
                ],
            )
            for row in errors_first[:limit]
        ]
        return self.render(
            request,
            "kexie_pages/admin/directory_import_preview.html",
            token=token,
            filename=filename,
            result=result,
            counts=result.counts,
            shown_rows=shown,
            hidden_count=max(0, result.total - limit),
        )

    def pending(self, request, token: str) -> dict | None:
        info = request.session.get(self.session_key(token))
        if not info or info.get("directory") != self.directory:
            return None
        return info


class DirectoryImportView(DirectoryActionView):
    """Upload a file and see the dry run of every row."""

    def get(self, request):
        return self.render(
            request,
            "kexie_pages/admin/directory_import.html",
            form=DirectoryUploadForm(),
            recent_jobs=[
                (
                    import_job_progress(job),
                    self.model_admin.url_helper.get_action_url("job", job.pk),
                )
                for job in DirectoryImportJob.objects.filter(
                    directory=self.directory, kind=ImportJobKind.IMPORT
                ).select_related("user")[:5]
            ],
        )

    def post(self, request):
        form = DirectoryUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(
                request, "kexie_pages/admin/directory_import.html", form=form
            )
        upload = form.cleaned_data["file"]
        content = upload.read()
        # Reading and checking run as a job: the page it answers with reloads
        # itself until the preview is ready (DirectoryImportJobView).
        token = pending_upload_save(content=content)
        request.session[self.session_key(token)] = {
            "directory": self.directory,
            "filename": upload.name,
            "format": form.cleaned_data["format"],
        }
        job = import_job_start(
            directory=self.directory,
            token=token,
            filename=upload.name,
            file_format=form.cleaned_data["format"],
            user=request.user,
            size=len(content),
            kind=ImportJobKind.CHECK,
        )
        return redirect(self.model_admin.url_helper.get_action_url("job", job.pk))


class DirectoryConfirmView(DirectoryActionView):
    """Start a job applying a previewed upload, or cancel it (deleting the kept file)."""

    def post(self, request):
        token = request.POST.get("token", "")
        info = self.pending(request, token)
        try:
            if info is None:
                raise DirectoryImportError(
                    _(
                        "The uploaded file is no longer available: please upload it again."
                    )
                )
            if "cancel" in request.POST:
                pending_upload_delete(token=token)
                request.session.pop(self.session_key(token), None)
                messages.info(request, _("Import cancelled; nothing was written."))
                return redirect(self.url("index"))
            check = (
                DirectoryImportJob.objects.filter(
                    token=token, directory=self.directory, kind=ImportJobKind.CHECK
                )
                .order_by("-pk")
                .first()
            )
            if check is None or check.status != ImportJobStatus.DONE:
                raise DirectoryImportError(
                    _("The file has not been checked yet: wait for its preview.")
                )
            if check.counts.get("error"):
                raise DirectoryImportError(
                    _(
                        "Nothing can be imported until every row is correct. Fix the rows below in your file (or download them, fix them and upload that file) and upload it again."
                    )
                )
        except DirectoryImportError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.url("import"))
        # The upload belongs to the job now: the job deletes it when it finishes.
        request.session.pop(self.session_key(token), None)
        job = import_job_start(
            directory=self.directory,
            token=token,
            filename=info["filename"],
            file_format=info["format"],
            user=request.user,
            rows=check.rows_total,
        )
        return redirect(self.model_admin.url_helper.get_action_url("job", job.pk))


class DirectoryImportJobView(DirectoryActionView):
    """A check's or a confirmed import's progress; reloads itself every two
    seconds until done. A finished check shows its preview.

    Looking at a running job whose process has died fails it (see
    ``jobs.import_job_progress``); a job that failed for a reason other than
    its file offers a retry from the same upload.
    """

    REFRESH_SECONDS = 2

    def get(self, request, job_id):
        job = get_object_or_404(DirectoryImportJob, pk=job_id, directory=self.directory)
        job = import_job_progress(job)
        if job.kind == ImportJobKind.CHECK and job.status == ImportJobStatus.DONE:
            return self.preview(request, job)
        return self.render_job(request, job)

    def render_job(self, request, job: DirectoryImportJob, **context):
        url_helper = self.model_admin.url_helper
        retries = list(job.retries.order_by("pk")[:1])
        return self.render(
            request,
            "kexie_pages/admin/directory_import_job.html",
            job=job,
            refresh_seconds=None
            if job.is_finished or job.is_stalled
            else self.REFRESH_SECONDS,
            more_errors=max(0, job.error_count - len(job.errors)),
            retry_url=url_helper.get_action_url("retry", job.pk)
            if import_job_can_retry(job)
            else None,
            retried_as_url=url_helper.get_action_url("job", retries[0].pk)
            if retries
            else None,
            retry_of_url=url_helper.get_action_url("job", job.retry_of_id)
            if job.retry_of_id
            else None,
            **context,
        )

    def preview(self, request, job: DirectoryImportJob):
        """The preview a finished check kept, for the browser that uploaded
        the file (its session holds the confirm); anyone else sees the check's
        counts and whose upload it is. Gone once confirmed or cancelled."""
        if self.pending(request, job.token):
            result = pending_preview_read(token=job.token, directory=self.directory)
            if result is not None:
                return self.render_preview(request, job.token, job.filename, result)
        elif pending_upload_exists(token=job.token):
            return self.render_job(request, job, preview_elsewhere=True)
        messages.error(
            request,
            _("The uploaded file is no longer available: please upload it again."),
        )
        return redirect(self.url("import"))


class DirectoryImportRetryView(DirectoryActionView):
    """Start a failed job again from the same upload (POST)."""

    def post(self, request, job_id):
        job = get_object_or_404(DirectoryImportJob, pk=job_id, directory=self.directory)
        try:
            retry = import_job_retry(job=job, user=request.user)
        except DirectoryImportError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.model_admin.url_helper.get_action_url("job", job.pk))
        return redirect(self.model_admin.url_helper.get_action_url("job", retry.pk))


class DirectoryFailedRowsView(DirectoryActionView):
    """The failed rows of a pending upload as an annotated XLSX."""

    def get(self, request):
        token = request.GET.get("token", "")
        info = self.pending(request, token)
        try:
            if info is None:
                raise DirectoryImportError(
                    _(
                        "The uploaded file is no longer available: please upload it again."
                    )
                )
            # Every row with an error is in the preview the check kept.
            result = pending_preview_read(token=token, directory=self.directory)
            if result is None:
                raise DirectoryImportError(
                    _(
                        "The uploaded file is no longer available: please upload it again."
                    )
                )
        except DirectoryImportError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.url("import"))
        response = HttpResponse(
            failed_rows_workbook(result), content_type=CONTENT_TYPES["xlsx"]
        )
        response["Content-Disposition"] = content_disposition(
            f"{self.directory}-errors.xlsx"
        )
        return response


class DirectoryTemplateView(DirectoryActionView):
    """A blank XLSX with the directory's columns and the live taxonomy as dropdowns."""

    permission = "list"

    def get(self, request):
        response = HttpResponse(
            directory_template(directory=self.directory),
            content_type=CONTENT_TYPES["xlsx"],
        )
        response["Content-Disposition"] = content_disposition(
            f"{self.directory}-template.xlsx"
        )
        return response


modeladmin_register(ThinkTankAdminGroup)
