"""The programme after the match: agreements (对接协议), key townships and brand
activities (重点帮扶乡镇 / 品牌活动), and liaison technicians (跟踪联系服务).

An :class:`Agreement` ties a think-tank party (an association, an expert, an
achievement or a named university or institute) to a poor county, township or
village; it answers needs of the needs library, has a responsible expert and a
think-tank contact person, planned deliverables and progress reports. Its
status moves only through ``programme.services`` (which also moves the needs it
answers), and each step is kept in :class:`AgreementStatusChange`.

A :class:`LiaisonAssignment` puts a technician in charge of one poor village
(and, optionally, some of its households); the technician logs each visit
(:class:`LiaisonVisit`). Technicians' phones and household names are staff
only: they never reach a public page or the API.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable

from ..base.models import County, SectionPage
from ..base.storage import private_storage
from ..courses.models import CoursePage
from ..directories.models import Achievement, Association, Expert, TechLeader
from ..needs.models import Need


def new_report_token() -> str:
    """A fresh secret for an agreement's progress-report link (256 random bits)."""
    return secrets.token_urlsafe(32)


class AgreementKind(models.TextChoices):
    """What an agreement is for (the programme's four kinds)."""

    COOPERATION = "cooperation", _("Technical cooperation")
    RESEARCH = "research", _("Problem-solving research")
    TRAINING = "training", _("Technical training")
    TRANSFER = "transfer", _("Transfer of achievements")


class AgreementStatus(models.TextChoices):
    """Where an agreement stands: 草拟 → 已签订 → 实施中 → 已完成, or 终止."""

    DRAFT = "draft", pgettext_lazy("agreement status", "Draft")
    SIGNED = "signed", _("Signed")
    IN_PROGRESS = "in_progress", pgettext_lazy("agreement status", "In progress")
    COMPLETED = "completed", pgettext_lazy("agreement status", "Completed")
    TERMINATED = "terminated", _("Terminated")


class AgreementQuerySet(models.QuerySet):
    """Agreements, with the ones the public sees."""

    def public(self) -> "AgreementQuerySet":
        """Agreements past the draft stage: signed, running, completed or ended."""
        return self.exclude(status=AgreementStatus.DRAFT)


