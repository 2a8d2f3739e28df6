"""The think-tank directories (智库): experts, achievements, rural technical
associations, popular-science demonstration bases and farmer tech-leaders.

They are plain models, administered with wagtail-modeladmin and imported and
exported with django-import-export (see ``directories.resources``). What they
share lives in ``DirectoryEntry``: industry categories, the public-consent flag,
timestamps and a natural key that imports match rows on. The public reads them
through ``ThinkTankPage`` and the v3 API, which show only ``is_public`` entries
and never a full phone number or an e-mail address.
"""

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pypinyin import lazy_pinyin
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from ..base.models import County, IndustryCategory, SectionPage
from ..base.selectors import categories_all, counties_all, public_pages
from ..base.validators import mask_phone
from ..search import ChineseSearchField


def pinyin_key(text: str) -> str:
    """A sort key that orders Chinese names by their pinyin (张三 → ``zhang san``)."""
    return " ".join(lazy_pinyin(text)).lower()[:200]


class DirectoryQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Directory entries: searchable in Chinese with ``.search(q)``."""

    def public(self) -> "DirectoryQuerySet":
        """Only the entries whose people or units agreed to be listed publicly."""
        return self.filter(is_public=True)


class DirectoryEntry(index.Indexed, models.Model):
    """What every think-tank directory entry has.

    Subclasses set ``natural_key_fields`` (the columns an import matches an
    existing entry on, also a unique constraint) and add their county link: a
    foreign key ``county`` where the entry sits in one county, a many-to-many
    ``counties`` where it serves several.
    """

    natural_key_fields: tuple[str, ...] = ()

    categories = models.ManyToManyField(
        IndustryCategory,
        verbose_name=_("industry categories"),
        blank=True,
        related_name="%(class)s_entries",
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "The person or unit agreed to be listed on the public site. "
            "Only public entries appear there, and never with a full phone number."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DirectoryQuerySet.as_manager()

    search_fields = [index.FilterField("is_public")]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple:
        return tuple(getattr(self, name) for name in self.natural_key_fields)

    #: The stored fields ``fill_derived_fields`` computes (bulk updates write
    #: them only when they change).
    derived_fields: tuple[str, ...] = ()

    def fill_derived_fields(self) -> None:
        """Compute stored fields that follow from others; bulk imports call this too."""

    @property
    def masked_phone(self) -> str:
        return mask_phone(getattr(self, "phone", "") or "")


# CourseLecturer (a Wagtail Orderable, no types) links here, so mypy cannot type
# its reverse manager.
class Expert(DirectoryEntry):  # type: ignore[django-manager-missing]
    """An expert (专家) who can advise, teach or take on a project."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    natural_key_fields = ("name", "employer")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, editable=False)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, blank=True
    )
    employer = models.CharField(_("employer"), max_length=100)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    speciality = models.CharField(_("speciality"), max_length=200, blank=True)
    counties = models.ManyToManyField(
        County,
        verbose_name=_("counties served"),
        blank=True,
        related_name="experts",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    bio = models.TextField(_("biography"), max_length=2000, blank=True)

    search_fields = DirectoryEntry.search_fields + [
        ChineseSearchField("name", boost=3),
        ChineseSearchField("employer"),
        ChineseSearchField("title"),
        ChineseSearchField("speciality", boost=2),
        ChineseSearchField("bio"),
    ]

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "employer"], name="kexie_expert_natural_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.employer}）" if self.employer else self.name

    derived_fields = ("name_pinyin",)

    def fill_derived_fields(self) -> None:
        self.name_pinyin = pinyin_key(self.name)


