"""Results (成效): attendance, techniques, trainee outcomes, targets and milestones.

The programme's follow-through is measured here. Attendance is taken from a
course's sign-up sheet (:class:`CheckInSheet` per session, one
:class:`Attendance` per farmer and session), by staff or by the farmer with the
session's short code; the techniques a course teaches come from a staff-edited
list per industry (:class:`Technique`, :class:`CourseTechniques`); each farmer
(:class:`Trainee`, known by mobile number: personal data, staff eyes only)
learns the techniques of the courses they attended and joins income projects
(:class:`IncomeProject`, entered by staff); each county has a yearly target
(:class:`TrainingTarget`). :class:`MilestoneStep` holds the year's steps and
due dates; what each county delivered is derived from the data (``selectors``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from ..base.models import County, IndustryCategory, SectionPage
from ..courses.models import CoursePage, CourseRegistration, CourseSession


class IncomeProjectKind(models.TextChoices):
    """The income projects the programme counts (DESIGN §1)."""

    PLANTING = "planting", _("Planting")
    BREEDING = "breeding", _("Livestock breeding")
    UNDER_FOREST = "under_forest", _("Under-forest economy")
    FLOWERS = "flowers", _("Flowers and seedlings")
    FACILITY = "facility", _("Facility and leisure agriculture")


class CheckInMethod(models.TextChoices):
    STAFF = "staff", _("By staff")
    CODE = "code", _("With the session's code")


class MilestoneKind(models.TextChoices):
    """The programme's steps, each measured by what the data shows (selectors)."""

    # Step names, which share English with figures' labels but not Chinese.
    NEEDS = "needs", pgettext_lazy("kexie milestone", "Needs reported")
    THINK_TANK = "think_tank", _("Think tank built")
    AGREEMENTS = "agreements", pgettext_lazy("kexie milestone", "Agreements signed")
    PROJECTS = "projects", _("Projects carried out")
    SUMMARY = "summary", _("Year-end summary")


class Technique(models.Model):
    """A practical technique a course can teach, in an industry's staff-edited list."""

    category = models.ForeignKey(
        IndustryCategory,
        verbose_name=_("industry category"),
        on_delete=models.CASCADE,
        related_name="techniques",
    )
    name = models.CharField(pgettext_lazy("technique", "name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("category"), FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["category__sort_order", "category", "sort_order", "name"]
        verbose_name = _("technique")
        verbose_name_plural = _("techniques")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"], name="kexie_technique_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CourseTechniques(models.Model):
    """The techniques one course teaches, chosen from the lists per industry."""

    course = models.OneToOneField(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="taught_techniques",
    )
    techniques = models.ManyToManyField(
        Technique, verbose_name=_("techniques"), related_name="courses"
    )

    panels = [FieldPanel("course"), FieldPanel("techniques")]

    class Meta:
        verbose_name = _("techniques of a course")
        verbose_name_plural = _("techniques of courses")

    def __str__(self) -> str:
        return str(self.course)


class Trainee(ClusterableModel):
    """A farmer who attended training, known by mobile number. Staff eyes only.

    Created on a first check-in (from the sign-up), so one farmer is one
    record across courses and years; the income projects they joined are
    entered by staff on the same form.
    """

    phone = models.CharField(_("mobile phone"), max_length=11, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=30)
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="trainees",
    )
    village = models.CharField(_("village"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("phone")]),
        FieldRowPanel([FieldPanel("county"), FieldPanel("village")]),
        InlinePanel(
            "income_projects", heading=_("Income projects joined"), label=_("project")
        ),
    ]

    class Meta:
        ordering = ["county__sort_order", "name", "id"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        from ..base.validators import mask_phone

        return mask_phone(self.phone)


class IncomeProject(models.Model):
    """An income project a trainee joined (种植, 养殖, 林下经济, 花卉苗木, 设施休闲农业)."""

    trainee = ParentalKey(
        Trainee, on_delete=models.CASCADE, related_name="income_projects"
    )
    kind = models.CharField(
        _("kind of project"), max_length=16, choices=IncomeProjectKind.choices
    )
    description = models.CharField(
        pgettext_lazy("income project", "description"),
        max_length=100,
        blank=True,
        help_text=_(
            "E.g. 5 mu of greenhouse strawberries with the village cooperative."
        ),
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("joined_on")]),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["joined_on", "id"]
        verbose_name = _("income project")
        verbose_name_plural = _("income projects")

    def __str__(self) -> str:
        return self.get_kind_display()