class Agreement(ClusterableModel):
    """An agreement (对接协议) between a think-tank party and a poor place."""

    title = models.CharField(pgettext_lazy("agreement", "title"), max_length=200)
    kind = models.CharField(
        _("kind of agreement"),
        max_length=20,
        choices=AgreementKind.choices,
        default=AgreementKind.COOPERATION,
    )
    status = models.CharField(
        pgettext_lazy("agreement", "status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        editable=False,
    )
    # The think-tank side: one or more of these (at least one, see clean()).
    partner_association = models.ForeignKey(
        Association,
        verbose_name=_("rural technical association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    partner_expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements_as_party",
    )
    partner_achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("technology achievement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    partner_name = models.CharField(
        _("university, institute or society"),
        max_length=100,
        blank=True,
        help_text=_("A party not in the directories, e.g. a university."),
    )
    # The poor place's side.
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    township = models.CharField(_("township"), max_length=50, blank=True)
    village = models.CharField(_("village"), max_length=50, blank=True)
    summary = models.TextField(
        _("what the agreement covers"),
        max_length=2000,
        blank=True,
        help_text=_("Shown on the public site: no names of households, no phones."),
    )
    needs = models.ManyToManyField(
        Need,
        verbose_name=_("needs it answers"),
        blank=True,
        related_name="agreements",
    )
    responsible_expert = models.ForeignKey(
        Expert,
        verbose_name=_("responsible expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements_responsible",
    )
    # The think tank's contact person (智库中的带头人): a farmer tech-leader.
    contact_leader = models.ForeignKey(
        TechLeader,
        verbose_name=_("think-tank contact person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    report_token = models.CharField(
        _("progress-report key"),
        max_length=64,
        unique=True,
        default=new_report_token,
        editable=False,
    )
    report_token_expires_on = models.DateField(
        _("report link valid until"),
        null=True,
        blank=True,
        help_text=_("Empty: valid while the agreement runs."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("partner_association"),
                FieldPanel("partner_expert"),
                FieldPanel("partner_achievement"),
                FieldPanel("partner_name"),
            ],
            heading=_("Think-tank party"),
        ),
        FieldRowPanel(
            [FieldPanel("county"), FieldPanel("township"), FieldPanel("village")],
            heading=_("Poor county, township or village"),
        ),
        FieldPanel("summary"),
        FieldPanel("needs"),
        FieldRowPanel(
            [FieldPanel("responsible_expert"), FieldPanel("contact_leader")],
            heading=_("Who answers for its delivery"),
        ),
        FieldRowPanel([FieldPanel("signed_on"), FieldPanel("report_token_expires_on")]),
        InlinePanel(
            "deliverables", heading=_("Planned deliverables"), label=_("deliverable")
        ),
        InlinePanel(
            "progress_reports", heading=_("Progress reports"), label=_("report")
        ),
    ]

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(
                fields=["status", "county", "kind"], name="kexie_agreement_facets"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        """The county, township and village, as a Chinese address reads."""
        return f"{self.county.name}{self.township}{self.village}"

    @property
    def partner_names(self) -> list[str]:
        """The think-tank party's public names, in the order the form lists them."""
        names = [
            self.partner_association.name if self.partner_association else "",
            self.partner_expert.name if self.partner_expert else "",
            self.partner_achievement.title if self.partner_achievement else "",
            self.partner_name,
        ]
        return [name for name in names if name]


class AgreementDeliverable(Orderable):
    """A planned deliverable of an agreement, with its due date."""

    agreement = ParentalKey(
        Agreement, on_delete=models.CASCADE, related_name="deliverables"
    )
    title = models.CharField(_("deliverable"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("delivered on"), null=True, blank=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("due_on"), FieldPanel("done_on")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self) -> str:
        return self.title


class ReportSource(models.TextChoices):
    """Who filed a progress report."""

    STAFF = "staff", _("Staff")
    EXPERT = "expert", _("Responsible expert")


class AgreementProgressReport(models.Model):
    """A progress report on an agreement, by staff or by its responsible expert."""

    agreement = ParentalKey(
        Agreement, on_delete=models.CASCADE, related_name="progress_reports"
    )
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)
    text = models.TextField(
        _("progress"),
        max_length=3000,
        help_text=_("Shown on the public site: no names of households, no phones."),
    )
    source = models.CharField(
        _("filed by"),
        max_length=10,
        choices=ReportSource.choices,
        default=ReportSource.STAFF,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    panels = [FieldPanel("reported_on"), FieldPanel("text")]

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.reported_on}"


class AgreementStatusChange(models.Model):
    """One step of an agreement's status history: who moved it, when, from and to."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=AgreementStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=20, choices=AgreementStatus.choices
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
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
        verbose_name = _("agreement status change")
        verbose_name_plural = _("agreement status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.from_status} → {self.to_status}"


class AgreementScan(models.Model):
    """A scan of the signed agreement: a private document, for staff only."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="scans",
    )
    title = models.CharField(pgettext_lazy("agreement scan", "title"), max_length=100)
    file = models.FileField(
        pgettext_lazy("agreement scan", "file"),
        storage=private_storage,
        upload_to="agreements/%Y/",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("agreement"), FieldPanel("title"), FieldPanel("file")]

    class Meta:
        verbose_name = _("signed agreement scan")
        verbose_name_plural = _("signed agreement scans")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


class KeyTownship(models.Model):
    """A township a county concentrates its help on in a year (重点帮扶乡镇)."""

    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="key_townships",
    )
    year = models.PositiveSmallIntegerField(pgettext_lazy("kexie programme", "year"))
    township = models.CharField(_("township"), max_length=50)
    summary = models.TextField(_("why and what"), max_length=2000, blank=True)
    agreements = models.ManyToManyField(
        Agreement,
        verbose_name=_("agreements"),
        blank=True,
        related_name="key_townships",
    )
    courses = models.ManyToManyField(
        CoursePage,
        verbose_name=_("courses"),
        blank=True,
        related_name="key_townships",
    )

    panels = [
        FieldRowPanel(
            [FieldPanel("county"), FieldPanel("year"), FieldPanel("township")]
        ),
        FieldPanel("summary"),
        FieldPanel("agreements"),
        FieldPanel("courses"),
    ]

    class Meta:
        verbose_name = _("key township")
        verbose_name_plural = _("key townships")
        ordering = ["-year", "county__sort_order", "county__code", "township"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "township"], name="kexie_keytownship_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.county}{self.township}"


class BrandActivity(models.Model):
    """A county's local brand activity of the year (品牌活动)."""

    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="brand_activities",
    )
    year = models.PositiveSmallIntegerField(pgettext_lazy("kexie programme", "year"))
    title = models.CharField(pgettext_lazy("brand activity", "title"), max_length=100)
    key_township = models.ForeignKey(
        KeyTownship,
        verbose_name=_("key township"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="brand_activities",
    )
    summary = models.TextField(_("what happens"), max_length=2000, blank=True)
    agreements = models.ManyToManyField(
        Agreement,
        verbose_name=_("agreements"),
        blank=True,
        related_name="brand_activities",
    )
    courses = models.ManyToManyField(
        CoursePage,
        verbose_name=_("courses"),
        blank=True,
        related_name="brand_activities",
    )

    panels = [
        FieldRowPanel([FieldPanel("county"), FieldPanel("year")]),
        FieldPanel("title"),
        FieldPanel("key_township"),
        FieldPanel("summary"),
        FieldPanel("agreements"),
        FieldPanel("courses"),
    ]

    class Meta:
        verbose_name = _("brand activity")
        verbose_name_plural = _("brand activities")
        ordering = ["-year", "county__sort_order", "county__code", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.county} {self.title}"


class LiaisonAssignment(ClusterableModel):
    """A technician in charge of following up one poor village (跟踪联系服务).

    The technician is an expert from the directory or a county agricultural
    technician (name and phone, staff only); ``user`` is the admin account that
    logs the visits from a phone, if the technician has one.
    """

    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
    )
    township = models.CharField(_("township"), max_length=50)
    village = models.CharField(_("village"), max_length=50)
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
    )
    technician_name = models.CharField(
        _("county technician"),
        max_length=50,
        blank=True,
        help_text=_("When the technician is not an expert of the directory."),
    )
    technician_phone = models.CharField(
        _("technician's phone"),
        max_length=30,
        blank=True,
        help_text=_("Staff only: never shown on the public site, exports or the API."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician's login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_assignments",
        help_text=_("The account the technician logs visits with on a phone."),
    )
    started_on = models.DateField(_("assigned on"), default=timezone.localdate)
    is_active = models.BooleanField(
        pgettext_lazy("liaison assignment", "active"), default=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [
        FieldRowPanel(
            [FieldPanel("county"), FieldPanel("township"), FieldPanel("village")],
            heading=_("Poor village"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("expert"),
                FieldPanel("technician_name"),
                FieldPanel("technician_phone"),
                FieldPanel("user"),
            ],
            heading=_("Technician"),
        ),
        FieldRowPanel([FieldPanel("started_on"), FieldPanel("is_active")]),
        InlinePanel(
            "households",
            heading=_("Households followed (staff only)"),
            label=_("household"),
        ),
    ]

    class Meta:
        verbose_name = _("liaison assignment")
        verbose_name_plural = _("liaison assignments")
        ordering = ["county__sort_order", "county__code", "township", "village", "id"]

    def __str__(self) -> str:
        return f"{self.county.name}{self.township}{self.village} · {self.technician}"

    @property
    def technician(self) -> str:
        """The technician's name: the expert's, or the county technician's."""
        return self.expert.name if self.expert else self.technician_name

    @property
    def place(self) -> str:
        """The county, township and village, as a Chinese address reads."""
        return f"{self.county.name}{self.township}{self.village}"


class LiaisonHousehold(Orderable):
    """A poor household a technician follows: the name is staff only, county scoped."""

    assignment = ParentalKey(
        LiaisonAssignment, on_delete=models.CASCADE, related_name="households"
    )
    name = models.CharField(_("household (head's name)"), max_length=50)
    note = models.CharField(_("note"), max_length=200, blank=True)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("note")])]

    class Meta(Orderable.Meta):
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.name


