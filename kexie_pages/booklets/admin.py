"""Booklets in the admin: the downloads report (per booklet, per month, by source) under Reports."""

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .downloads import (
    booklet_downloads_by_month,
    booklet_downloads_by_source,
    current_month,
    download_counter,
)
from .models import BookletPage


def booklet_downloads(request: HttpRequest) -> HttpResponse:
    """Every booklet with its downloads in total and this month, most downloaded first."""
    download_counter.flush()  # this process's latest counts; others flush within seconds
    month = current_month()
    booklets = (
        BookletPage.objects.annotate(
            total=Coalesce(Sum("download_counts__count"), 0),
            this_month=Coalesce(
                Sum("download_counts__count", filter=Q(download_counts__month=month)), 0
            ),
        )
        .select_related("category")
        .order_by("-total", "title")
    )
    return TemplateResponse(
        request,
        "kexie_pages/admin/booklet_downloads.html",
        {"booklets": booklets, "month": month, "page_title": _("Booklet downloads")},
    )


def booklet_download_detail(request: HttpRequest, booklet_id: int) -> HttpResponse:
    """One booklet's downloads by month and by source, with its QR codes and poster."""
    download_counter.flush()
    booklet = get_object_or_404(BookletPage, pk=booklet_id)
    return TemplateResponse(
        request,
        "kexie_pages/admin/booklet_download_detail.html",
        {
            "booklet": booklet,
            "by_month": booklet_downloads_by_month(booklet_id=booklet.pk),
            "by_source": booklet_downloads_by_source(booklet_id=booklet.pk),
            "page_title": booklet.title,
        },
    )


@hooks.register("register_admin_urls")
def register_booklet_report_urls():
    return [
        path(
            "booklet-downloads/",
            booklet_downloads,
            name="kexie_booklet_downloads",
        ),
        path(
            "booklet-downloads/<int:booklet_id>/",
            booklet_download_detail,
            name="kexie_booklet_download_detail",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_booklet_report_menu_item():
    return MenuItem(
        gettext_lazy("Booklet downloads"),
        reverse("kexie_booklet_downloads"),
        icon_name="download",
        order=700,
    )
