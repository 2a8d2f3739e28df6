"""Public URLs: include under any prefix, e.g. ``path("forms/", include(...))``."""

from django.urls import path

from . import views

app_name = "kexie_forms"
urlpatterns = [
    path("receipt/", views.receipt_lookup, name="receipt_lookup"),
]