class LiaisonVisit(models.Model):
    """One visit of a liaison technician to the village, as logged from a phone."""

    assignment = models.ForeignKey(
        LiaisonAssignment,
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    visited_on = models.DateField(_("visited on"), default=timezone.localdate)
    household = models.ForeignKey(
        LiaisonHousehold,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    work_done = models.TextField(_("what was done"), max_length=2000)
    problems_solved = models.TextField(
        _("problems solved"), max_length=2000, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)

    panels = [
        FieldPanel("assignment"),
        FieldPanel("visited_on"),
        FieldPanel("household"),
        FieldPanel("work_done"),
        FieldPanel("problems_solved"),
    ]

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(
                fields=["assignment", "-visited_on"], name="kexie_visit_latest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment.place} · {self.visited_on}"


class LiaisonVisitPhoto(models.Model):
    """A photo taken on a visit: private storage, shown to staff only."""

    visit = models.ForeignKey(
        LiaisonVisit,
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(
        _("photo"), storage=private_storage, upload_to="visits/%Y/%m/"
    )

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


class AgreementIndexPage(RoutablePageMixin, SectionPage):
    """The public list of agreements (对接协议) and each agreement's page.

    Query string: ``county`` (division code), ``kind``, ``status`` and ``page``;
    drafts are never listed, and an agreement's page shows public fields only.
    """

    per_page = models.PositiveSmallIntegerField(
        _("agreements per page"), default=20, validators=[MaxValueValidator(100)]
    )

    content_panels = SectionPage.content_panels + [FieldPanel("per_page")]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("agreements page")

    def agreement_url(
        self, agreement: Agreement, request=None, *, full: bool = False
    ) -> str:
        """An agreement's public address below this page: the one place it is built."""
        base = self.get_full_url(request) if full else self.get_url(request)
        return base + self.reverse_subpage("agreement", args=[agreement.pk])

    @path("")
    def index_route(self, request):
        from . import views

        return views.agreements_list(request, self)

    @path("<int:agreement_id>/", name="agreement")
    def agreement_route(self, request, agreement_id: int):
        from . import views

        return views.agreement_detail(request, self, agreement_id)

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        for agreement in Agreement.objects.public().only("pk", "updated_at"):
            urls.append(
                {
                    "location": self.agreement_url(agreement, request, full=True),
                    "lastmod": agreement.updated_at,
                }
            )
        return urls
