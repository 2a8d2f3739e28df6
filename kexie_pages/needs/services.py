"""Writing to the needs library: status changes, matches, enquiries, bulk creation
and the distribution files (XLSX/CSV)."""

import re
from collections.abc import Iterable
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from modelsearch.backends import get_search_backends

from ..base import cache as page_cache
from ..base.models import County, IndustryCategory
from ..base.spreadsheets import csv_bytes, formula_safe, workbook_bytes
from ..directories.models import Achievement, Expert
from ..exceptions import KexiePagesError
from .models import (
    Enquiry,
    EnquiryStatus,
    Need,
    NeedMatch,
    NeedsLibraryPage,
    NeedStatus,
    NeedStatusChange,
)

#: The order a need goes through; a status change may go back (a match falls through).
STATUS_ORDER = [s.value for s in NeedStatus]


class NeedsError(KexiePagesError):
    """A request the needs library refuses, with a message for the user."""


def need_set_status(
    *, need: Need, status: str, user=None, note: str = ""
) -> NeedStatusChange | None:
    """Move ``need`` to ``status`` and record it in its history (no-op if unchanged)."""
    if status not in STATUS_ORDER:
        raise NeedsError(gettext("Unknown status “%(status)s”.") % {"status": status})
    if need.status == status:
        return None
    with transaction.atomic():
        need.status = status
        # Only the status: the need's draft content is left alone.
        Need.objects.filter(pk=need.pk).update(status=status, updated_at=timezone.now())
        return NeedStatusChange.objects.create(
            need=need, status=status, note=note[:200], changed_by=user
        )


def need_advance_status(*, need: Need, status: str, user=None, note: str = "") -> None:
    """Move ``need`` forward to ``status``, never back."""
    if STATUS_ORDER.index(status) > STATUS_ORDER.index(need.status):
        need_set_status(need=need, status=status, user=user, note=note)


def need_confirm_match(
    *,
    need: Need,
    expert: Expert | None = None,
    achievement: Achievement | None = None,
    reason: str = "",
    user=None,
) -> NeedMatch:
    """Record that ``expert`` or ``achievement`` is matched to ``need`` (once).

    A need awaiting a match or in talks becomes matched (已对接).
    """
    if expert is not None and achievement is None:
        name = expert.name
    elif achievement is not None and expert is None:
        name = achievement.title
    else:
        raise NeedsError(gettext("Choose one expert or one achievement."))
    with transaction.atomic():
        match, _created = NeedMatch.objects.get_or_create(
            need=need,
            expert=expert,
            achievement=achievement,
            defaults={"reason": reason[:300], "matched_by": user},
        )
        need_advance_status(
            need=need,
            status=NeedStatus.MATCHED,
            user=user,
            note=gettext("Matched with %(name)s") % {"name": name},
        )
    return match


def need_remove_match(*, match: NeedMatch) -> None:
    """Undo a match confirmed by mistake (the status history stays as it was)."""
    match.delete()


def enquiry_create(*, need: Need, **fields) -> Enquiry:
    """Store an offer of help for a live need."""
    if not need.live:
        raise NeedsError(gettext("This need is not published."))
    return Enquiry.objects.create(need=need, **fields)


def enquiry_accept(*, enquiry: Enquiry, user=None) -> Enquiry:
    """Accept an offer of help: the need goes into talks (对接中)."""
    with transaction.atomic():
        enquiry.status = EnquiryStatus.ACCEPTED
        enquiry.handled_at = timezone.now()
        enquiry.handled_by = user
        enquiry.save(update_fields=["status", "handled_at", "handled_by"])
        need_advance_status(
            need=enquiry.need,
            status=NeedStatus.IN_TALKS,
            user=user,
            note=gettext("In talks with %(organisation)s")
            % {"organisation": enquiry.organisation},
        )
    return enquiry


def enquiry_decline(*, enquiry: Enquiry, user=None) -> Enquiry:
    """Decline an offer of help; the need keeps its status."""
    enquiry.status = EnquiryStatus.DECLINED
    enquiry.handled_at = timezone.now()
    enquiry.handled_by = user
    enquiry.save(update_fields=["status", "handled_at", "handled_by"])
    return enquiry


def needs_bulk_create(
    *, needs: Iterable[Need], publish: bool = False, batch_size: int = 500
) -> list[Need]:
    """Create many needs at once (county reports, promoted form submissions).

    Without ``publish`` they are drafts waiting for review, exactly as if staff
    had saved them unpublished; with it they go live at once and into the
    search index. Each gets its first status-history entry. One transaction:
    all or nothing.
    """
    now = timezone.now()
    needs = list(needs)
    for need in needs:
        need.live = publish
        need.has_unpublished_changes = not publish
        if publish:
            need.first_published_at = need.last_published_at = now
    with transaction.atomic():
        created = Need.objects.bulk_create(needs, batch_size=batch_size)
        NeedStatusChange.objects.bulk_create(
            [
                NeedStatusChange(
                    need=need, status=NeedStatus.OPEN, changed_at=_reported_at(need)
                )
                for need in created
            ],
            batch_size=batch_size,
        )
    if publish:
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(Need, created)
        # bulk_create sends no signal: the libraries list the new needs.
        page_cache.purge(
            page_cache.page_urls(NeedsLibraryPage.objects.live().specific())
        )
    return created


