"""The needs library (科技需求库): poor villages' technical needs and the help matched to them.

A need is a snippet-style model with Wagtail's draft, revision, lock, workflow
and preview mixins, not a page: counties report needs by the hundred and the
county forms promote accepted submissions to draft needs in bulk, which
``bulk_create`` does about 250 times faster than ``Page.add_child`` (see the
README, "Needs: model or page"). ``NeedsLibraryPage`` lists the live needs and
routes each one at a stable URL, ``<library>/<id>/``; the plugin's own API
endpoint ``/api/v3/kexie/needs/`` serves them to other front ends.

A need's status (待对接 → 对接中 → 已对接 → 已解决) and its matches are
operational, not editorial: they change through ``needs.services``
the moment staff act, every change is kept in ``NeedStatusChange``, and
publishing an older revision never winds them back.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from ..base.models import County, IndustryCategory, SectionPage
from ..base.selectors import public_pages
from ..base.validators import mask_phone
from ..directories.models import Achievement, Expert
from ..search import ChineseSearchField


class NeedStatus(models.TextChoices):
    """Where a need stands on its way to being met."""

    OPEN = "open", _("Awaiting a match")
    IN_TALKS = "in_talks", _("In talks")
    MATCHED = "matched", _("Matched")
    SOLVED = "solved", _("Solved")


class NeedUrgency(models.TextChoices):
    """How soon help must come: farming follows the seasons."""

    NORMAL = "normal", _("Normal")
    SEASONAL = "seasonal", _("Before the season")
    URGENT = "urgent", _("Urgent")


class NeedQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Needs: searchable in Chinese with ``.search(q)``."""

    def public(self) -> "NeedQuerySet":
        """The needs the public sees: published (live) ones."""
        # ``live=True`` compiles to ``WHERE "live"`` on SQLite, which no index
        # serves; ``live IN (1)`` is an equality the listing and facet indexes
        # answer (3 ms instead of 60 ms for the facets of 20,000 needs).
        return self.filter(live__in=[True])


