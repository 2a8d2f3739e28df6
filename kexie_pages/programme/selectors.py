"""Reading the programme: public agreements, report links, and the liaison
villages with their latest visit (and whether it is too long ago)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from ..base.models import County
from .models import (
    Agreement,
    AgreementKind,
    AgreementProgressReport,
    AgreementStatus,
    LiaisonAssignment,
)
from .services import REPORTABLE

#: Days without a visit after which a village is flagged, unless the site says otherwise.
DEFAULT_STALE_DAYS = 30


@dataclass(frozen=True)
class AgreementFilters:
    """The public list's filters, read from a query string (unknown values match nothing)."""

    county: str = ""
    kind: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params) -> "AgreementFilters":
        """Filters from ``request.GET`` or a dict, trimmed."""
        return cls(
            county=str(params.get("county", "") or "").strip()[:6],
            kind=str(params.get("kind", "") or "").strip()[:20],
            status=str(params.get("status", "") or "").strip()[:20],
        )

    def as_dict(self) -> dict[str, str]:
        """The filters as query-string parameters."""
        return {"county": self.county, "kind": self.kind, "status": self.status}


def agreements_public_list(*, filters: AgreementFilters | None = None) -> QuerySet:
    """Agreements the public sees (past the draft), newest signed first."""
    queryset = Agreement.objects.public().select_related(
        "county",
        "partner_association",
        "partner_expert",
        "partner_achievement",
        "responsible_expert",
        "contact_leader",
    )
    filters = filters or AgreementFilters()
    if filters.county:
        queryset = queryset.filter(county__code=filters.county)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        if filters.status == AgreementStatus.DRAFT:
            return queryset.none()
        queryset = queryset.filter(status=filters.status)
    return queryset.order_by("-signed_on", "-id")


def agreement_public_detail(*, agreement_id: int) -> Agreement | None:
    """One public agreement with its deliverables, reports and history, or None."""
    return (
        agreements_public_list()
        .prefetch_related(
            "deliverables",
            Prefetch(
                "progress_reports",
                queryset=AgreementProgressReport.objects.order_by(
                    "-reported_on", "-id"
                ),
            ),
            "status_changes",
            "needs",
            "key_townships",
            "brand_activities",
        )
        .filter(pk=agreement_id)
        .first()
    )


def agreement_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The public list's filter options: counties, kinds and non-draft statuses."""
    return {
        "counties": [(c.code, c.name) for c in County.objects.all()],
        "kinds": [(k.value, str(k.label)) for k in AgreementKind],
        "statuses": [
            (s.value, str(s.label))
            for s in AgreementStatus
            if s != AgreementStatus.DRAFT
        ],
    }


def agreement_for_report_token(
    *, token: str, today: datetime.date | None = None
) -> tuple[Agreement | None, str]:
    """The agreement whose report link carries ``token``, and why not if none.

    Returns ``(agreement, "")`` for a working link; ``(None, "unknown")`` for a
    token no agreement has; ``(None, "expired")`` for a link past its date or an
    agreement that is no longer (or not yet) running.
    """
    if not token or len(token) > 64:
        return None, "unknown"
    agreement = (
        Agreement.objects.select_related("county", "responsible_expert")
        .filter(report_token=token)
        .first()
    )
    if agreement is None:
        return None, "unknown"
    today = today or timezone.localdate()
    expires = agreement.report_token_expires_on
    if (expires is not None and expires < today) or agreement.status not in REPORTABLE:
        return None, "expired"
    return agreement, ""


# Liaison -------------------------------------------------------------------


def liaison_stale_days() -> int:
    """Days without a visit after which a village is flagged (``KEXIE_LIAISON_STALE_DAYS``)."""
    return int(getattr(settings, "KEXIE_LIAISON_STALE_DAYS", DEFAULT_STALE_DAYS))


def liaison_stale_since(*, today: datetime.date | None = None) -> datetime.date:
    """The date before which a village's last visit is too long ago."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=liaison_stale_days())


def liaison_assignments_annotated(queryset: QuerySet | None = None) -> QuerySet:
    """Assignments with ``last_visit_on`` (the latest visit's date, or None)."""
    if queryset is None:
        queryset = LiaisonAssignment.objects.all()
    return queryset.annotate(last_visit_on=Max("visits__visited_on"))


def liaison_stale_q(*, today: datetime.date | None = None) -> Q:
    """On annotated assignments: no visit yet, or none since the stale date."""
    since = liaison_stale_since(today=today)
    return Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=since)


def liaison_assignments_stale(
    *, queryset: QuerySet | None = None, today: datetime.date | None = None
) -> QuerySet:
    """Active assignments whose village has had no visit in ``liaison_stale_days()``."""
    return (
        liaison_assignments_annotated(queryset)
        .filter(is_active=True)
        .filter(liaison_stale_q(today=today))
    )


def liaison_assignment_is_stale(
    *,
    last_visit_on: datetime.date | None,
    today: datetime.date | None = None,
) -> bool:
    """Whether a village last visited on ``last_visit_on`` is flagged."""
    return last_visit_on is None or last_visit_on < liaison_stale_since(today=today)


def _public_name(entry, attribute: str = "name") -> str:
    """A directory entry's name, if it agreed to be listed publicly."""
    if entry is None or not entry.is_public:
        return ""
    return getattr(entry, attribute)


def agreement_public_parties(agreement: Agreement) -> dict[str, object]:
    """Who an agreement names, as the public may see it.

    Directory entries appear only when they agreed to be listed (``is_public``);
    never a phone or an e-mail. ``partners`` is the think-tank side.
    """
    partners = [
        _public_name(agreement.partner_association),
        _public_name(agreement.partner_expert),
        _public_name(agreement.partner_achievement, "title"),
        agreement.partner_name,
    ]
    expert = agreement.responsible_expert
    return {
        "partners": [name for name in partners if name],
        "responsible_expert": _public_name(expert),
        "responsible_expert_unit": expert.employer
        if expert and expert.is_public
        else "",
        "contact_person": _public_name(agreement.contact_leader),
    }
