"""URLs of the benchmark site: the reference site plus a bare insert view."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from kexie_site.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def bare_insert(request: HttpRequest) -> JsonResponse:
    """Insert the request body as one row: the least a submission can cost."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO kexie_bench_row (payload) VALUES (%s)",
            [request.body.decode("utf-8", "replace")[:2000]],
        )
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/insert/", bare_insert), *site_urlpatterns]
