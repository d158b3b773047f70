"""Receiving card images: a new submission, or a re-upload to one that asked for it."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from ..audit import Actor, audit_record
from ..images import ImageInfo, ImageRejected, display_copy, inspect_image
from ..models import CardImage, PortalClient, Side, Status, Submission
from .submissions import IllegalTransition, submission_transition


class ReuploadLimitReached(Exception):
    pass


def _inspect_all(country: str, front: bytes, back: bytes | None) -> list[tuple[str, bytes, ImageInfo]]:
    """Validate every image before storing any, so that a bad back image leaves nothing half-stored."""
    images = [(Side.FRONT, front)] + ([(Side.BACK, back)] if back is not None else [])
    checked = []
    for side, data in images:
        try:
            checked.append((side, data, inspect_image(data, country=country)))
        except ImageRejected as exc:
            raise ImageRejected(exc.code, f"{side.label} image: {exc.message}") from None
    return checked


def _store_images(submission: Submission, checked: list[tuple[str, bytes, ImageInfo]]) -> list[CardImage]:
    stored = []
    for side, data, info in checked:
        image = CardImage(
            submission=submission,
            side=side,
            generation=submission.generation,
            sha256=info.sha256,
            format=info.format,
            size_bytes=info.size_bytes,
            width=info.width,
            height=info.height,
        )
        image.file.save("original", ContentFile(data), save=False)
        image.display_file.save("display", ContentFile(display_copy(data)), save=False)
        image.save()
        stored.append(image)
    return stored


def _queue_ocr_on_commit(submission: Submission) -> None:
    from .pipeline import ocr_enqueue

    submission_id = submission.pk
    transaction.on_commit(lambda: ocr_enqueue(submission_id=submission_id))


@transaction.atomic
def submission_create(
    *,
    country: str,
    front: bytes,
    back: bytes | None = None,
    external_ref: str = "",
    portal_client: PortalClient | None = None,
    actor: Actor,
) -> Submission:
    """Store a new submission with its images and queue OCR once the transaction commits.

    Raises ImageRejected (nothing is stored) when any image is unacceptable.
    """
    checked = _inspect_all(country, front, back)
    submission = Submission.objects.create(country=country, external_ref=external_ref, portal_client=portal_client)
    images = _store_images(submission, checked)
    audit_record(
        actor=actor,
        event="submission.created",
        subject=submission,
        after={
            "country": country,
            "external_ref": external_ref,
            "images": [{"side": i.side, "sha256": i.sha256, "format": i.format, "bytes": i.size_bytes} for i in images],
        },
    )
    _queue_ocr_on_commit(submission)
    return submission


def submission_add_images(
    *, submission: Submission, front: bytes, back: bytes | None = None, actor: Actor
) -> Submission:
    """A re-upload asked for by a reviewer: new images, a new OCR round, back to review.

    Past the configured cap the submission is rejected instead (that rejection is kept), the images
    are not stored, and ReuploadLimitReached is raised.
    """
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.status != Status.REUPLOAD_REQUESTED:
            raise IllegalTransition(submission, Status.RECEIVED)
        checked = _inspect_all(submission.country, front, back)
        limit_reached = submission.reupload_count >= settings.PORTAL_MAX_REUPLOADS
        if limit_reached:
            submission_transition(
                submission=submission, to=Status.REJECTED, actor=actor, detail={"reason": "reupload_limit_reached"}
            )
        else:
            submission.generation += 1
            submission.reupload_count += 1
            submission.ocr_queued_at = None
            submission.save(update_fields=["generation", "reupload_count", "ocr_queued_at", "updated_at"])
            images = _store_images(submission, checked)
            audit_record(
                actor=actor,
                event="submission.reuploaded",
                subject=submission,
                after={"generation": submission.generation, "images": [{"side": i.side, "sha256": i.sha256} for i in images]},
            )
            submission_transition(submission=submission, to=Status.RECEIVED, actor=actor)
            _queue_ocr_on_commit(submission)
    if limit_reached:
        raise ReuploadLimitReached(f"At most {settings.PORTAL_MAX_REUPLOADS} re-uploads are accepted.")
    return submission
