"""The submission state machine. Every status change goes through ``submission_transition``."""

from django.db import transaction
from django.utils import timezone

from ..audit import Actor, audit_record
from ..models import Status, Submission

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.PROCESSING, Status.OCR_FAILED}),
    # Back to received only when the sweep finds the task lost (pipeline.ocr_release_lost).
    Status.PROCESSING: frozenset({Status.NEEDS_REVIEW, Status.OCR_FAILED, Status.RECEIVED}),
    Status.NEEDS_REVIEW: frozenset(
        {Status.PENDING_SECOND_APPROVAL, Status.APPROVED, Status.REJECTED, Status.REUPLOAD_REQUESTED}
    ),
    Status.PENDING_SECOND_APPROVAL: frozenset(
        {Status.APPROVED, Status.REJECTED, Status.REUPLOAD_REQUESTED, Status.NEEDS_REVIEW}
    ),
    # A reviewer may retry OCR (back to received), or decide on what is there.
    Status.OCR_FAILED: frozenset({Status.RECEIVED, Status.REJECTED, Status.REUPLOAD_REQUESTED}),
    # New images arrive (back to received), or the re-upload cap is reached (rejected).
    Status.REUPLOAD_REQUESTED: frozenset({Status.RECEIVED, Status.REJECTED}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
}
FINAL_STATUSES = frozenset({Status.APPROVED, Status.REJECTED})
REVIEWABLE_STATUSES = frozenset({Status.NEEDS_REVIEW, Status.PENDING_SECOND_APPROVAL, Status.OCR_FAILED})


class IllegalTransition(Exception):
    def __init__(self, submission: Submission, to: str):
        self.current = submission.status
        self.to = to
        super().__init__(
            f"A submission that is {Status(submission.status).label.lower()} cannot become {Status(to).label.lower()}."
        )


def can_transition(submission: Submission, to: str) -> bool:
    return to in TRANSITIONS[submission.status]


@transaction.atomic
def submission_transition(*, submission: Submission, to: str, actor: Actor, detail: dict | None = None) -> Submission:
    """Move ``submission`` to status ``to``, or raise IllegalTransition. Records the audit event.

    The row is re-read under a lock so that two workers or reviewers racing on the same submission
    cannot both move it from the same state.
    """
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if not can_transition(locked, to):
        raise IllegalTransition(locked, to)
    before = locked.status
    locked.status = to
    now = timezone.now()
    update_fields = ["status", "updated_at"]
    if to in (Status.NEEDS_REVIEW, Status.OCR_FAILED):
        locked.review_ready_at = now
        update_fields.append("review_ready_at")
    if to in FINAL_STATUSES:
        locked.decided_at = now
        update_fields.append("decided_at")
    locked.save(update_fields=update_fields)
    audit_record(
        actor=actor,
        event="submission.status",
        subject=locked,
        before={"status": before},
        after={"status": to, **(detail or {})},
    )
    for field in update_fields:
        setattr(submission, field, getattr(locked, field))
    return submission
