"""The rural science lecture hall (农村科普大讲堂): county training courses.

A :class:`CoursePage` is one course; a series ("every Tuesday in March") is one
course page with further sessions in an inline list (:class:`CourseSession`),
so staff never copy pages by hand and a series keeps one sign-up sheet, one
report and one URL. The page editor can fill that list for them (see
``courses.forms.CoursePageForm``: "repeat weekly until …").

Sign-ups (:class:`CourseRegistration`) are plain models, never part of a page
revision, and are written only through ``courses.services``.
"""

import datetime
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..base.blocks import BaseStreamBlock
from ..base.models import County, IndustryCategory, SectionPage
from ..base.slugs import PinyinSlugMixin
from ..search import ChineseSearchField
from .forms import CoursePageForm, CourseRegistrationForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COURSES_PER_PAGE = 12
WEEKDAY_INITIALS = [
    pgettext_lazy("weekday initial", "Mon"),
    pgettext_lazy("weekday initial", "Tue"),
    pgettext_lazy("weekday initial", "Wed"),
    pgettext_lazy("weekday initial", "Thu"),
    pgettext_lazy("weekday initial", "Fri"),
    pgettext_lazy("weekday initial", "Sat"),
    pgettext_lazy("weekday initial", "Sun"),
]


class CourseStatus(models.TextChoices):
    """Where a course stands, derived from its dates and its cancelled flag."""

    UPCOMING = "upcoming", _("Upcoming")
    IN_PROGRESS = "in_progress", pgettext_lazy("course status", "In progress")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", pgettext_lazy("course status", "Cancelled")


class Occurrence(NamedTuple):
    """One dated session of a course, as calendars and feeds show it."""

    course: "CoursePage"
    uid_suffix: str
    start: datetime.datetime
    end: datetime.datetime
    cancelled: bool
    note: str


class LectureHallPage(RoutablePageMixin, SectionPage):
    """The lecture hall: lists courses, a month calendar and calendar feeds.

    Routes: the listing (``/``), ``calendar/`` and ``calendar/<year>/<month>/``,
    ``ics/`` (an iCalendar feed of every course) and ``ics/<county code>/``.
    (Wagtail serves only slash-terminated paths without dots, so the feeds
    are named by their Content-Disposition, not their URL.)
    """

    subpage_types = ["kexie_pages.CoursePage"]

    class Meta:
        verbose_name = _("lecture hall page")

    def courses(self) -> models.QuerySet:
        """The live, public courses of this lecture hall, with what listings show."""
        return (
            CoursePage.objects.child_of(self)
            .live()
            .public()
            .select_related("county", "category")
        )

    @path("")
    def index_route(self, request, *args, **kwargs):
        from . import views

        return views.lecture_hall(request, self)

    @path("calendar/", name="calendar_current")
    @path("calendar/<int:year>/<int:month>/", name="calendar")
    def calendar_route(
        self, request, year: int | None = None, month: int | None = None
    ):
        from . import views

        return views.lecture_hall_calendar(request, self, year=year, month=month)

    @path("ics/", name="feed")
    def feed_route(self, request):
        from . import views

        return views.lecture_hall_feed(request, self)

    @re_path(r"^ics/(?P<code>\d{6})/$", name="county_feed")
    def county_feed_route(self, request, code: str):
        from . import views

        return views.lecture_hall_feed(request, self, county_code=code)


