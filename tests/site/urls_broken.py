"""A URLconf whose one view fails, to see the site's 500 page."""

from django.urls import path


def boom(request):
    raise RuntimeError("a deliberate failure")


urlpatterns = [path("boom/", boom)]
