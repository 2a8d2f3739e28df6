"""Short, stable booklet addresses: ``/b/<id>/`` for QR codes, ``/b/<id>/download/``.

A booklet's page address follows its slug and its section's slug; printed QR
codes must outlive both. Include before Wagtail's catch-all::

    path("", include("kexie_pages.urls")),
"""

from django.urls import path

from .booklets import views

urlpatterns = [
    path("b/<int:booklet_id>/", views.booklet_short_link, name="kexie_booklet_short"),
    path(
        "b/<int:booklet_id>/download/",
        views.booklet_download_link,
        name="kexie_booklet_download",
    ),
]
