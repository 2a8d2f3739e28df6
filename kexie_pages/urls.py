"""Short, stable addresses: booklets at ``/b/<id>/`` and ``/b/<id>/download/``
for QR codes, certificate verification at ``/c/<number>/`` (printed as a QR code
on each certificate), the agreements' secret progress-report links at
``/agreement-report/<token>/``.

A booklet's page address follows its slug and its section's slug; printed QR
codes must outlive both. Include before Wagtail's catch-all::

    path("", include("kexie_pages.urls")),
"""

from django.urls import path, register_converter

from .base.api import IdConverter
from .booklets import views
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
    # The responsible expert's progress report: the secret link is the key.
    path(
        "agreement-report/<str:token>/",
        programme_views.agreement_report,
        name="kexie_agreement_report",
    ),
]
