"""Recognition (表彰与奖励): awards in lieu of subsidies, honour rolls with
certificates, and the year-end summary.

* **Awards in lieu of subsidies (以奖代补).** Each year's call is a kexie_forms
  form page (counties nominate an association, a demonstration base or a
  tech-leader with a "think-tank entry" field, plus their evidence); an
  :class:`AwardRound` ties the year to that form. Reviewers score the
  submissions in the forms' own review screen; an :class:`Award` records the
  decision and the amount, and is published with its round.
* **Honour roll (表彰).** An :class:`HonourRoll` per year lists advanced units,
  advanced individuals and experts of outstanding contribution
  (:class:`HonourEntry`); each expert gets a numbered certificate, verified at
  ``/c/<number>/``.
* **Year-end summary (总结).** A :class:`YearSummary` per year and county (none:
  the city) holds the staff's paragraphs and chosen news; the report is
  generated from the data when staff ask for it.

Models here name other sections' models by string (``"kexie_forms.FormPage"``,
``"kexie_pages.Expert"``): importing them would tie the sections' modules in a
cycle through ``kexie_pages.models``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable

from ..base.models import SectionPage

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class NomineeMixin(models.Model):
    """A link to one think-tank entry: an association, a base or a tech-leader."""

    association = models.ForeignKey(
        "kexie_pages.Association",
        verbose_name=_("rural technical association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    demo_base = models.ForeignKey(
        "kexie_pages.DemonstrationBase",
        verbose_name=_("demonstration base"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader = models.ForeignKey(
        "kexie_pages.TechLeader",
        verbose_name=_("tech-leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def nominee(self):
        """The linked directory entry, if any."""
        return self.association or self.demo_base or self.leader

    @property
    def nominee_kind(self) -> str:
        """What the nominee is (its directory's singular name)."""
        nominee = self.nominee
        return str(nominee._meta.verbose_name) if nominee is not None else ""

    @property
    def nominee_directory(self) -> str:
        """The DESIGN.md §5 name of the nominee's directory ("" when none)."""
        if self.association_id:
            return "associations"
        if self.demo_base_id:
            return "demo-bases"
        if self.leader_id:
            return "leaders"
        return ""


class AwardRound(models.Model):
    """One year's call for awards in lieu of subsidies (以奖代补)."""

    year = models.PositiveSmallIntegerField(
        pgettext_lazy("kexie recognition", "year"),
        unique=True,
        validators=YEAR_VALIDATORS,
    )
    title = models.CharField(
        pgettext_lazy("kexie recognition", "title"), max_length=100
    )
    form_page = models.ForeignKey(
        "kexie_forms.FormPage",
        verbose_name=_("nomination form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The form page counties nominate through. Give it a think-tank entry "
            "field, number fields for households helped and income raised, and "
            "file fields for photos; turn on reviewer scores."
        ),
    )
    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Publish the list of awards of this year on the public site."),
    )

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("title")]),
        PageChooserPanel("form_page", "kexie_forms.FormPage"),
        FieldPanel("intro"),
        FieldPanel("is_published"),
    ]

    class Meta:
        verbose_name = _("awards round")
        verbose_name_plural = _("awards rounds")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class AwardDecision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    AWARDED = "awarded", _("Awarded")
    DECLINED = "declined", _("Not awarded")