def _reported_at(need: Need):
    """When a bulk-created need entered the library: the morning it was reported."""
    moment = datetime.combine(need.reported_on, time(9))
    if settings.USE_TZ:
        moment = timezone.make_aware(moment)
    return min(moment, timezone.now())


# Distribution -------------------------------------------------------------


def export_headers() -> list[str]:
    """The columns of the public download: public fields only."""
    return [
        gettext("Industry"),
        gettext("County"),
        gettext("Township"),
        gettext("Village"),
        pgettext("needs export", "Title"),
        gettext("The technical problem"),
        gettext("Poor households concerned"),
        gettext("Season"),
        gettext("Urgency"),
        pgettext("needs export", "Status"),
        gettext("Reported on"),
        pgettext("needs export", "Link"),
    ]


def export_rows(
    *, needs: QuerySet, library: NeedsLibraryPage | None = None, request=None
) -> list[list]:
    """Rows for ``needs`` sorted by industry then county, every text cell formula-safe."""
    needs = needs.select_related("county", "category").order_by(
        "category__sort_order",
        "category__name",
        "county__sort_order",
        "county__code",
        "-reported_on",
        "id",
    )
    rows = []
    for need in needs:
        rows.append(
            [
                formula_safe(need.category.name),
                formula_safe(need.county.name),
                formula_safe(need.township),
                formula_safe(need.village),
                formula_safe(need.title),
                formula_safe(need.description),
                need.households,
                formula_safe(need.season),
                str(need.get_urgency_display()),
                str(need.get_status_display()),
                need.reported_on.isoformat(),
                library.need_url(need, request, full=True) if library else "",
            ]
        )
    return rows


def needs_export(
    *,
    needs: QuerySet,
    file_format: str,
    library: NeedsLibraryPage | None = None,
    request=None,
) -> bytes:
    """The needs as an XLSX workbook (a sheet for all, then one per industry)
    or a UTF-8 CSV with BOM, grouped and sorted by industry then county."""
    headers = export_headers()
    rows = export_rows(needs=needs, library=library, request=request)
    if file_format == "csv":
        return csv_bytes(headers, rows)
    if file_format == "xlsx":
        groups: dict[str, list[list]] = {gettext("All needs"): rows}
        for row in rows:
            groups.setdefault(row[0], []).append(row)
        return workbook_bytes(headers, groups)
    raise NeedsError(
        gettext("Unknown format “%(format)s”; use xlsx or csv.")
        % {"format": file_format}
    )


# Promotion from county submissions ----------------------------------------


#: Full-width digits (１２户) as counties type them, read as ASCII.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
#: A title is the problem's first clause, at most this long.
TITLE_CHARS = 24
_CLAUSE_END = re.compile(r"[。！？；;!?\n，,：:、]")


def need_title_from(description: str, *, village: str = "") -> str:
    """A short title for a need from its problem: the first clause, cut at
    ``TITLE_CHARS`` characters, after the village (``前进村：小麦赤霉病防治技术``)."""
    clause = next(
        (part.strip() for part in _CLAUSE_END.split(description) if part.strip()), ""
    )
    if len(clause) > TITLE_CHARS:
        clause = clause[: TITLE_CHARS - 1] + "…"
    return f"{village}：{clause}" if village and clause else clause


def need_from_submission(
    *, data: dict[str, str], county: County | None, reported_on: date, source: str
) -> Need:
    """A draft need from an accepted needs-survey submission.

    ``data`` maps need fields (``title``, ``township``, ``village``,
    ``category``, ``description``, ``households``, ``season``,
    ``contact_name``, ``contact_phone``, ``county``) to what the county
    submitted; county and industry may be names or codes. ``source`` (the
    receipt number) names the need when the form asks for no title. Raises
    ``ValidationError`` with a Chinese message when a need's essentials are
    missing; staff complete the rest in the draft before publishing.
    """
    county = county or _county_named(data.get("county", ""))
    category = IndustryCategory.objects.filter(
        Q(name=data.get("category", "").strip())
        | Q(slug=data.get("category", "").strip())
    ).first()
    description = data.get("description", "").strip()
    missing = [
        label
        for label, value in (
            (gettext("county"), county),
            (gettext("industry"), category),
            (gettext("the technical problem"), description),
        )
        if not value
    ]
    if missing:
        raise ValidationError(
            gettext("The submission does not say: %(fields)s.")
            % {"fields": "、".join(missing)}
        )
    village = data.get("village", "").strip()[:50]
    households = re.search(
        r"\d+", data.get("households", "").translate(FULL_WIDTH_DIGITS)
    )
    title = data.get("title", "").strip() or need_title_from(
        description, village=village
    )
    need = Need(
        title=title[:100] or source,
        county=county,
        category=category,
        township=data.get("township", "").strip()[:50],
        village=village,
        description=description[:2000],
        households=int(households.group()) if households else 0,
        season=data.get("season", "").strip()[:30],
        contact_name=data.get("contact_name", "").strip()[:50],
        contact_phone=data.get("contact_phone", "").strip()[:30],
        reported_on=reported_on,
    )
    return needs_bulk_create(needs=[need])[0]


def _county_named(value: str) -> County | None:
    value = value.strip()
    return (
        County.objects.filter(Q(name=value) | Q(code=value)).first() if value else None
    )