class CheckInSheet(models.Model):
    """The check-in of one session of a course: its short code, shown at the course.

    ``session`` is empty for a course's first session (held on the course page
    itself); ``starts_at`` is copied from the session so figures can bucket
    attendance by month without joining sessions.
    """

    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="checkin_sheets",
    )
    session = models.ForeignKey(
        CourseSession,
        verbose_name=pgettext_lazy("course", "session"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    code = models.CharField(_("check-in code"), max_length=8, unique=True)
    starts_at = models.DateTimeField(_("start"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("check-in sheet")
        verbose_name_plural = _("check-in sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "session"], name="kexie_checkin_sheet_once"
            ),
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(session__isnull=True),
                name="kexie_checkin_first_session_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def accepts_codes_on(self, day: datetime.date) -> bool:
        """A code is good on the session's own day (Beijing time) only."""
        return timezone.localtime(self.starts_at).date() == day


class Attendance(models.Model):
    """A signed-up farmer present at one session (checking in twice changes nothing)."""

    sheet = models.ForeignKey(
        CheckInSheet,
        verbose_name=_("check-in sheet"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    registration = models.ForeignKey(
        CourseRegistration,
        verbose_name=_("course sign-up"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    trainee = models.ForeignKey(
        Trainee,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    method = models.CharField(
        _("checked in"), max_length=8, choices=CheckInMethod.choices
    )
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "registration"], name="kexie_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.sheet}"


class TrainingTarget(models.Model):
    """A county's target for a year: farmers mastering at least one and two techniques."""

    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="training_targets",
    )
    year = models.PositiveSmallIntegerField(pgettext_lazy("kexie year", "year"))
    one_technique = models.PositiveIntegerField(
        _("farmers with at least one technique")
    )
    two_techniques = models.PositiveIntegerField(
        _("farmers with at least two techniques")
    )

    panels = [
        FieldRowPanel([FieldPanel("county"), FieldPanel("year")]),
        FieldRowPanel([FieldPanel("one_technique"), FieldPanel("two_techniques")]),
    ]

    class Meta:
        ordering = ["-year", "county__sort_order"]
        verbose_name = _("training target")
        verbose_name_plural = _("training targets")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"], name="kexie_training_target_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"

    def clean(self) -> None:
        super().clean()
        if (
            self.one_technique is not None
            and self.two_techniques is not None
            and self.two_techniques > self.one_technique
        ):
            raise ValidationError(
                {
                    "two_techniques": _(
                        "Farmers with two techniques are also farmers with one: "
                        "this target cannot exceed the first."
                    )
                }
            )


class MilestoneStep(models.Model):
    """One of the year's steps (节点) with its due date, editable per year.

    What a county delivered against it is derived from the data, never typed
    in: see ``selectors.milestone_status``. ``minimum`` is how many records
    (needs, agreements, …) count as delivered.
    """

    year = models.PositiveSmallIntegerField(pgettext_lazy("kexie year", "year"))
    kind = models.CharField(_("step"), max_length=16, choices=MilestoneKind.choices)
    title = models.CharField(pgettext_lazy("milestone", "title"), max_length=50)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    minimum = models.PositiveSmallIntegerField(
        _("minimum per county"),
        default=1,
        help_text=_("How many records a county needs for the step to count as done."),
    )

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("kind")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("due_on")]),
        FieldPanel("minimum"),
    ]

    class Meta:
        ordering = ["-year", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        permissions = [("view_dashboard", "Can view the leaders' dashboard")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind"], name="kexie_milestone_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.due_on and self.starts_on > self.due_on:
            raise ValidationError(
                {"due_on": _("A step cannot be due before it starts.")}
            )
        for field in ("starts_on", "due_on"):
            value = getattr(self, field)
            if value and self.year and value.year != self.year:
                raise ValidationError(
                    {field: _("The date must fall in the step's year.")}
                )


class ResultsPage(RoutablePageMixin, SectionPage):
    """成效展示: the programme's public figures, and the farmers' check-in form.

    Routes: ``/`` (the figures, ``?year=``) and ``checkin/`` (a farmer checks in
    to a course session with their mobile number and the session's code).
    """

    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("results page")

    @path("")
    def index_route(self, request, *args, **kwargs):
        from . import views

        return views.results_page(request, self)

    @path("checkin/", name="checkin")
    def checkin_route(self, request):
        from . import views

        return views.checkin_view(request, self)
