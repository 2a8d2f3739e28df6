"""The news section (宣传): categories, the news index page, articles, and the
links from an article to the agreements, needs, courses and think-tank entries
it is about.

Articles travel: RSS and Atom feeds (``news.feeds``) for all news, per
category and per county; a share card and Open Graph tags (``base.sharing``);
a print stylesheet and a QR code per article (``news.views``).
"""

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from ..base.blocks import BaseStreamBlock
from ..base.models import County, IndustryCategory, SectionPage
from ..base.slugs import PinyinSlugMixin
from ..search import ChineseSearchField

#: The article's links in the editor: the link's target field and its label.
LINK_PANELS = [
    ("agreement", pgettext_lazy("news links", "agreements")),
    ("need", pgettext_lazy("news links", "needs")),
    ("course", pgettext_lazy("news links", "courses")),
    ("expert", pgettext_lazy("news links", "experts")),
    ("achievement", pgettext_lazy("news links", "technology achievements")),
    ("association", pgettext_lazy("news links", "rural technical associations")),
    ("demonstration_base", pgettext_lazy("news links", "demonstration bases")),
    ("tech_leader", pgettext_lazy("news links", "tech-leaders")),
]


class NewsCategory(models.Model):
    """A kind of news (工作动态, 经验交流, 媒体报道, 品牌活动), each with its own feed."""

    name = models.CharField(
        pgettext_lazy("taxonomy", "name"), max_length=30, unique=True
    )
    slug = models.SlugField(
        pgettext_lazy("taxonomy", "slug"), max_length=40, unique=True
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def __str__(self) -> str:
        return self.name


class NewsIndexPage(RoutablePageMixin, SectionPage):
    """The news section: articles newest first, filtered by category and county,
    and the feeds (``feed/rss/``, ``feed/atom/``, each also per category and county)."""

    subpage_types = ["kexie_pages.NewsPage"]

    class Meta:
        verbose_name = _("news index page")

    @path("")
    def index_route(self, request: HttpRequest) -> HttpResponse:
        from . import views

        return views.news_index(request, self)

    @re_path(r"^feed/(?P<kind>rss|atom)/$", name="feed")
    def feed_route(self, request: HttpRequest, kind: str) -> HttpResponse:
        from . import views

        return views.news_feed(request, self, kind=kind)

    @re_path(
        r"^feed/(?P<kind>rss|atom)/category/(?P<slug>[-\w]+)/$", name="category_feed"
    )
    def category_feed_route(
        self, request: HttpRequest, kind: str, slug: str
    ) -> HttpResponse:
        from . import views

        return views.news_feed(request, self, kind=kind, category=slug)

    @re_path(r"^feed/(?P<kind>rss|atom)/county/(?P<code>\d{6})/$", name="county_feed")
    def county_feed_route(
        self, request: HttpRequest, kind: str, code: str
    ) -> HttpResponse:
        from . import views

        return views.news_feed(request, self, kind=kind, county=code)


class NewsPage(PinyinSlugMixin, RoutablePageMixin, Page):
    """A news article about the programme's work."""

    date = models.DateField(_("date"))
    intro = models.TextField(_("summary"), max_length=300)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    news_category = models.ForeignKey(
        NewsCategory,
        verbose_name=_("news category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the article is shared; without one a card is drawn."),
    )
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        IndustryCategory,
        verbose_name=_("industry category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("date"),
                FieldPanel("news_category"),
                FieldPanel("county"),
                FieldPanel("category"),
            ],
            heading=_("Date and place"),
        ),
        FieldPanel("intro"),
        FieldPanel("cover"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                MultipleChooserPanel(
                    f"{field}_links", chooser_field_name=field, label=label
                )
                for field, label in LINK_PANELS
            ],
            heading=_("What the article is about"),
        ),
    ]
    search_fields = Page.search_fields + [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("intro"),
        ChineseSearchField("body"),
        index.FilterField("date"),
        index.FilterField("county"),
        index.FilterField("category"),
        index.FilterField("news_category"),
    ]
    api_fields = [
        APIField("date"),
        APIField("intro"),
        APIField("body"),
        APIField("county_name"),
        APIField("category_name"),
        APIField("news_category_name"),
    ]
    parent_page_types = ["kexie_pages.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news page")

    @property
    def county_name(self) -> str:
        return self.county.name if self.county else ""

    @property
    def category_name(self) -> str:
        return self.category.name if self.category else ""

    @property
    def news_category_name(self) -> str:
        return self.news_category.name if self.news_category else ""

    def share_url(self, request: HttpRequest | None = None) -> str:
        """The absolute address a QR code points at: ``/n/<id>/`` where the site
        includes ``kexie_pages.urls`` (survives slug changes), else the page's own."""
        # The request's site when there is one: Wagtail's ``get_site()`` asks
        # the database again.
        site = Site.find_for_request(request) if request else self.get_site()
        try:
            short = reverse("kexie_news_short", args=[self.pk])
        except NoReverseMatch:
            return self.get_full_url(request) or ""
        return (site.root_url if site else "") + short

    def get_context(self, request, *args, **kwargs):
        from .selectors import article_links_public
        from .views import news_article_context

        context = super().get_context(request, *args, **kwargs)
        context["links"] = article_links_public(article=self)
        context["share_url"] = self.share_url(request)
        context.update(news_article_context(request, self))
        return context

    @path("qr-png/", name="qr_png")
    def qr_png_route(self, request: HttpRequest) -> HttpResponse:
        from . import views

        return views.news_qr(request, self, image_format="png")

    @path("qr-svg/", name="qr_svg")
    def qr_svg_route(self, request: HttpRequest) -> HttpResponse:
        from . import views

        return views.news_qr(request, self, image_format="svg")


