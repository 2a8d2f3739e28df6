"""Public views of recognition: the years, a year's awards, a year's honour roll,
and the certificate verification page at ``/c/<number>/``."""

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import urlencode

from ..directories.models import ThinkTankPage
from .models import HonourCategory, RecognitionPage
from .selectors import (
    award_round_public,
    award_rounds_public,
    awards_public,
    certificate_public,
    honour_entries,
    honour_roll_public,
    honour_rolls_public,
)

#: The longest certificate number looked up; longer input is simply unknown.
NUMBER_MAX = 20


def directory_pages() -> dict[str, ThinkTankPage]:
    """The live public think-tank page of each directory, to link entries to."""
    pages: dict[str, ThinkTankPage] = {}
    for page in ThinkTankPage.objects.live().public().order_by("depth", "path"):
        pages.setdefault(page.directory, page)
    return pages


def _link_entries(entries, pages: dict[str, ThinkTankPage], request) -> None:
    """Set ``entry.directory_url``: the entry's directory page searched for its name.

    Directory entries have no page of their own; only public entries are linked.
    """
    for entry in entries:
        entry.directory_url = ""
        linked = getattr(entry, "linked_entry", None) or getattr(entry, "nominee", None)
        page = pages.get(entry.nominee_directory)
        if linked is not None and linked.is_public and page is not None:
            entry.directory_url = (
                f"{page.get_url(request)}?{urlencode({'q': linked.name})}"
            )


def recognition_index(request: HttpRequest, page: RecognitionPage) -> HttpResponse:
    """The years with published awards and honour rolls."""
    context = page.get_context(request)
    context["award_rounds"] = award_rounds_public()
    context["honour_rolls"] = honour_rolls_public()
    return TemplateResponse(request, "kexie_pages/recognition_page.html", context)


def awards_year(request: HttpRequest, page: RecognitionPage, year: int) -> HttpResponse:
    """A published round's awards: nominee, county, evidence and amount."""
    round_ = award_round_public(year=year)
    if round_ is None:
        raise Http404
    awards = list(awards_public(year=year))
    _link_entries(awards, directory_pages(), request)
    context = page.get_context(request)
    context.update(
        {
            "round": round_,
            "awards": awards,
            "total": sum(a.amount or 0 for a in awards),
        }
    )
    return TemplateResponse(request, "kexie_pages/recognition_awards.html", context)


def honour_roll_year(
    request: HttpRequest, page: RecognitionPage, year: int
) -> HttpResponse:
    """A published honour roll, by category, each entry linked to its directory."""
    roll = honour_roll_public(year=year)
    if roll is None:
        raise Http404
    groups = honour_entries(roll=roll)
    pages = directory_pages()
    for entries in groups.values():
        _link_entries(entries, pages, request)
    context = page.get_context(request)
    context.update(
        {
            "roll": roll,
            "groups": [
                (label, groups[value]) for value, label in HonourCategory.choices
            ],
        }
    )
    return TemplateResponse(request, "kexie_pages/recognition_honours.html", context)


def certificate_verify(request: HttpRequest, number: str) -> HttpResponse:
    """Whether a certificate with this number was issued: its holder, or a 404 saying not."""
    number = number.strip().upper()
    entry = certificate_public(number=number) if len(number) <= NUMBER_MAX else None
    context = {"entry": entry, "number": number[:NUMBER_MAX]}
    return TemplateResponse(
        request,
        "kexie_pages/certificate_verify.html",
        context,
        status=200 if entry is not None else 404,
    )