class Award(NomineeMixin):
    """A nomination's outcome: the decision and the award amount.

    Made from a reviewed submission of the round's form
    (``services.award_from_submission``); the evidence is copied from it and
    may be corrected here.
    """

    round = models.ForeignKey(
        AwardRound,
        verbose_name=_("awards round"),
        on_delete=models.PROTECT,
        related_name="awards",
    )
    submission = models.OneToOneField(
        "kexie_forms.FormSubmission",
        verbose_name=_("nomination"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kexie_award",
    )
    county = models.ForeignKey(
        "kexie_pages.County",
        verbose_name=_("nominating county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    households_helped = models.PositiveIntegerField(
        _("households helped"), null=True, blank=True
    )
    income_raised = models.DecimalField(
        _("income raised (10,000 yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=AwardDecision.choices,
        default=AwardDecision.PENDING,
        db_index=True,
    )
    amount = models.DecimalField(
        _("award amount (yuan)"),
        max_digits=10,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    citation = models.CharField(
        _("citation"),
        max_length=300,
        blank=True,
        help_text=_("One public sentence on what the award is for."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    panels = [
        FieldPanel("round"),
        MultiFieldPanel(
            [
                FieldPanel("association"),
                FieldPanel("demo_base"),
                FieldPanel("leader"),
            ],
            heading=_("Nominee"),
        ),
        FieldPanel("county"),
        FieldRowPanel([FieldPanel("households_helped"), FieldPanel("income_raised")]),
        FieldRowPanel([FieldPanel("decision"), FieldPanel("amount")]),
        FieldPanel("citation"),
    ]

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-round__year", "-amount", "id"]

    def __str__(self) -> str:
        nominee = self.nominee
        return f"{self.round.year} · {nominee}" if nominee else str(self.round.year)


class HonourCategory(models.TextChoices):
    UNIT = "unit", _("Advanced unit")
    INDIVIDUAL = "individual", _("Advanced individual")
    EXPERT = "expert", _("Expert of outstanding contribution")


class HonourRoll(ClusterableModel):
    """A year's commendation (表彰): advanced units, individuals and experts."""

    year = models.PositiveSmallIntegerField(
        pgettext_lazy("kexie recognition", "year"),
        unique=True,
        validators=YEAR_VALIDATORS,
    )
    title = models.CharField(
        pgettext_lazy("kexie recognition", "title"), max_length=100
    )
    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    issued_on = models.DateField(
        _("date of issue"), help_text=_("Printed on the certificates.")
    )
    is_published = models.BooleanField(_("published"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("issued_on")]),
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("is_published"),
        InlinePanel(
            "entries", heading=_("Honoured"), label=_("honoured unit or person")
        ),
    ]

    class Meta:
        verbose_name = _("honour roll")
        verbose_name_plural = _("honour rolls")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class HonourEntry(NomineeMixin, Orderable):
    """One unit or person on an honour roll, linked to the directories where it can be.

    Units that are not in the directories (county associations, societies,
    institutes) are named in ``name``. Experts of outstanding contribution get a
    certificate number when the roll is saved.
    """

    roll = ParentalKey(HonourRoll, on_delete=models.CASCADE, related_name="entries")
    category = models.CharField(
        pgettext_lazy("kexie recognition", "category"),
        max_length=12,
        choices=HonourCategory.choices,
    )
    name = models.CharField(
        pgettext_lazy("kexie recognition", "name"),
        max_length=100,
        blank=True,
        help_text=_("Needed when no directory entry is linked."),
    )
    expert = models.ForeignKey(
        "kexie_pages.Expert",
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    county = models.ForeignKey(
        "kexie_pages.County",
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    certificate_number = models.CharField(
        _("certificate number"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("Given automatically to experts of outstanding contribution."),
    )

    panels = [
        FieldPanel("category"),
        FieldPanel("name"),
        FieldRowPanel(
            [
                FieldPanel("expert"),
                FieldPanel("association"),
                FieldPanel("demo_base"),
                FieldPanel("leader"),
            ]
        ),
        FieldPanel("county"),
        FieldPanel("citation"),
        FieldPanel("certificate_number", read_only=True),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("honour roll entry")
        verbose_name_plural = _("honour roll entries")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="kexie_honour_certificate_number",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The honoured unit's or person's name."""
        if self.expert_id and self.expert:
            return self.expert.name
        nominee = self.nominee
        if nominee is not None:
            return nominee.name
        return self.name

    @property
    def nominee_directory(self) -> str:
        if self.expert_id:
            return "experts"
        return super().nominee_directory

    @property
    def linked_entry(self):
        """The directory entry this line names, if any."""
        return self.expert or self.nominee


class YearSummary(ClusterableModel):
    """Staff's part of a year-end summary (总结) of the city or of one county.

    The figures, charts and the appendix of agreements are read from the data
    each time the report is generated; staff add paragraphs and pick news.
    """

    year = models.PositiveSmallIntegerField(
        pgettext_lazy("kexie recognition", "year"), validators=YEAR_VALIDATORS
    )
    county = models.ForeignKey(
        "kexie_pages.County",
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the summary of the whole city."),
    )
    title = models.CharField(
        pgettext_lazy("kexie recognition", "title"), max_length=100
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("county")]),
        FieldPanel("title"),
        InlinePanel("paragraphs", heading=_("Paragraphs"), label=_("paragraph")),
        InlinePanel("highlights", heading=_("Highlights"), label=_("highlight")),
    ]

    class Meta:
        verbose_name = _("year-end summary")
        verbose_name_plural = _("year-end summaries")
        ordering = ["-year", "county__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "county"], name="kexie_year_summary_county"
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(county__isnull=True),
                name="kexie_year_summary_city",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SummaryParagraph(Orderable):
    """A paragraph of staff's own words in a summary, with an optional heading."""

    summary = ParentalKey(
        YearSummary, on_delete=models.CASCADE, related_name="paragraphs"
    )
    heading = models.CharField(_("heading"), max_length=100, blank=True)
    text = models.TextField(_("text"), max_length=5000)

    panels = [FieldPanel("heading"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("paragraph")


class SummaryHighlight(Orderable):
    """A news article staff chose as a highlight of the year."""

    summary = ParentalKey(
        YearSummary, on_delete=models.CASCADE, related_name="highlights"
    )
    article = models.ForeignKey(
        "kexie_pages.NewsPage",
        verbose_name=_("news article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("article", "kexie_pages.NewsPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("highlight")


class RecognitionPage(RoutablePageMixin, SectionPage):
    """The public side of recognition: awards by year and honour rolls by year.

    ``awards/<year>/`` lists a published round's awards, ``honours/<year>/`` a
    published honour roll; the page itself lists the years.
    """

    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("recognition page")

    @path("")
    def index_route(self, request):
        from . import views

        return views.recognition_index(request, self)

    @path("awards/<int:year>/", name="awards")
    def awards_route(self, request, year: int):
        from . import views

        return views.awards_year(request, self, year)

    @path("honours/<int:year>/", name="honours")
    def honours_route(self, request, year: int):
        from . import views

        return views.honour_roll_year(request, self, year)

    def get_sitemap_urls(self, request=None):
        from .selectors import award_rounds_public, honour_rolls_public

        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        for round_ in award_rounds_public():
            urls.append(
                {"location": base + self.reverse_subpage("awards", args=[round_.year])}
            )
        for roll in honour_rolls_public():
            urls.append(
                {"location": base + self.reverse_subpage("honours", args=[roll.year])}
            )
        return urls
