"""What a reviewer does to a submission: claim it, correct fields, decide, note, reveal, look.

Every function checks who may act (permissions, assignee-only, four-eyes) itself, so that no view
or script can skip a rule, records its audit row in the same transaction, and raises ReviewRefused
with a sentence a reviewer can read when the act is not allowed.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ..audit import Actor, audit_record
from ..models import CardField, CardImage, Decision, Note, Status, Submission
from ..signals import decision_recorded
from .fields import fields_merged, submission_refresh_summary
from .pipeline import ocr_retry
from .reporting import automated_result
from .submissions import IllegalTransition, submission_transition

# Reasons a reviewer picks. A re-upload is for problems the customer can fix with a new photo; a
# rejection is final. The portal receives the codes, so they never change meaning once released.
REUPLOAD_REASONS = {
    "blurry": "Photo is blurry or out of focus",
    "glare": "Glare or reflection hides details",
    "cut_off": "Card is cut off or covered",
    "wrong_side": "Wrong side or missing side of the card",
    "low_resolution": "Photo too small or too dark to read",
    "not_original": "Photo of a copy or screen — photograph the card itself",
}
REJECT_REASONS = {
    "tampered": "Card appears edited or forged",
    "expired": "Card has expired",
    "data_mismatch": "Details contradict each other (number, birth date, sex)",
    "wrong_document": "Not an accepted identity document",
    "duplicate_identity": "Identity already used in another submission",
    "other_final": "Other final reason (explain in the comment)",
}
DECIDING_STATUSES = (Status.NEEDS_REVIEW, Status.PENDING_SECOND_APPROVAL, Status.OCR_FAILED)


class ReviewRefused(Exception):
    """An act the rules do not allow. The message is shown to the reviewer as it is."""


def _actor(user) -> Actor:
    return Actor.of_user(user)


def _require_perm(user, perm: str, message: str) -> None:
    if not user.has_perm(f"kyc.{perm}"):
        raise ReviewRefused(message)


def _lock(submission: Submission) -> Submission:
    """Re-read under a row lock: two reviewers pressing the same button cannot both win."""
    return Submission.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=submission.pk)


def _require_assignee(submission: Submission, user) -> None:
    if submission.assignee_id is None:
        raise ReviewRefused("Claim this submission first.")
    if submission.assignee_id != user.pk:
        raise ReviewRefused(f"Only {submission.assignee.get_username()}, who has claimed it, can do this.")


def _transition(submission: Submission, to: str, user, detail: dict | None = None) -> None:
    try:
        submission_transition(submission=submission, to=to, actor=_actor(user), detail=detail)
    except IllegalTransition as exc:
        raise ReviewRefused(str(exc)) from None


def first_approval(submission: Submission) -> Decision | None:
    """The first approval that the current second-approval round rests on."""
    if submission.status != Status.PENDING_SECOND_APPROVAL:
        return None
    return (
        Decision.objects.filter(submission=submission, action=Decision.Action.FIRST_APPROVAL)
        .select_related("made_by")
        .order_by("-created_at")
        .first()
    )


def four_eyes_reasons(*, warning_count: int, corrected_count: int) -> list[str]:
    """Why a second reviewer must approve too; empty when one approval is enough."""
    reasons = []
    if warning_count:
        reasons.append(f"{warning_count} card warning{'s' if warning_count != 1 else ''}")
    if corrected_count:
        reasons.append(f"{corrected_count} corrected field{'s' if corrected_count != 1 else ''}")
    return reasons


def _four_eyes_reasons_for(submission: Submission) -> list[str]:
    return four_eyes_reasons(
        warning_count=submission.warnings.count(),
        corrected_count=submission.fields.filter(corrected_value__isnull=False).count(),
    )


@transaction.atomic
def review_claim(*, submission: Submission, user: AbstractBaseUser) -> Submission:
    submission = _lock(submission)
    if submission.status not in DECIDING_STATUSES:
        raise ReviewRefused(f"A submission that is {submission.get_status_display().lower()} cannot be claimed.")
    if submission.assignee_id == user.pk:
        return submission
    if submission.assignee_id is not None:
        raise ReviewRefused(f"Already claimed by {submission.assignee.get_username()}.")
    _require_eligible(submission, user)
    submission.assignee = user
    submission.save(update_fields=["assignee", "updated_at"])
    audit_record(actor=_actor(user), event="submission.assigned", subject=submission,
                 before={"assignee": None}, after={"assignee": user.get_username(), "how": "claimed"})
    return submission


def _require_eligible(submission: Submission, user) -> None:
    """Whether ``user`` may hold this submission at its current stage."""
    _require_perm(user, "review_submission", "You do not have the reviewer role.")
    if submission.status == Status.PENDING_SECOND_APPROVAL:
        _require_perm(user, "second_approve_submission", "The second approval needs a senior reviewer.")
        first = first_approval(submission)
        if first and first.made_by_id == user.pk:
            raise ReviewRefused("You gave the first approval; a different reviewer must give the second.")


@transaction.atomic
def review_release(*, submission: Submission, user: AbstractBaseUser) -> Submission:
    submission = _lock(submission)
    if submission.assignee_id is None:
        return submission
    if submission.assignee_id != user.pk and not user.has_perm("kyc.reassign_submission"):
        raise ReviewRefused(f"Only {submission.assignee.get_username()} or a senior reviewer can release it.")
    before = submission.assignee.get_username()
    submission.assignee = None
    submission.save(update_fields=["assignee", "updated_at"])
    audit_record(actor=_actor(user), event="submission.assigned", subject=submission,
                 before={"assignee": before}, after={"assignee": None, "how": "released"})
    return submission


@transaction.atomic
def review_reassign(*, submission: Submission, user: AbstractBaseUser, to_user: AbstractBaseUser | None) -> Submission:
    _require_perm(user, "reassign_submission", "Only a senior reviewer or an admin can reassign.")
    submission = _lock(submission)
    if submission.status not in DECIDING_STATUSES:
        raise ReviewRefused(f"A submission that is {submission.get_status_display().lower()} cannot be reassigned.")
    if to_user is not None:
        _require_eligible(submission, to_user)
    before = submission.assignee.get_username() if submission.assignee else None
    submission.assignee = to_user
    submission.save(update_fields=["assignee", "updated_at"])
    audit_record(actor=_actor(user), event="submission.assigned", subject=submission, before={"assignee": before},
                 after={"assignee": to_user.get_username() if to_user else None, "how": "reassigned"})
    return submission


@transaction.atomic
def field_correct(*, submission: Submission, user: AbstractBaseUser, name: str, value: str) -> CardField:
    """Correct one field; the OCR value is kept. Entering the OCR value again removes the correction.

    A correction during the second-approval stage withdraws the first approval: it covered other values.
    """
    submission = _lock(submission)
    _require_perm(user, "review_submission", "You do not have the reviewer role.")
    _require_assignee(submission, user)
    if submission.status not in (Status.NEEDS_REVIEW, Status.PENDING_SECOND_APPROVAL):
        raise ReviewRefused(f"Fields of a submission that is {submission.get_status_display().lower()} cannot be corrected.")
    try:
        field = CardField.objects.select_for_update().get(submission=submission, name=name)
    except CardField.DoesNotExist:
        raise ReviewRefused(f"There is no field {name!r} on this card.") from None
    value = value.strip()
    new = None if value == field.ocr_value else value
    if new == field.corrected_value:
        return field
    before = field.value
    field.corrected_value = new
    field.corrected_by = user if new is not None else None
    field.corrected_at = timezone.now() if new is not None else None
    field.save(update_fields=["corrected_value", "corrected_by", "corrected_at"])
    audit_record(actor=_actor(user), event="field.corrected", subject=field, submission=submission,
                 before={"field": name, "value": before}, after={"field": name, "value": field.value, "ocr_value": field.ocr_value})
    submission_refresh_summary(submission=submission)
    if submission.status == Status.PENDING_SECOND_APPROVAL:
        _transition(submission, Status.NEEDS_REVIEW, user, {"reason": "corrected after the first approval"})
    return field


def _decision_on_commit(submission: Submission, decision: Decision) -> None:
    submission_id, decision_id = submission.pk, decision.pk
    transaction.on_commit(
        lambda: decision_recorded.send(sender=Decision, submission_id=submission_id, decision_id=decision_id)
    )


def _record_decision(submission, user, action, *, reason_codes=(), comment="", approved_fields=None) -> Decision:
    decision = Decision.objects.create(submission=submission, action=action, reason_codes=list(reason_codes),
                                       comment=comment, made_by=user, approved_fields=approved_fields,
                                       automated_result=automated_result(submission))
    audit_record(actor=_actor(user), event="decision.recorded", subject=decision, submission=submission,
                 after={"action": action, "reason_codes": list(reason_codes), "comment": comment})
    return decision


@transaction.atomic
def review_approve(*, submission: Submission, user: AbstractBaseUser, comment: str = "") -> Decision:
    """Approve. With warnings or corrections the first approval only moves the submission to a second
    reviewer (never the same person, admins included), who gives the approval that counts."""
    submission = _lock(submission)
    _require_perm(user, "review_submission", "You do not have the reviewer role.")
    _require_assignee(submission, user)
    if submission.status == Status.PENDING_SECOND_APPROVAL:
        _require_eligible(submission, user)
        first = first_approval(submission)
        return _approve_final(submission, user, comment, first_by=first.made_by if first else None)
    if submission.status != Status.NEEDS_REVIEW:
        raise ReviewRefused(f"A submission that is {submission.get_status_display().lower()} cannot be approved.")
    reasons = _four_eyes_reasons_for(submission)
    if not reasons:
        return _approve_final(submission, user, comment, first_by=None)
    decision = _record_decision(submission, user, Decision.Action.FIRST_APPROVAL, comment=comment)
    _transition(submission, Status.PENDING_SECOND_APPROVAL, user, {"four_eyes": reasons})
    # The second reviewer claims it from the queue; the first approver cannot keep it.
    submission.assignee = None
    submission.save(update_fields=["assignee", "updated_at"])
    return decision


def _approve_final(submission, user, comment, *, first_by) -> Decision:
    fields = list(submission.fields.all())
    record = {
        "fields": fields_merged(submission),
        "ocr": {f.name: f.ocr_value for f in fields},
        "confidence": {f.name: f.confidence for f in fields},
        "corrected": sorted(f.name for f in fields if f.is_corrected),
        "warnings": sorted(submission.warnings.values_list("code", flat=True)),
        "first_approval_by": first_by.get_username() if first_by else None,
    }
    decision = _record_decision(submission, user, Decision.Action.APPROVE, comment=comment, approved_fields=record)
    _transition(submission, Status.APPROVED, user)
    _decision_on_commit(submission, decision)
    return decision


def _decide_against(submission, user, *, action, to, reasons, allowed, comment) -> Decision:
    submission = _lock(submission)
    _require_perm(user, "review_submission", "You do not have the reviewer role.")
    _require_assignee(submission, user)
    if not reasons:
        raise ReviewRefused("Pick at least one reason.")
    unknown = [code for code in reasons if code not in allowed]
    if unknown:
        raise ReviewRefused(f"Not a reason for this decision: {', '.join(unknown)}.")
    if submission.status not in DECIDING_STATUSES:
        raise ReviewRefused(f"A submission that is {submission.get_status_display().lower()} cannot be decided.")
    decision = _record_decision(submission, user, action, reason_codes=reasons, comment=comment)
    _transition(submission, to, user, {"reason_codes": list(reasons)})
    _decision_on_commit(submission, decision)
    return decision


@transaction.atomic
def review_reject(*, submission: Submission, user: AbstractBaseUser, reason_codes: list[str], comment: str = "") -> Decision:
    return _decide_against(submission, user, action=Decision.Action.REJECT, to=Status.REJECTED,
                           reasons=reason_codes, allowed=REJECT_REASONS, comment=comment)


@transaction.atomic
def review_request_reupload(
    *, submission: Submission, user: AbstractBaseUser, reason_codes: list[str], comment: str = ""
) -> Decision:
    return _decide_against(submission, user, action=Decision.Action.REQUEST_REUPLOAD, to=Status.REUPLOAD_REQUESTED,
                           reasons=reason_codes, allowed=REUPLOAD_REASONS, comment=comment)


@transaction.atomic
def review_ocr_retry(*, submission: Submission, user: AbstractBaseUser) -> Submission:
    """Send a submission whose OCR failed back to be read again (the assignee only)."""
    submission = _lock(submission)
    _require_perm(user, "review_submission", "You do not have the reviewer role.")
    _require_assignee(submission, user)
    try:
        return ocr_retry(submission=submission, actor=_actor(user))
    except IllegalTransition as exc:
        raise ReviewRefused(str(exc)) from None


@transaction.atomic
def note_add(*, submission: Submission, user: AbstractBaseUser, text: str) -> Note:
    _require_perm(user, "review_submission", "You do not have the reviewer role.")
    text = text.strip()
    if not text:
        raise ReviewRefused("A note cannot be empty.")
    note = Note.objects.create(submission=submission, author=user, text=text)
    audit_record(actor=_actor(user), event="note.added", subject=note, submission=submission, after={"length": len(text)})
    return note


@transaction.atomic
def id_reveal(*, submission: Submission, user: AbstractBaseUser) -> str:
    """The full ID number, for a user allowed to see it; every reveal is logged."""
    _require_perm(user, "reveal_id_number", "You may not reveal full ID numbers.")
    audit_record(actor=_actor(user), event="id.revealed", subject=submission)
    return submission.id_number


@transaction.atomic
def image_view(*, image: CardImage, user: AbstractBaseUser, what: str = "card") -> CardImage:
    """Record that ``user`` was sent a card image (or its portrait crop)."""
    _require_perm(user, "view_card_image", "You may not view card images.")
    audit_record(actor=_actor(user), event="image.viewed", subject=image, submission=image.submission,
                 after={"side": image.side, "generation": image.generation, "what": what})
    return image
