"""The taxonomy every section shares: counties and industry categories."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class County(models.Model):
    """A county-level division of the city, keyed by its GB/T 2260 code."""

    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        validators=[
            RegexValidator(r"^\d{6}$", _("Enter the six-digit GB/T 2260 code."))
        ],
        help_text=_("Six-digit GB/T 2260 administrative division code, e.g. 411621."),
    )
    name = models.CharField(_("name"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class IndustryCategory(models.Model):
    """An industry category (种植, 养殖, …) that needs, courses and experts are sorted by."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True, allow_unicode=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("industry category")
        verbose_name_plural = _("industry categories")

    def __str__(self) -> str:
        return self.name
