"""Free popular-science booklets (科普图书资料): a download library for cheap phones.

A ``BookletPage`` wraps one Wagtail document (a PDF). Its size and page count
are read from the file itself whenever the file changes, never typed by staff.
Downloads go through the page's ``download/`` route, which serves the file with
HTTP range support and counts it (see ``booklets.downloads``); the counts
live in ``BookletDownloadCount``, one row per booklet, month and source.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page
from wagtail.query import PageQuerySet
from wagtail.search import index

from ..base.models import IndustryCategory, SectionPage
from ..base.selectors import public_pages
from ..base.slugs import PinyinSlugMixin
from ..pdf import NotAPDF, pdf_facts
from ..search import ChineseSearchField

BOOKLETS_PER_PAGE = 12
SORTS = {"new": "-first_published_at", "popular": "-total_downloads"}


def annotate_downloads(queryset: PageQuerySet) -> PageQuerySet:
    """Add ``total_downloads`` (flushed counts, all months and sources) to booklets."""
    totals = (
        BookletDownloadCount.objects.filter(booklet=OuterRef("pk"))
        .values("booklet")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return queryset.annotate(
        total_downloads=Coalesce(
            Subquery(totals), 0, output_field=models.BigIntegerField()
        )
    )


#: A ``?src=`` tag (where a download came from: poster, wechat, …).
_SOURCE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")

#: Tags always counted on their own (setting ``KEXIE_DOWNLOAD_SOURCES``).
DEFAULT_DOWNLOAD_SOURCES = ("poster", "wechat", "qr", "web", "print")
#: Where downloads with a tag past a booklet's allowance are counted.
OTHER_SOURCE = "other"


def clean_source(value: str) -> str:
    """The ``?src=`` tag as stored: letters, digits, ``-`` and ``_``, else ``""``."""
    value = (value or "").strip()
    return value.lower() if _SOURCE_RE.fullmatch(value) else ""


def known_sources() -> frozenset[str]:
    """The tags every booklet counts separately, from ``KEXIE_DOWNLOAD_SOURCES``."""
    configured = getattr(settings, "KEXIE_DOWNLOAD_SOURCES", DEFAULT_DOWNLOAD_SOURCES)
    return frozenset(clean_source(tag) for tag in configured) - {""}


def extra_sources_allowed() -> int:
    """How many other tags one booklet may count separately (staff's own posters).

    ``KEXIE_DOWNLOAD_MAX_EXTRA_SOURCES``, default 10; downloads with further
    new tags are counted under ``other``, so nobody can add rows at will.
    """
    return int(getattr(settings, "KEXIE_DOWNLOAD_MAX_EXTRA_SOURCES", 10))


class BookletIndexPage(SectionPage):
    """The booklet library (科普图书资料): filter by category and keyword, sort by newest or most downloaded."""

    subpage_types = ["kexie_pages.BookletPage"]

    class Meta:
        verbose_name = _("booklet library")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        booklets = annotate_downloads(
            public_pages(BookletPage.objects.child_of(self).live())
        ).select_related("category", "cover", "document")
        # The covers' renditions in one query: Wagtail finds the list's four
        # there instead of reading (and writing back) the renditions cache
        # once a cover.
        booklets = booklets.prefetch_related("cover__renditions")
        categories = IndustryCategory.objects.filter(pk__in=booklets.values("category"))
        slug = request.GET.get("category", "")
        category = categories.filter(slug=slug).first() if slug else None
        if category:
            booklets = booklets.filter(category=category)
        query = request.GET.get("q", "").strip()[:100]
        if query:
            # Search first, then filter: the annotation and ordering stay plain SQL.
            found = booklets.search(query, order_by_relevance=False)
            booklets = booklets.filter(pk__in=[b.pk for b in found])
        sort = request.GET.get("sort", "new")
        if sort not in SORTS:
            sort = "new"
        booklets = booklets.order_by(SORTS[sort], "-pk")
        context.update(
            search_query=query,
            categories=categories,
            category=category,
            sort=sort,
            booklets=Paginator(booklets, BOOKLETS_PER_PAGE).get_page(
                request.GET.get("page")
            ),
        )
        return context


class BookletPage(PinyinSlugMixin, RoutablePageMixin, Page):
    """One free booklet: its cover, what it teaches, and the PDF to download."""

    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
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
    techniques = models.CharField(
        _("techniques covered"),
        max_length=200,
        blank=True,
        help_text=_("Separate with commas, e.g. 'seed dressing, spring fertiliser'."),
    )
    summary = models.TextField(_("summary"), max_length=500)
    audience = models.CharField(_("audience"), max_length=100, blank=True)
    publisher = models.CharField(_("publisher"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("year published"), null=True, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF file"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Read from the file (see kexie_pages.pdf), never typed by staff.
    file_size = models.PositiveBigIntegerField(
        _("file size"), null=True, editable=False
    )
    page_count = models.PositiveIntegerField(_("page count"), null=True, editable=False)
    file_hash = models.CharField(max_length=40, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("cover"),
        FieldPanel("document"),
        HelpPanel(
            template="kexie_pages/admin/booklet_file_panel.html",
            heading=_("File and downloads"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("techniques"),
                FieldPanel("audience"),
                FieldPanel("publisher"),
                FieldPanel("year"),
            ],
            heading=_("About the booklet"),
        ),
        FieldPanel("summary"),
        InlinePanel(
            "related_pages",
            heading=_("Related courses and needs"),
            label=_("related page"),
        ),
    ]
    search_fields = Page.search_fields + [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("techniques", boost=1.5),
        ChineseSearchField("summary"),
        ChineseSearchField("audience"),
        ChineseSearchField("publisher"),
        index.FilterField("category"),
        index.FilterField("year"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("techniques_list"),
        APIField("audience"),
        APIField("publisher"),
        APIField("year"),
        APIField("category_name"),
        APIField("cover_url"),
        APIField("download_url"),
        APIField("file_size"),
        APIField("page_count"),
        APIField("download_count"),
    ]
    parent_page_types = ["kexie_pages.BookletIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("booklet")

    # --- derived file facts ---------------------------------------------------

    def clean(self):
        super().clean()

        if self.document is None:
            return
        if self.page_count and self.file_hash == self.document.get_file_hash():
            return  # this very file was checked when it was chosen
        try:
            facts = pdf_facts(self.document)
        except NotAPDF as error:
            raise ValidationError({"document": error.message}) from error
        self.file_size, self.page_count = facts.size, facts.pages
        self.file_hash = self.document.get_file_hash()

    def save(self, *args, **kwargs):
        if self.document is None or self.file_hash != self.document.get_file_hash():
            self.refresh_file_facts()
        saved = super().save(*args, **kwargs)
        if self.document is not None:
            from .tasks import booklet_lite_schedule

            booklet_lite_schedule(document=self.document, file_size=self.file_size)
        return saved

    def refresh_file_facts(self) -> None:
        """Re-read size and page count from the document (a bad file leaves them
        empty, and so does no document)."""
        document = self.document
        if document is None:
            self.file_size = self.page_count = None
            self.file_hash = ""
            return
        try:
            facts = pdf_facts(document)
        except NotAPDF:
            self.file_size, self.page_count = document.file_size, None
        else:
            self.file_size, self.page_count = facts.size, facts.pages
        self.file_hash = document.get_file_hash()

    # --- what templates and the API show --------------------------------------

    @property
    def techniques_list(self) -> list[str]:
        normalised = self.techniques.replace("，", ",").replace("、", ",")
        return [t.strip() for t in normalised.split(",") if t.strip()]

    @property
    def category_name(self) -> str:
        return self.category.name if self.category else ""

    @property
    def cover_url(self) -> str | None:
        if self.cover is None:
            return None
        return self.cover.get_rendition("fill-320x452|format-jpeg|jpegquality-70").url

    @property
    def download_path(self) -> str:
        """The stable download path: ``/b/<id>/download/`` where the site includes
        ``kexie_pages.urls`` (fewest queries, survives slug changes), else the page's route."""
        try:
            return reverse("kexie_booklet_download", args=[self.pk])
        except NoReverseMatch:
            return self.url + self.reverse_subpage("download")

    @property
    def download_url(self) -> str | None:
        """The absolute download address, for the API."""
        if self.document is None:
            return None
        site = self.get_site()
        return (site.root_url if site else "") + self.download_path

    @property
    def download_count(self) -> int:
        total = getattr(self, "total_downloads", None)
        if total is None:
            total = (
                BookletDownloadCount.objects.filter(booklet=self).aggregate(
                    total=Sum("count")
                )["total"]
                or 0
            )
        return total

    def download_filename(self) -> str:
        """The name the browser saves the file as: the Chinese title, with the file's extension."""
        extension = self.document.file_extension.lower() if self.document else "pdf"
        safe = "".join(c for c in self.title if c not in '\\/:*?"<>|\r\n\t').strip()
        return f"{safe or 'booklet'}.{extension or 'pdf'}"

    def share_url(self, request: HttpRequest, source: str) -> str:
        """The absolute address a QR code points at: short where the site allows."""
        try:
            path_ = reverse("kexie_booklet_short", args=[self.pk])
        except NoReverseMatch:
            path_ = self.get_url(request)
        url = request.build_absolute_uri(path_)
        source = clean_source(source)
        return f"{url}?src={source}" if source else url

    # --- routes ----------------------------------------------------------------

    def lite_edition(self) -> "BookletLiteEdition | None":
        """The lite edition of the current PDF, once made and worth offering."""
        if self.document_id is None:
            return None
        return (
            BookletLiteEdition.objects.filter(
                original_id=self.document_id,
                source_hash=self.file_hash,
                lite__isnull=False,
            )
            .select_related("lite")
            .first()
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        source = clean_source(request.GET.get("src", ""))
        download = self.download_path
        context["download_link"] = f"{download}?src={source}" if source else download
        context["lite"] = lite = self.lite_edition()
        if lite:
            lite_path = self.url + self.reverse_subpage("download_lite")
            context["lite_link"] = f"{lite_path}?src={source}" if source else lite_path
        context["related"] = [
            link.page.specific
            for link in self.related_pages.select_related("page")
            if link.page and link.page.live
        ]
        return context

    @path("download/", name="download")
    def download_route(self, request: HttpRequest) -> HttpResponseBase:
        from . import views

        return views.booklet_download(request, self)

    @path("download/lite/", name="download_lite")
    def download_lite_route(self, request: HttpRequest) -> HttpResponseBase:
        from . import views

        return views.booklet_download(request, self, lite=True)

    @path("qr-svg/", name="qr_svg")
    def qr_svg_route(self, request: HttpRequest) -> HttpResponse:
        from . import views

        return views.booklet_qr(request, self, image_format="svg")

    @path("qr-png/", name="qr_png")
    def qr_png_route(self, request: HttpRequest) -> HttpResponse:
        from . import views

        return views.booklet_qr(request, self, image_format="png")

    @path("poster/", name="poster")
    def poster_route(self, request: HttpRequest) -> HttpResponse:
        from . import views

        return views.booklet_poster(request, self)


class BookletRelatedPage(Orderable):
    """A page linked from a booklet: a lecture-hall course or a need.

    Courses (issue 7) and needs (issue 4) have no page types yet, so any page
    may be chosen; once they exist, narrow ``page``'s chooser with
    ``PageChooserPanel("page", ["kexie_pages.CoursePage", ...])``.
    """

    booklet = ParentalKey(
        BookletPage, on_delete=models.CASCADE, related_name="related_pages"
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=pgettext_lazy("related page", "page"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("related page")


class BookletDownloadCount(models.Model):
    """Downloads of one booklet in one month from one source (``?src=``).

    Written only by ``downloads.DownloadCounter.flush``, which
    adds buffered increments, so a download never waits on this table.
    """

    booklet = models.ForeignKey(
        BookletPage,
        verbose_name=_("booklet"),
        on_delete=models.CASCADE,
        related_name="download_counts",
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    source = models.CharField(_("source"), max_length=32, blank=True)
    count = models.PositiveBigIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("booklet download count")
        verbose_name_plural = _("booklet download counts")
        constraints = [
            models.UniqueConstraint(
                fields=["booklet", "month", "source"],
                name="unique_booklet_month_source",
            )
        ]
        ordering = ["-month", "source"]

    def __str__(self) -> str:
        return f"{self.booklet_id} {self.month:%Y-%m} {self.source}: {self.count}"


class BookletLiteEdition(models.Model):
    """The lighter copy of a booklet PDF over 1 MB (``booklets.lite``).

    One per original document, for the file whose hash it records; ``lite`` is
    empty when the rewrite saved too little to be worth offering (a PDF of text
    only, say). The lite file is a Wagtail document in the original's
    collection, so the same privacy rules serve it.
    """

    original = models.OneToOneField(
        "wagtaildocs.Document",
        verbose_name=_("original PDF"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    source_hash = models.CharField(_("hash of the original"), max_length=40)
    lite = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("lite PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lite booklet edition")
        verbose_name_plural = _("lite booklet editions")

    def __str__(self) -> str:
        return f"{self.original_id} → {self.lite_id}"
