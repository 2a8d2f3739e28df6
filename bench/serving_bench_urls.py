"""URLs of the serving benchmark: the reference site plus a hello-world view."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from kexie_site.urls import urlpatterns as site_urlpatterns


@never_cache
def hello(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do, through the same middleware as every page.

    ``never_cache``: the page cache looks it up (a miss) and does not keep it,
    so the baseline is Django answering, not a cache hit of 12 bytes.
    """
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *site_urlpatterns]