class NewsLink(Orderable):
    """What every link from an article to what it is about has: the article."""

    page = ParentalKey(NewsPage, on_delete=models.CASCADE)

    #: The name of the foreign key to the linked thing (set by each subclass).
    target_field = ""

    class Meta(Orderable.Meta):
        abstract = True

    @property
    def target(self):
        return getattr(self, self.target_field)


class NewsAgreementLink(NewsLink):
    page = ParentalKey(
        NewsPage, on_delete=models.CASCADE, related_name="agreement_links"
    )
    agreement = models.ForeignKey(
        "kexie_pages.Agreement",
        verbose_name=pgettext_lazy("news link", "agreement"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_field = "agreement"
    panels = [FieldPanel("agreement")]


class NewsNeedLink(NewsLink):
    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="need_links")
    need = models.ForeignKey(
        "kexie_pages.Need",
        verbose_name=pgettext_lazy("news link", "need"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_field = "need"
    panels = [FieldPanel("need")]


class NewsCourseLink(NewsLink):
    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="course_links")
    course = models.ForeignKey(
        "kexie_pages.CoursePage",
        verbose_name=pgettext_lazy("news link", "course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_field = "course"
    panels = [FieldPanel("course")]


class NewsExpertLink(NewsLink):
    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="expert_links")
    expert = models.ForeignKey(
        "kexie_pages.Expert",
        verbose_name=pgettext_lazy("news link", "expert"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_field = "expert"
    panels = [FieldPanel("expert")]


class NewsAchievementLink(NewsLink):
    page = ParentalKey(
        NewsPage, on_delete=models.CASCADE, related_name="achievement_links"
    )
    achievement = models.ForeignKey(
        "kexie_pages.Achievement",
        verbose_name=pgettext_lazy("news link", "achievement"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_field = "achievement"
    panels = [FieldPanel("achievement")]


class NewsAssociationLink(NewsLink):
    page = ParentalKey(
        NewsPage, on_delete=models.CASCADE, related_name="association_links"
    )
    association = models.ForeignKey(
        "kexie_pages.Association",
        verbose_name=pgettext_lazy("news link", "association"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_field = "association"
    panels = [FieldPanel("association")]


class NewsDemonstrationBaseLink(NewsLink):
    page = ParentalKey(
        NewsPage, on_delete=models.CASCADE, related_name="demonstration_base_links"
    )
    demonstration_base = models.ForeignKey(
        "kexie_pages.DemonstrationBase",
        verbose_name=pgettext_lazy("news link", "demonstration base"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_field = "demonstration_base"
    panels = [FieldPanel("demonstration_base")]


class NewsTechLeaderLink(NewsLink):
    page = ParentalKey(
        NewsPage, on_delete=models.CASCADE, related_name="tech_leader_links"
    )
    tech_leader = models.ForeignKey(
        "kexie_pages.TechLeader",
        verbose_name=pgettext_lazy("news link", "tech-leader"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_field = "tech_leader"
    panels = [FieldPanel("tech_leader")]