# Agreements (a modelcluster ClusterableModel, no types) link here, as to the
# two below, so mypy cannot type their reverse managers.
class Achievement(DirectoryEntry):  # type: ignore[django-manager-missing]
    """A technology achievement (技术成果) ready to be applied in the counties."""

    natural_key_fields = ("title", "organisation")

    title = models.CharField(pgettext_lazy("achievement", "title"), max_length=200)
    organisation = models.CharField(_("completing unit"), max_length=100)
    maturity = models.CharField(_("maturity"), max_length=30, blank=True)
    counties = models.ManyToManyField(
        County,
        verbose_name=_("applicable counties"),
        blank=True,
        related_name="achievements",
    )
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("contact expert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="achievements",
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    search_fields = DirectoryEntry.search_fields + [
        ChineseSearchField("title", boost=3),
        ChineseSearchField("organisation"),
        ChineseSearchField("summary"),
        index.FilterField("year"),
    ]

    class Meta:
        verbose_name = _("technology achievement")
        verbose_name_plural = _("technology achievements")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "organisation"], name="kexie_achievement_natural_key"
            )
        ]

    def __str__(self) -> str:
        return self.title


class LocatedEntry(DirectoryEntry):
    """An entry that sits in one county (and usually one township)."""

    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    search_fields = DirectoryEntry.search_fields + [index.FilterField("county")]

    class Meta:
        abstract = True


