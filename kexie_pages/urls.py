"""Short, stable addresses: ``/b/<id>/`` (a booklet, for QR codes),
``/b/<id>/download/``, ``/n/<id>/`` (a news article, for QR codes),
``/og/<kind>/<id>.png`` (a share card, see ``base.sharing``), certificate
verification at ``/c/<number>/`` (printed as a QR code on each certificate), and
the agreements' secret progress-report links, ``/agreement-report/<token>/``.

A page's address follows its slug and its section's slug; printed QR
codes must outlive both. Include before Wagtail's catch-all::

    path("", include("kexie_pages.urls")),
"""

from django.urls import path, register_converter

from .base import views as base_views
from .base.api import IdConverter
from .booklets import views
from .news import views as news_views
from .programme import views as programme_views
from .recognition import views as recognition_views

register_converter(IdConverter, "kexie_id")

urlpatterns = [
    path(
        "b/<kexie_id:booklet_id>/", views.booklet_short_link, name="kexie_booklet_short"
    ),
    path(
        "b/<kexie_id:booklet_id>/download/",
        views.booklet_download_link,
        name="kexie_booklet_download",
    ),
    path(
        "c/<str:number>/",
        recognition_views.certificate_verify,
        name="kexie_certificate",
    ),
    path(
        "n/<kexie_id:article_id>/", news_views.news_short_link, name="kexie_news_short"
    ),
    path(
        "og/<slug:kind>/<kexie_id:pk>.png",
        base_views.share_card,
        name="kexie_share_card",
    ),
    # The responsible expert's progress report: the secret link is the key.
    path(
        "agreement-report/<str:token>/",
        programme_views.agreement_report,
        name="kexie_agreement_report",
    ),
]