class Need(
    PreviewableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    index.Indexed,
    models.Model,
):
    """One technical need of a poor village, as its county reported it."""

    title = models.CharField(pgettext_lazy("need", "title"), max_length=100)
    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="needs"
    )
    township = models.CharField(_("township"), max_length=50)
    village = models.CharField(_("village"), max_length=50)
    category = models.ForeignKey(
        IndustryCategory,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    description = models.TextField(
        _("the technical problem"),
        max_length=2000,
        help_text=_("What goes wrong, since when, and what has been tried."),
    )
    households = models.PositiveIntegerField(
        _("poor households concerned"),
        default=0,
        validators=[MaxValueValidator(100000)],
    )
    season = models.CharField(
        _("season"),
        max_length=30,
        blank=True,
        help_text=_("When help is needed, e.g. before spring sowing."),
    )
    urgency = models.CharField(
        _("urgency"),
        max_length=10,
        choices=NeedUrgency.choices,
        default=NeedUrgency.NORMAL,
    )
    status = models.CharField(
        pgettext_lazy("need", "status"),
        max_length=10,
        choices=NeedStatus.choices,
        default=NeedStatus.OPEN,
        editable=False,
    )
    contact_name = models.CharField(
        _("contact (village official)"),
        max_length=50,
        blank=True,
        help_text=_("Staff only: never shown on the public site, exports or the API."),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=30,
        blank=True,
        help_text=_("Staff only: never shown on the public site, exports or the API."),
    )
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="need",
        for_concrete_model=False,
    )
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="need",
        for_concrete_model=False,
    )

    objects = NeedQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldRowPanel(
            [FieldPanel("county"), FieldPanel("township"), FieldPanel("village")],
            heading=_("Where"),
        ),
        FieldPanel("category"),
        FieldPanel("description"),
        FieldRowPanel(
            [FieldPanel("households"), FieldPanel("season"), FieldPanel("urgency")]
        ),
        FieldPanel("reported_on"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_phone")],
            heading=_("Private contact (staff only)"),
        ),
    ]

    search_fields = [
        ChineseSearchField("title", boost=3),
        ChineseSearchField("description"),
        ChineseSearchField("village"),
        ChineseSearchField("township"),
        index.FilterField("live"),
        index.FilterField("status"),
        index.FilterField("county"),
        index.FilterField("category"),
    ]

    class Meta:
        verbose_name = _("technical need")
        verbose_name_plural = _("technical needs")
        ordering = ["-reported_on", "-id"]
        indexes = [
            models.Index(
                fields=["live", "-reported_on", "-id"], name="kexie_need_listing"
            ),
            models.Index(
                fields=["live", "county", "category", "status"],
                name="kexie_need_facets",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        """The need's county, township and village, as a Chinese address reads."""
        return f"{self.county.name}{self.township}{self.village}"

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    def with_content_json(self, content):
        # Status and reporting date belong to the need, not to one revision:
        # publishing an older draft must not wind them back.
        obj = super().with_content_json(content)
        obj.status = self.status
        obj.created_at = self.created_at
        return obj

    def get_url(self, request=None) -> str | None:
        """The need's public URL under the first live library page, or None."""
        library = public_pages(NeedsLibraryPage.objects.live()).first()
        if library is None:
            return None
        return library.need_url(self, request)

    def get_preview_template(self, request, mode_name: str) -> str:
        return "kexie_pages/need_detail.html"

    def get_preview_context(self, request, mode_name: str) -> dict:
        return {
            "need": self,
            "page": NeedsLibraryPage.objects.live().first(),
            "history": [],
            "matched_experts": [],
            "matched_achievements": [],
        }


class NeedStatusChange(models.Model):
    """One step in a need's status history, shown on its public page."""

    need = models.ForeignKey(
        Need,
        verbose_name=_("need"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    status = models.CharField(
        pgettext_lazy("need", "status"), max_length=10, choices=NeedStatus.choices
    )
    note = models.CharField(
        _("public note"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the need's public page: no names or phone numbers."),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.need} → {self.get_status_display()}"


class NeedMatch(models.Model):
    """An expert or an achievement that staff matched to a need (找准切合点)."""

    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="matches"
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="need_matches",
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("technology achievement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="need_matches",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    matched_at = models.DateTimeField(_("matched at"), default=timezone.now)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["matched_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(expert__isnull=False, achievement__isnull=True)
                    | models.Q(expert__isnull=True, achievement__isnull=False)
                ),
                name="kexie_needmatch_one_target",
            ),
            models.UniqueConstraint(
                fields=["need", "expert"], name="kexie_needmatch_unique_expert"
            ),
            models.UniqueConstraint(
                fields=["need", "achievement"],
                name="kexie_needmatch_unique_achievement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} ← {self.expert or self.achievement}"


class EnquiryKind(models.TextChoices):
    SOCIETY = "society", _("Learned society")
    COMPANY = "company", _("Company")
    EXPERT = "expert", _("Expert")
    OTHER = "other", _("Other")


class EnquiryStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("enquiry status", "New")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Enquiry(models.Model):
    """An offer of help for one need (对接洽谈), sent from the need's public page."""

    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="enquiries"
    )
    kind = models.CharField(
        _("who is offering"),
        max_length=10,
        choices=EnquiryKind.choices,
        default=EnquiryKind.SOCIETY,
    )
    organisation = models.CharField(_("society, company or unit"), max_length=100)
    name = models.CharField(_("contact person"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30)
    message = models.TextField(_("what you can offer"), max_length=1000)
    status = models.CharField(
        pgettext_lazy("enquiry", "status"),
        max_length=10,
        choices=EnquiryStatus.choices,
        default=EnquiryStatus.NEW,
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("need", read_only=True),
        FieldPanel("kind"),
        FieldPanel("organisation"),
        FieldPanel("name"),
        FieldPanel("phone"),
        FieldPanel("message"),
        FieldPanel("status", read_only=True),
    ]

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.need}"


class NeedsLibraryPage(RoutablePageMixin, SectionPage):
    """The public needs library: filters, facet counts, downloads and each need's page.

    Query string: ``county`` (division code), ``category`` (industry slug),
    ``status``, ``q`` (Chinese keywords) and ``page``; every combination is a
    bookmarkable URL, and an unknown value simply matches nothing.
    """

    per_page = models.PositiveSmallIntegerField(
        _("needs per page"), default=20, validators=[MaxValueValidator(100)]
    )

    content_panels = SectionPage.content_panels + [FieldPanel("per_page")]
    # The needs themselves are served by /api/v3/kexie/needs/ (they are not pages).
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("needs library page")

    def need_url(self, need: Need, request=None, *, full: bool = False) -> str:
        """A need's public address below this library: the one place it is built."""
        base = self.get_full_url(request) if full else self.get_url(request)
        return base + self.reverse_subpage("need", args=[need.pk])

    @path("")
    def index_route(self, request):
        from . import views

        return views.needs_library(request, self)

    @path("<int:need_id>/", name="need")
    def need_route(self, request, need_id: int):
        from . import views

        return views.need_detail(request, self, need_id)

    @path("export/<str:file_format>/", name="export")
    def export_route(self, request, file_format: str):
        from . import views

        return views.needs_download(request, self, file_format)

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        for need in Need.objects.public().only("pk", "updated_at"):
            urls.append(
                {
                    "location": self.need_url(need, request, full=True),
                    "lastmod": need.updated_at,
                }
            )
        return urls