class Association(LocatedEntry):  # type: ignore[django-manager-missing]
    """A rural technical association (农村专业技术协会, 农技协)."""

    natural_key_fields = ("name",)

    name = models.CharField(
        pgettext_lazy("organisation", "name"), max_length=100, unique=True
    )
    township = models.CharField(_("township"), max_length=50, blank=True)
    leader = models.CharField(_("person in charge"), max_length=50, blank=True)
    member_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_advanced = models.BooleanField(_("commended as advanced"), default=False)

    search_fields = LocatedEntry.search_fields + [
        ChineseSearchField("name", boost=3),
        ChineseSearchField("township"),
        ChineseSearchField("leader"),
    ]

    class Meta:
        verbose_name = _("rural technical association")
        verbose_name_plural = _("rural technical associations")
        ordering = ["county__sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class DemonstrationBase(LocatedEntry):
    """A popular-science demonstration base (科普示范基地)."""

    natural_key_fields = ("name",)

    name = models.CharField(
        pgettext_lazy("organisation", "name"), max_length=100, unique=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, blank=True)
    manager = models.CharField(_("person in charge"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)

    search_fields = LocatedEntry.search_fields + [
        ChineseSearchField("name", boost=3),
        ChineseSearchField("address"),
        ChineseSearchField("summary"),
    ]

    class Meta:
        verbose_name = _("demonstration base")
        verbose_name_plural = _("demonstration bases")
        ordering = ["county__sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class TechLeader(LocatedEntry):  # type: ignore[django-manager-missing]
    """A farmer tech-leader (科技致富带头人) who helps poor households."""

    natural_key_fields = ("name", "village")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    township = models.CharField(_("township"), max_length=50, blank=True)
    village = models.CharField(_("village"), max_length=50)
    households_helped = models.PositiveIntegerField(
        _("poor households helped"), null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    story = models.TextField(_("story"), max_length=2000, blank=True)

    search_fields = LocatedEntry.search_fields + [
        ChineseSearchField("name", boost=3),
        ChineseSearchField("township"),
        ChineseSearchField("village"),
        ChineseSearchField("story"),
    ]

    class Meta:
        verbose_name = _("tech-leader")
        verbose_name_plural = _("tech-leaders")
        ordering = ["county__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "village"], name="kexie_techleader_natural_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.village}）"


#: The directory names of DESIGN.md §5, used by the commands, admin URLs and API.
DIRECTORIES: dict[str, type[DirectoryEntry]] = {
    "experts": Expert,
    "achievements": Achievement,
    "associations": Association,
    "demo-bases": DemonstrationBase,
    "leaders": TechLeader,
}


def directory_name(model: type[DirectoryEntry]) -> str:
    """The DESIGN.md §5 name of ``model``'s directory."""
    return next(name for name, value in DIRECTORIES.items() if value is model)


class ThinkTankPage(SectionPage):
    """A public page listing one think-tank directory's public entries.

    Visitors filter by county and industry and search in Chinese; experts can be
    sorted by the pinyin of their name. Contact details are never shown in full.
    """

    directory = models.CharField(
        _("directory"),
        max_length=20,
        choices=[
            ("experts", _("experts")),
            ("achievements", _("technology achievements")),
            ("associations", _("rural technical associations")),
            ("demo-bases", _("demonstration bases")),
            ("leaders", _("tech-leaders")),
        ],
        default="experts",
    )
    content_panels = Page.content_panels + [
        FieldPanel("directory"),
        FieldPanel("intro"),
    ]
    parent_page_types = ["kexie_pages.HomePage", "kexie_pages.ThinkTankPage"]
    subpage_types = ["kexie_pages.ThinkTankPage"]

    class Meta:
        verbose_name = _("think-tank directory page")

    def get_context(self, request, *args, **kwargs):
        from .selectors import directory_entries_annotate, directory_public_list

        context = super().get_context(request, *args, **kwargs)
        entries, filters = directory_public_list(
            directory=self.directory,
            county=request.GET.get("county", ""),
            category=request.GET.get("category", ""),
            query=request.GET.get("q", ""),
            sort=request.GET.get("sort", ""),
        )
        context.update(filters)
        page = Paginator(entries, 20).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        directory_entries_annotate(directory=self.directory, entries=page.object_list)
        context["entries"] = page
        context["counties"] = counties_all()
        context["categories"] = categories_all()
        context["sections"] = public_pages(self.get_children().live())
        return context


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportJobPhase(models.TextChoices):
    CHECKING = "checking", _("checking the rows")
    WRITING = "writing", _("writing to the database")


class ImportJobKind(models.TextChoices):
    CHECK = "check", _("check for the preview")
    IMPORT = "import", _("confirmed import")


class DirectoryImportJob(models.Model):
    directory = models.CharField(_("directory"), max_length=32)
    # A check reads the upload and keeps its checked rows and preview beside
    # it; the confirmed import then writes those rows (``jobs``).
    kind = models.CharField(
        _("kind of job"),
        max_length=8,
        choices=ImportJobKind.choices,
        default=ImportJobKind.IMPORT,
    )
    token = models.CharField(_("pending upload"), max_length=32)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        pgettext_lazy("import job", "status"),
        max_length=8,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.QUEUED,
    )
    phase = models.CharField(
        _("phase"),
        max_length=8,
        choices=ImportJobPhase.choices,
        default=ImportJobPhase.CHECKING,
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    counts = models.JSONField(_("result"), default=dict, blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of row errors"), default=0)
    message = models.TextField(_("why it failed"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(
        pgettext_lazy("import job", "created at"), auto_now_add=True
    )
    started_at = models.DateTimeField(
        pgettext_lazy("import job", "started at"), null=True, blank=True
    )
    finished_at = models.DateTimeField(
        pgettext_lazy("import job", "finished at"), null=True, blank=True
    )
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_("Written by the process running the job, every 500 rows."),
    )
    retryable = models.BooleanField(
        _("can be retried"),
        default=False,
        help_text=_(
            "The job failed for a reason other than its file, and its upload is kept."
        ),
    )
    retry_of = models.ForeignKey(
        "self",
        verbose_name=_("retry of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
    )

    #: Row errors kept for the progress page; the count says how many there were.
    MAX_ERRORS = 1000
    #: A queued job no worker has started this long after it was created has
    #: no worker (100,000 rows take a minute or two).
    STALLED_AFTER = timedelta(hours=2)

    class Meta:
        verbose_name = _("directory import job")
        verbose_name_plural = _("directory import jobs")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.directory} {self.filename} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Queued for hours: no worker takes jobs. (A running job whose
        process died is failed by ``jobs.import_job_progress`` instead.)"""
        return (
            self.status == ImportJobStatus.QUEUED
            and self.created_at < timezone.now() - self.STALLED_AFTER
        )

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