class CoursePage(PinyinSlugMixin, RoutablePageMixin, Page):
    """One training course, or a series of sessions sharing one sign-up sheet.

    Routes: the page itself, ``register/`` (POST only: the public sign-up)
    and ``ics/`` (an "add to calendar" file with every session).
    """

    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    category = models.ForeignKey(
        IndustryCategory,
        verbose_name=_("industry category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    venue = models.CharField(
        _("venue"),
        max_length=100,
        help_text=_("Township or village and the room, e.g. 城郊乡王庄村党群服务中心."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    start = models.DateTimeField(
        _("start"), help_text=_("Beijing time. For a series: the first session.")
    )
    end = models.DateTimeField(_("end"), help_text=_("Beijing time."))
    last_end = models.DateTimeField(
        _("end of the last session"),
        editable=False,
        db_index=True,
        help_text=_("Kept up to date on save: the latest end over all sessions."),
    )
    summary = models.TextField(_("summary"), max_length=300, blank=True)
    techniques = models.TextField(
        _("techniques taught"),
        max_length=500,
        blank=True,
        help_text=_("One technique per line."),
    )
    audience = models.CharField(_("audience"), max_length=100, blank=True)
    what_to_bring = models.CharField(
        _("what to bring"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown on the course page and repeated in the sign-up confirmation, "
            "e.g. a diseased wheat ear, a notebook."
        ),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats for sign-ups. Leave empty for no limit."),
    )
    registration_required = models.BooleanField(
        _("registration needed"),
        default=True,
        help_text=_(
            "Untick for courses anyone can walk into: the page then says no sign-up is needed."
        ),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancellation_notice = models.CharField(
        _("cancellation notice"), max_length=200, blank=True
    )
    attendance_total = models.PositiveIntegerField(
        _("attendance"), null=True, blank=True
    )
    attendance_poor = models.PositiveIntegerField(
        _("of which poor-household members"), null=True, blank=True
    )
    report = models.TextField(_("report"), max_length=2000, blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("county"), FieldPanel("category")]),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
            ],
            heading=_("When and where"),
        ),
        InlinePanel(
            "sessions",
            heading=_("Further sessions"),
            label=pgettext_lazy("course", "session"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("repeat_weekly_until"),
                FieldPanel("repeat_every_weeks"),
            ],
            heading=_("Repeat"),
            help_text=_(
                "To make a series, fill in the first session above and a last "
                "date here: the sessions are added on save."
            ),
        ),
        InlinePanel(
            "lecturers", heading=_("Lecturers"), label=_("lecturer"), min_num=0
        ),
        FieldPanel("summary"),
        FieldPanel("techniques"),
        FieldPanel("audience"),
        FieldPanel("what_to_bring"),
        FieldRowPanel([FieldPanel("registration_required"), FieldPanel("capacity")]),
        FieldPanel("body"),
        InlinePanel(
            "related_pages", heading=_("Related booklets and needs"), label=_("link")
        ),
        MultiFieldPanel(
            [FieldPanel("cancelled"), FieldPanel("cancellation_notice")],
            heading=_("Cancellation"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("attendance_total"), FieldPanel("attendance_poor")]
                ),
                FieldPanel("report"),
                InlinePanel("photos", label=_("photo")),
            ],
            heading=_("After the course"),
        ),
    ]
    search_fields = Page.search_fields + [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("summary"),
        ChineseSearchField("techniques"),
        ChineseSearchField("venue"),
        ChineseSearchField("body"),
        index.FilterField("start"),
        index.FilterField("county"),
        index.FilterField("category"),
        index.RelatedFields("lecturers", [ChineseSearchField("name")]),
    ]
    api_fields = [
        APIField("county"),
        APIField("county_code"),
        APIField("county_name"),
        APIField("category"),
        APIField("category_slug"),
        APIField("category_name"),
        APIField("venue"),
        APIField("address"),
        APIField("start"),
        APIField("end"),
        APIField("last_end"),
        APIField("status"),
        APIField("summary"),
        APIField("techniques"),
        APIField("audience"),
        APIField("what_to_bring"),
        APIField("capacity"),
        APIField("registration_required"),
        APIField("cancelled"),
        APIField("cancellation_notice"),
        APIField("body"),
        APIField("sessions"),
        APIField("lecturers"),
        APIField("attendance_total"),
        APIField("attendance_poor"),
        APIField("report"),
    ]
    parent_page_types = ["kexie_pages.LectureHallPage"]
    subpage_types: list[str] = []
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course page")
        indexes = [models.Index(fields=["start"], name="kexie_course_start")]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The course must end after it starts.")
        if not (self.venue or "").strip():
            errors["venue"] = _(
                "Enter the venue: the township or village where the course is held."
            )
        if (
            self.attendance_total is not None
            and self.attendance_poor is not None
            and self.attendance_poor > self.attendance_total
        ):
            errors["attendance_poor"] = _(
                "Poor-household attendance cannot exceed the total attendance."
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # ``last_end`` drives "upcoming" versus "past" in every listing, so it
        # is derived here from the in-memory sessions, revisions included.
        # Saves limited to other fields (e.g. ``save_revision()`` of a draft,
        # whose sessions are not live yet) leave it alone.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"start", "end"} & set(update_fields):
            ends = [self.end] + [s.end for s in self.sessions.all() if s.end]
            self.last_end = max(e for e in ends if e) if self.end else self.start
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "last_end"]
        return super().save(*args, **kwargs)

    # --- derived values ---------------------------------------------------

    def get_status(self, now: datetime.datetime | None = None) -> str:
        """Upcoming, in progress, held or cancelled, as of ``now``."""
        now = now or timezone.now()
        if self.cancelled:
            return CourseStatus.CANCELLED
        if now < self.start:
            return CourseStatus.UPCOMING
        if now <= self.last_end:
            return CourseStatus.IN_PROGRESS
        return CourseStatus.HELD

    @property
    def status(self) -> str:
        return self.get_status()

    @property
    def status_label(self) -> "StrOrPromise":
        return CourseStatus(self.status).label

    @property
    def county_code(self) -> str:
        return self.county.code if self.county_id else ""

    @property
    def county_name(self) -> str:
        return self.county.name if self.county_id else ""

    @property
    def category_slug(self) -> str:
        return self.category.slug if self.category else ""

    @property
    def category_name(self) -> str:
        return self.category.name if self.category else ""

    @property
    def technique_list(self) -> list[str]:
        return [line.strip() for line in self.techniques.splitlines() if line.strip()]

    @property
    def has_report(self) -> bool:
        return bool(self.report or self.attendance_total is not None)

    def occurrences(self, sessions: list | None = None) -> list[Occurrence]:
        """Every session of the course in date order, the first one included.

        ``sessions`` lets bulk readers (feeds, calendars) pass sessions they
        fetched for many courses at once.
        """
        if sessions is None:
            sessions = self.sessions.all()
        items = [Occurrence(self, "", self.start, self.end, self.cancelled, "")] + [
            Occurrence(
                self,
                f"-s{session.pk or index}",
                session.start,
                session.end,
                self.cancelled or session.cancelled,
                session.note,
            )
            for index, session in enumerate(sessions, start=1)
        ]
        return sorted(items, key=lambda o: o.start)

    @cached_property
    def lecturer_names(self) -> list[str]:
        return [lecturer.name for lecturer in self.lecturers.all()]

    def seats(self) -> dict:
        """Public counts for the sign-up box: no names, no phone numbers."""
        from .selectors import course_seat_counts

        return course_seat_counts(course=self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("registration_form", CourseRegistrationForm())
        context["signup_result"] = request.GET.get("signup", "")
        context["registration_open"] = self.registration_open()
        return context

    def registration_open(self, now: datetime.datetime | None = None) -> bool:
        """Whether the public sign-up form is shown at all."""
        now = now or timezone.now()
        return self.registration_required and not self.cancelled and now < self.start

    @path("")
    def course_route(self, request, *args, **kwargs):
        from . import views

        return views.course_page(request, self)

    @path("register/", name="register")
    def register_route(self, request):
        from . import views

        return views.course_register_view(request, course=self)

    @path("ics/", name="ics")
    def ics_route(self, request):
        from . import views

        return views.course_feed(request, self)


class CourseSession(Orderable):
    """A further session of a course series (the first one is on the course)."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="sessions")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    note = models.CharField(_("note"), max_length=100, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("note"),
        FieldPanel("cancelled"),
    ]
    api_fields = [
        APIField("start"),
        APIField("end"),
        APIField("note"),
        APIField("cancelled"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = pgettext_lazy("course", "session")
        verbose_name_plural = pgettext_lazy("course", "sessions")

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("A session must end after it starts.")})


class CourseLecturer(Orderable):
    """A lecturer of a course: an expert of the think tank, or a guest by name.

    Choosing an expert fills in the name and affiliation when they are left
    blank; a guest lecturer who is not in the directory is just a name.
    """

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="lecturers")
    expert = models.ForeignKey(
        "kexie_pages.Expert",
        verbose_name=_("expert from the think tank"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lectures",
    )
    name = models.CharField(
        pgettext_lazy("person", "name"),
        max_length=50,
        blank=True,
        help_text=_("Leave blank to use the chosen expert's name."),
    )
    affiliation = models.CharField(
        _("title and affiliation"), max_length=100, blank=True
    )

    panels = [FieldPanel("expert"), FieldPanel("name"), FieldPanel("affiliation")]
    api_fields = [APIField("name"), APIField("affiliation")]

    class Meta(Orderable.Meta):
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.expert is not None:
            self.name = self.name or self.expert.name
            self.affiliation = self.affiliation or " ".join(
                part for part in (self.expert.title, self.expert.employer) if part
            )
        if not self.name:
            raise ValidationError(
                {"name": _("Choose an expert or type the lecturer's name.")}
            )


class CourseRelatedPage(Orderable):
    """A link from a course to a related booklet or need (any page for now)."""

    course = ParentalKey(
        CoursePage, on_delete=models.CASCADE, related_name="related_pages"
    )
    page = models.ForeignKey(
        Page,
        verbose_name=pgettext_lazy("related page", "page"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("related page")
        verbose_name_plural = _("related pages")


class CoursePhoto(Orderable):
    """A photo of the course taking place, shown with its report."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=pgettext_lazy("course photo", "image"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CourseRegistration(models.Model):
    """A farmer's sign-up for a course. Personal data: staff eyes only."""

    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=30)
    phone = models.CharField(_("mobile phone"), max_length=11)
    village = models.CharField(_("village"), max_length=50)
    status = models.CharField(
        pgettext_lazy("course sign-up", "status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    panels = [
        FieldPanel("course"),
        FieldPanel("name"),
        FieldPanel("phone"),
        FieldPanel("village"),
        FieldPanel("status"),
    ]

    class Meta:
        ordering = ["course", "created_at", "id"]
        verbose_name = _("course sign-up")
        verbose_name_plural = _("course sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "phone"], name="kexie_course_signup_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.course}"

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}" if self.phone else ""


class CourseSeatLock(models.Model):
    """One row per course that sign-ups write to first, to queue up.

    Writing this row is the first statement of every sign-up transaction, so
    PostgreSQL holds a row lock and SQLite takes its write lock before the
    seats are counted: concurrent sign-ups are serialised per course (per
    database on SQLite) and capacity can never be exceeded.
    """

    course = models.OneToOneField(
        CoursePage, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    confirmed = models.PositiveIntegerField(default=0)
    waitlisted = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("course seat count")

    def __str__(self) -> str:
        return f"{self.course_id}: {self.confirmed} + {self.waitlisted}"
