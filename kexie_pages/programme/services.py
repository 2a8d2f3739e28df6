"""Writing to the programme: agreement status changes (which move the needs they
answer), progress reports, report links, scans and liaison visits."""

import datetime
import io
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image, ImageOps

from ..exceptions import KexiePagesError
from ..needs.models import NeedStatus
from ..needs.services import need_advance_status
from .models import (
    Agreement,
    AgreementProgressReport,
    AgreementScan,
    AgreementStatus,
    AgreementStatusChange,
    LiaisonAssignment,
    LiaisonHousehold,
    LiaisonVisit,
    LiaisonVisitPhoto,
    ReportSource,
    new_report_token,
)

#: Where an agreement may go from each status. Completed and terminated are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    AgreementStatus.DRAFT: (AgreementStatus.SIGNED, AgreementStatus.TERMINATED),
    AgreementStatus.SIGNED: (AgreementStatus.IN_PROGRESS, AgreementStatus.TERMINATED),
    AgreementStatus.IN_PROGRESS: (
        AgreementStatus.COMPLETED,
        AgreementStatus.TERMINATED,
    ),
    AgreementStatus.COMPLETED: (),
    AgreementStatus.TERMINATED: (),
}

#: Statuses in which the responsible expert's report link works.
REPORTABLE = (AgreementStatus.SIGNED, AgreementStatus.IN_PROGRESS)

#: A stored visit photo's longest side: plenty to see a field, a tenth of a phone photo.
PHOTO_MAX_SIDE = 1600

#: Days a renewed report link stays valid unless the site says otherwise.
DEFAULT_REPORT_LINK_DAYS = 180


class AgreementError(KexiePagesError):
    """A change to an agreement the programme refuses, with a message for the user."""


def _label(status: str) -> str:
    return str(AgreementStatus(status).label) if status in AgreementStatus else status


def agreement_allowed_statuses(*, agreement: Agreement) -> tuple[str, ...]:
    """The statuses ``agreement`` may move to next."""
    return TRANSITIONS.get(agreement.status, ())


def agreement_set_status(
    *, agreement: Agreement, status: str, user=None, note: str = ""
) -> AgreementStatusChange:
    """Move ``agreement`` to ``status`` and record who did it, when, from and to.

    Only the moves of :data:`TRANSITIONS` are allowed; anything else raises
    :class:`AgreementError` with a Chinese message. Signing needs a responsible
    expert, sets the signing date (today, unless staff entered one) and moves
    every need the agreement answers to 已对接, each with its own history entry.
    """
    if status not in AgreementStatus.values:
        raise AgreementError(
            gettext("Unknown agreement status “%(status)s”.") % {"status": status}
        )
    if status not in agreement_allowed_statuses(agreement=agreement):
        raise AgreementError(
            gettext("An agreement cannot go from “%(old)s” to “%(new)s”.")
            % {"old": _label(agreement.status), "new": _label(status)}
        )
    if status == AgreementStatus.SIGNED and agreement.responsible_expert_id is None:
        raise AgreementError(
            gettext("Choose the responsible expert before the agreement is signed.")
        )
    with transaction.atomic():
        # Lock the row: two staff clicking at once must not both move it.
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != agreement.status:
            raise AgreementError(
                gettext("Someone else has just changed this agreement; reload it.")
            )
        old = agreement.status
        agreement.status = status
        fields = {"status": status, "updated_at": timezone.now()}
        if status == AgreementStatus.SIGNED:
            agreement.signed_on = agreement.signed_on or timezone.localdate()
            fields["signed_on"] = agreement.signed_on
        Agreement.objects.filter(pk=agreement.pk).update(**fields)
        change = AgreementStatusChange.objects.create(
            agreement=agreement,
            from_status=old,
            to_status=status,
            note=note[:200],
            changed_by=user,
        )
        if status == AgreementStatus.SIGNED:
            signed_note = gettext("Agreement signed: %(title)s") % {
                "title": agreement.title
            }
            for need in agreement.needs.all():
                need_advance_status(
                    need=need,
                    status=NeedStatus.MATCHED,
                    user=user,
                    note=signed_note[:200],
                )
    return change


def agreement_report_create(
    *,
    agreement: Agreement,
    text: str,
    reported_on: datetime.date | None = None,
    source: str = ReportSource.STAFF,
    user=None,
) -> AgreementProgressReport:
    """File a progress report on ``agreement`` (by staff, or by its expert's link)."""
    if agreement.status == AgreementStatus.DRAFT:
        raise AgreementError(
            gettext("Progress can be reported once the agreement is signed.")
        )
    return AgreementProgressReport.objects.create(
        agreement=agreement,
        text=text[:3000],
        reported_on=reported_on or timezone.localdate(),
        source=source,
        created_by=user,
    )


def agreement_report_link_renew(
    *, agreement: Agreement, days: int | None = None
) -> Agreement:
    """A new secret report link for ``agreement`` (the old one stops working).

    Valid ``days`` days (``KEXIE_AGREEMENT_REPORT_LINK_DAYS``, default 180).
    """
    if days is None:
        days = getattr(
            settings, "KEXIE_AGREEMENT_REPORT_LINK_DAYS", DEFAULT_REPORT_LINK_DAYS
        )
    agreement.report_token = new_report_token()
    agreement.report_token_expires_on = timezone.localdate() + datetime.timedelta(
        days=days
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        report_token=agreement.report_token,
        report_token_expires_on=agreement.report_token_expires_on,
    )
    return agreement


def agreement_scan_add(
    *, agreement: Agreement, title: str, file: UploadedFile, user=None
) -> AgreementScan:
    """Keep a scan of the signed agreement in private storage."""
    return AgreementScan.objects.create(
        agreement=agreement, title=title[:100], file=file, uploaded_by=user
    )


def liaison_visit_log(
    *,
    assignment: LiaisonAssignment,
    work_done: str,
    problems_solved: str = "",
    visited_on: datetime.date | None = None,
    household: LiaisonHousehold | None = None,
    photos: list[UploadedFile] | tuple = (),
    user=None,
) -> LiaisonVisit:
    """Log a technician's visit to the village, with its photos (private storage)."""
    if household is not None and household.assignment_id != assignment.pk:
        raise AgreementError(gettext("This household is not followed in this village."))
    visited_on = visited_on or timezone.localdate()
    if visited_on > timezone.localdate():
        raise AgreementError(gettext("A visit cannot be logged for a future date."))
    with transaction.atomic():
        visit = LiaisonVisit.objects.create(
            assignment=assignment,
            visited_on=visited_on,
            household=household,
            work_done=work_done[:2000],
            problems_solved=problems_solved[:2000],
            created_by=user,
        )
        for photo in photos:
            LiaisonVisitPhoto.objects.create(
                visit=visit, image=visit_photo_prepared(upload=photo)
            )
    return visit


def visit_photo_prepared(*, upload: UploadedFile) -> ContentFile:
    """A visit photo as it is stored: upright, at most ``PHOTO_MAX_SIDE`` px, JPEG.

    Re-encoding drops the phone's EXIF block, and with it the GPS position of
    the household's yard and the phone's make; a 4 MB camera photo becomes a
    few hundred kilobytes that open fast on the staff's own phones.
    """
    upload.seek(0)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original).convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True)
    name = (Path(upload.name or "photo").stem[:40] or "photo") + ".jpg"
    return ContentFile(buffer.getvalue(), name=name)
