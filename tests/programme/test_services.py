"""The agreement life cycle: legal moves only, history, signing moves the needs."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from kexie_pages.models import AgreementStatusChange, NeedStatus, NeedStatusChange
from kexie_pages.programme.services import (
    AgreementError,
    agreement_report_create,
    agreement_set_status,
)

pytestmark = pytest.mark.django_db


def test_signing_moves_the_needs_to_matched_with_their_history(
    make_agreement, make_need
):
    open_need, in_talks = make_need(), make_need(title="肉牛育肥")
    in_talks.status = NeedStatus.IN_TALKS
    in_talks.save()
    solved = make_need(title="已解决的需求")
    solved.status = NeedStatus.SOLVED
    solved.save()
    staff = get_user_model().objects.create_user("staff")
    agreement = make_agreement(needs=[open_need, in_talks, solved])

    agreement_set_status(agreement=agreement, status="signed", user=staff)

    for need in (open_need, in_talks):
        need.refresh_from_db()
        assert need.status == NeedStatus.MATCHED
        last = NeedStatusChange.objects.filter(need=need).last()
        assert last.status == NeedStatus.MATCHED
        assert last.changed_by == staff
        assert "大棚蔬菜绿色防控技术协作" in last.note
    solved.refresh_from_db()
    assert solved.status == NeedStatus.SOLVED  # never wound back
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assert agreement.signed_on == timezone.localdate()


def test_every_move_is_in_the_history_with_who_and_from_to(make_agreement):
    staff = get_user_model().objects.create_user("staff")
    agreement = make_agreement()
    for status in ("signed", "in_progress", "completed"):
        agreement_set_status(agreement=agreement, status=status, user=staff)
    history = list(
        AgreementStatusChange.objects.filter(agreement=agreement).values_list(
            "from_status", "to_status", "changed_by__username"
        )
    )
    assert history == [
        ("draft", "signed", "staff"),
        ("signed", "in_progress", "staff"),
        ("in_progress", "completed", "staff"),
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "completed"),
        ("draft", "in_progress"),
        ("signed", "draft"),
        ("completed", "in_progress"),
        ("terminated", "signed"),
        ("signed", "signed"),
    ],
)
def test_illegal_moves_are_refused_in_chinese_and_change_nothing(
    make_agreement, start, target
):
    agreement = make_agreement(status=start)
    before = agreement.status_changes.count()
    with pytest.raises(AgreementError) as refused:
        agreement_set_status(agreement=agreement, status=target)
    assert "不能从" in str(refused.value)
    agreement.refresh_from_db()
    assert agreement.status == start
    assert agreement.status_changes.count() == before


def test_unknown_status_and_signing_without_an_expert_are_refused(make_agreement):
    agreement = make_agreement()
    with pytest.raises(AgreementError, match="未知"):
        agreement_set_status(agreement=agreement, status="approved")
    agreement.responsible_expert = None
    agreement.save()
    with pytest.raises(AgreementError, match="责任专家"):
        agreement_set_status(agreement=agreement, status="signed")


def test_a_stale_copy_cannot_move_an_agreement_twice(make_agreement):
    agreement = make_agreement()
    from kexie_pages.models import Agreement

    stale = Agreement.objects.get(pk=agreement.pk)
    agreement_set_status(agreement=agreement, status="signed")
    with pytest.raises(AgreementError):
        agreement_set_status(agreement=stale, status="terminated")
    agreement.refresh_from_db()
    assert agreement.status == "signed"


def test_drafts_take_no_progress_reports(make_agreement):
    with pytest.raises(AgreementError, match="签订"):
        agreement_report_create(agreement=make_agreement(), text="进展")
    report = agreement_report_create(
        agreement=make_agreement(status="signed"), text="已完成第一次培训"
    )
    assert report.source == "staff"


def test_visit_photos_are_stored_small_upright_and_without_exif(make_assignment):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from kexie_pages.programme.services import PHOTO_MAX_SIDE, liaison_visit_log

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90°, as phones store portrait photos
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (40, 140, 70)).save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), "image/jpeg")

    visit = liaison_visit_log(
        assignment=make_assignment(), work_done="指导", photos=[upload]
    )
    stored = visit.photos.get().image
    with stored.open("rb") as handle, Image.open(handle) as image:
        assert image.size == (1200, PHOTO_MAX_SIDE)  # upright portrait
        assert not image.getexif()
        assert image.format == "JPEG"
    assert stored.name.endswith(".jpg")
