"""The OCR pipeline: queue the task, run the backend for the submission's country, keep every
attempt, and move the submission to needs_review or ocr_failed.

The work happens in short transactions, never around a backend call: an HTTP call to Tencent (or a
second of engine time) must not hold a database lock, and each raw response is committed the moment
it arrives, so that a crash or a later failure cannot lose what a backend already returned.

Idempotency rests on the Celery task id. Moving received → processing records the task id in the
audit event, and only that task may continue a submission that is processing; a redelivered message
(same id, after a worker died) reuses the attempts its earlier delivery stored instead of calling the
backend again.
"""

import json
import logging
import random
import re
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ocr.backends import Backend, OcrReply, get_backend
from ocr.errors import MLID, SG, OcrError

from ..audit import Actor, audit_record
from ..models import AuditEvent, CardField, CardImage, CardWarning, Country, OcrAttempt, Side, Status, Submission
from ..ratelimit import limit_for_rate, try_acquire
from .fields import submission_refresh_summary
from .submissions import submission_transition

logger = logging.getLogger(__name__)

ACTIONS = {Country.MY: MLID, Country.SG: SG}
# Keys of a Tencent response that are not card fields: ids, images, and the structured extras.
NOT_FIELDS = frozenset({"RequestId", "AdvancedInfo", "Image", "Photo", "Warn", "WarnCardInfos", "WarnDetails", "Error"})
# Backends whose quotas are shared by every worker (Tencent: MLID 5/s, SG 20/s).
RATE_LIMITED_BACKENDS = frozenset({"tencent"})
# Publishing gives up quickly when the broker is down: the upload request must not hang on it, and
# ocr_requeue_stale queues the submission later.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Code stored when the backend raised something that is not an OcrError (a bug, an engine crash).
UNEXPECTED_ERROR_CODE = "FailedOperation.UnKnowError"


class Outcome:
    NEEDS_REVIEW = "needs_review"
    SKIPPED = "skipped"


class RateLimited(Exception):
    """No quota slot was free in time; try again after ``wait`` seconds. No call was made."""

    def __init__(self, action: str, wait: float):
        super().__init__(f"{action}: no rate-limit slot free, next window in {wait:.3f}s")
        self.action = action
        self.wait = wait


@dataclass(frozen=True)
class _Call:
    action: str
    sides: str  # "front", "back" or "front+back"
    image: CardImage
    back: CardImage | None = None


# --- Queueing -------------------------------------------------------------------------------------


def _redact(text: str) -> str:
    """Broker errors can quote the broker URL, and with it a password."""
    return re.sub(r"://[^/@\s]*@", "://***@", text)


def ocr_enqueue(*, submission_id: uuid.UUID | str) -> bool:
    """Queue the OCR task for the submission's current round and stamp ``ocr_queued_at``.

    Never raises for a broker failure: the upload is already stored, and a submission left without
    the stamp is queued again by ``ocr_requeue_stale``. Not atomic on purpose: the publish is not a
    database write, and the stamp must only follow a publish that succeeded.
    """
    from ..tasks import run_ocr  # the task module imports this one

    generation = Submission.objects.filter(pk=submission_id).values_list("generation", flat=True).first()
    if generation is None:
        return False
    try:
        run_ocr.apply_async(
            kwargs={"submission_id": str(submission_id), "generation": generation},
            retry=True,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
    except Exception as exc:  # any broker trouble (kombu OperationalError, OSError on the filesystem broker)
        logger.warning(
            "OCR for submission %s not queued (%s: %s); it will be queued again later",
            submission_id,
            type(exc).__name__,
            _redact(str(exc)),
        )
        return False
    Submission.objects.filter(pk=submission_id, generation=generation).update(ocr_queued_at=timezone.now())
    return True


def ocr_release_lost() -> int:
    """Send back to received every submission that has sat in processing, with no OCR attempt, for
    longer than any task can take (OCR_PROCESSING_TIMEOUT_SECONDS): its worker died and the message
    was lost with it (a broker without redelivery, a purged queue). The received sweep then queues it
    again. If the old task does come back, it finds the submission no longer its own and stops.
    Returns how many were released."""
    cutoff = timezone.now() - timedelta(seconds=settings.OCR_PROCESSING_TIMEOUT_SECONDS)
    lost = (
        Submission.objects.filter(status=Status.PROCESSING, updated_at__lt=cutoff)
        .exclude(ocr_attempts__created_at__gte=cutoff)
        .values_list("pk", flat=True)
    )
    released = 0
    for pk in lost:
        with transaction.atomic():
            submission = Submission.objects.select_for_update().filter(pk=pk, status=Status.PROCESSING).first()
            if submission is None or submission.updated_at >= cutoff:
                continue  # finished, or claimed again, since the query
            task_id = _claimed_by(submission)
            submission_transition(
                submission=submission,
                to=Status.RECEIVED,
                actor=Actor.system(),
                detail={"reason": "processing_timeout", "lost_task_id": task_id},
            )
            Submission.objects.filter(pk=pk).update(ocr_queued_at=None)
            logger.warning("OCR task %s for submission %s was lost in processing; queueing it again", task_id, pk)
            released += 1
    return released


def ocr_requeue_stale() -> int:
    """Queue again every received submission whose task was never queued, or queued long enough ago
    that it should have run, after releasing those lost in processing (``ocr_release_lost``). Safe at
    any time: a duplicate task finds the submission claimed or done and does nothing. Returns how many
    were queued."""
    ocr_release_lost()
    cutoff = timezone.now() - timedelta(seconds=settings.OCR_REQUEUE_AFTER_SECONDS)
    stale = Submission.objects.filter(Q(ocr_queued_at__isnull=True) | Q(ocr_queued_at__lt=cutoff), status=Status.RECEIVED)
    queued = 0
    for pk in stale.order_by("created_at").values_list("pk", flat=True):
        if not ocr_enqueue(submission_id=pk):
            break  # the broker is still down: the next sweep tries again, oldest first
        queued += 1
    return queued


@transaction.atomic
def ocr_retry(*, submission: Submission, actor: Actor) -> Submission:
    """A reviewer's retry of a failed OCR: back to received, and a new task once this commits.

    Raises IllegalTransition unless the submission is ocr_failed. Earlier attempts stay as they are.
    """
    submission_transition(submission=submission, to=Status.RECEIVED, actor=actor, detail={"reason": "ocr_retry"})
    Submission.objects.filter(pk=submission.pk).update(ocr_queued_at=None, ocr_error_code="", ocr_error_message="")
    submission.ocr_queued_at, submission.ocr_error_code, submission.ocr_error_message = None, "", ""
    submission_id = submission.pk
    transaction.on_commit(lambda: ocr_enqueue(submission_id=submission_id))
    return submission


# --- Running --------------------------------------------------------------------------------------


def _claimed_by(submission: Submission) -> str | None:
    """The task that moved the submission to processing most recently (see the module docstring)."""
    event = (
        AuditEvent.objects.filter(submission=submission, event="submission.status", after__status=Status.PROCESSING)
        .order_by("-id")
        .first()
    )
    return (event.after or {}).get("task_id") if event else None


def _is_ours(submission: Submission, *, task_id: str, generation: int | None) -> bool:
    if generation is not None and submission.generation != generation:
        return False  # a task for images that have since been replaced
    return submission.status == Status.PROCESSING and _claimed_by(submission) == task_id


@transaction.atomic
def _claim(*, submission_id, task_id: str, generation: int | None) -> Submission | None:
    """received → processing for this task; the submission when this task may work on it, else None."""
    submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
    if submission is None or (generation is not None and submission.generation != generation):
        return None
    if submission.status == Status.RECEIVED:
        submission_transition(
            submission=submission,
            to=Status.PROCESSING,
            actor=Actor.system(),
            detail={"task_id": task_id, "generation": submission.generation},
        )
        return submission
    return submission if _is_ours(submission, task_id=task_id, generation=generation) else None


def _plan(submission: Submission) -> list[_Call]:
    images = {i.side: i for i in CardImage.objects.filter(submission=submission, generation=submission.generation)}
    front, back = images.get(Side.FRONT), images.get(Side.BACK)
    if front is None:
        raise OcrError("MissingParameter", "This round has no front image.")
    if submission.country == Country.MY:
        # MLIDCardOCR reads both sides in one call when given the back.
        return [_Call(MLID, "front+back" if back else "front", front, back)]
    # RecognizeSingaporeIDCardOCR reads one side per call: front and back separately, merged later.
    return [_Call(SG, Side.FRONT, front)] + ([_Call(SG, Side.BACK, back)] if back else [])


def _read(image: CardImage) -> bytes:
    with image.file.open("rb") as handle:
        return handle.read()


def _acquire_slot(action: str) -> None:
    """Take a slot of the quota shared by all workers, waiting briefly in-process for the next window
    (a window is at most a second away); past OCR_RATE_WAIT_SECONDS leave it to a Celery retry."""
    limit, period = limit_for_rate(settings.OCR_RATE_LIMITS[action])
    deadline = time.monotonic() + settings.OCR_RATE_WAIT_SECONDS
    while wait := try_acquire(f"ocr-backend:{action}", limit=limit, period=period):
        if time.monotonic() + wait > deadline:
            raise RateLimited(action, wait)
        # Jitter, so that the workers waiting for the same window do not all arrive at its first instant.
        time.sleep(wait + random.uniform(0, 0.05 * period))


@transaction.atomic
def _store_attempt(
    *, submission: Submission, call: _Call, backend: Backend, task_id: str, latency_ms: int,
    reply: OcrReply | None = None, error: OcrError | None = None,
) -> OcrAttempt:
    attempt = OcrAttempt.objects.create(
        submission=submission,
        generation=submission.generation,
        sides=call.sides,
        backend=backend.name,
        action=call.action,
        task_id=task_id,
        request_id=(reply.response.get("RequestId", "") if reply else error.request_id)[:64],
        raw_response=reply.raw if reply else error.raw,
        error_code=error.code[:100] if error else "",
        error_message=error.message[:500] if error else "",
        latency_ms=latency_ms,
    )
    audit_record(
        actor=Actor.system(),
        event="ocr.attempt",
        subject=attempt,
        submission=submission,
        after={
            "backend": attempt.backend,
            "action": attempt.action,
            "sides": attempt.sides,
            "request_id": attempt.request_id,
            "error_code": attempt.error_code,
            "latency_ms": latency_ms,
            "task_id": task_id,
        },
    )
    return attempt


def _response_of(attempt: OcrAttempt) -> dict:
    return json.loads(attempt.raw_response)["Response"]


def _error_of(attempt: OcrAttempt) -> OcrError:
    return OcrError(attempt.error_code, attempt.error_message, attempt.request_id, attempt.raw_response)


def _call(*, submission: Submission, call: _Call, backend: Backend, task_id: str) -> OcrAttempt:
    """One backend call, its attempt committed whatever the outcome. Raises OcrError on failure."""
    front = _read(call.image)
    back = _read(call.back) if call.back else None
    if backend.name in RATE_LIMITED_BACKENDS:
        _acquire_slot(call.action)
    started = time.monotonic()
    reply = error = None
    try:
        reply = backend.recognize(call.action, front, back=back)
    except OcrError as exc:
        error = exc
    except Exception as exc:
        # Retrying a crash on the same bytes would crash again: kept as a permanent failure, with the
        # traceback in the worker log rather than in front of reviewers.
        logger.exception("OCR backend %s crashed on submission %s", backend.name, submission.pk)
        error = OcrError(UNEXPECTED_ERROR_CODE, f"The OCR backend failed unexpectedly ({type(exc).__name__}).")
    latency_ms = round((time.monotonic() - started) * 1000)
    attempt = _store_attempt(
        submission=submission, call=call, backend=backend, task_id=task_id, latency_ms=latency_ms, reply=reply, error=error
    )
    if error is not None:
        raise error
    return attempt


def _confidences(response: dict) -> dict[str, float]:
    """Per-field confidence from AdvancedInfo (``{"ID": {"Confidence": "0.9999"}, ...}``). Tencent now
    often sends ``"1"`` there, and the SG action has no such field: then there is none."""
    try:
        info = json.loads(response.get("AdvancedInfo") or "")
    except (TypeError, ValueError):
        return {}
    if not isinstance(info, dict):
        return {}
    confidences = {}
    for name, entry in info.items():
        try:
            confidences[name] = float(entry["Confidence"])
        except (KeyError, TypeError, ValueError):
            continue
    return confidences


def _merged_fields(results: list[tuple[OcrAttempt, dict]]) -> dict[str, tuple[str, float | None, OcrAttempt]]:
    """One record from one or two responses: the first non-empty value of each field wins (front
    before back), with its confidence and the attempt it came from."""
    merged: dict[str, tuple[str, float | None, OcrAttempt]] = {}
    for attempt, response in results:
        confidences = _confidences(response)
        for name, value in response.items():
            if name in NOT_FIELDS or not isinstance(value, str):
                continue
            if name not in merged or (not merged[name][0] and value):
                merged[name] = (value, confidences.get(name), attempt)
    return merged


def _warnings(submission: Submission, attempt: OcrAttempt, response: dict) -> list[CardWarning]:
    # WarnDetails is our addition to the contract: a score and a box per warning. A code raised by both
    # sides of a MyKad comes once in WarnCardInfos; keep its strongest detail.
    details: dict = {}
    for detail in response.get("WarnDetails") or []:
        if isinstance(detail, dict) and (detail.get("Score") or 0) >= (details.get(detail.get("Code"), {}).get("Score") or 0):
            details[detail.get("Code")] = detail
    warnings = []
    for code in dict.fromkeys(response.get("WarnCardInfos") or []):
        detail = details.get(code, {})
        score = detail.get("Score")
        if attempt.sides in Side.values:
            side = attempt.sides  # one image in the call: the warning is about it, whatever the engine took it for
        else:
            side = detail.get("Side") if detail.get("Side") in Side.values else Side.FRONT  # a MyKad's front + back
        warnings.append(
            CardWarning(
                submission=submission,
                side=side,
                code=int(code),
                score=max(0, min(100, int(score))) if isinstance(score, (int, float)) else None,
                box=detail.get("Box") or None,
            )
        )
    return warnings


def _clear_corrections_of_earlier_rounds(submission: Submission, fields) -> None:
    """A correction made while looking at earlier images says nothing about a re-uploaded card.

    What it said stays in the audit log (this event and the original field.corrected one).
    """
    stale = [
        f
        for f in fields
        if f.is_corrected and (f.source_attempt is None or f.source_attempt.generation < submission.generation)
    ]
    if not stale:
        return
    audit_record(
        actor=Actor.system(),
        event="field.corrections_cleared",
        subject=submission,
        before={f.name: f.corrected_value for f in stale},
        after={"generation": submission.generation},
    )
    CardField.objects.filter(pk__in=[f.pk for f in stale]).update(
        corrected_value=None, corrected_by=None, corrected_at=None
    )


@transaction.atomic
def _store_result(*, submission_id, task_id: str, generation: int | None, attempts: list[OcrAttempt]) -> str:
    submission = Submission.objects.select_for_update().get(pk=submission_id)
    if not _is_ours(submission, task_id=task_id, generation=generation):
        return Outcome.SKIPPED
    results = [(attempt, _response_of(attempt)) for attempt in attempts]
    merged = _merged_fields(results)
    existing = {f.name: f for f in CardField.objects.filter(submission=submission).select_related("source_attempt")}
    _clear_corrections_of_earlier_rounds(submission, existing.values())
    for name, (value, confidence, attempt) in merged.items():
        # Reviewer corrections of this round stay where they are: only the OCR side is replaced.
        CardField.objects.update_or_create(
            submission=submission, name=name, defaults={"ocr_value": value, "confidence": confidence, "source_attempt": attempt}
        )
    # A field the previous round read and this one did not: its old value is still in the old raw response.
    CardField.objects.filter(pk__in=[f.pk for n, f in existing.items() if n not in merged]).update(
        ocr_value="", confidence=None, source_attempt=None
    )
    CardWarning.objects.filter(submission=submission).delete()
    warnings = CardWarning.objects.bulk_create(
        [w for attempt, response in results for w in _warnings(submission, attempt, response)]
    )
    submission.ocr_error_code = submission.ocr_error_message = ""
    submission.save(update_fields=["ocr_error_code", "ocr_error_message", "updated_at"])
    submission_refresh_summary(submission=submission)
    submission_transition(
        submission=submission,
        to=Status.NEEDS_REVIEW,
        actor=Actor.system(),
        detail={
            "task_id": task_id,
            "attempts": [str(a.pk) for a in attempts],
            "fields": sorted(merged),
            "warnings": sorted(w.code for w in warnings),
        },
    )
    return Outcome.NEEDS_REVIEW


def ocr_run(*, submission_id: uuid.UUID | str, task_id: str, generation: int | None = None, failures: int = 0) -> str:
    """Read the submission's cards and put it in front of reviewers. What ``kyc.tasks.run_ocr`` calls.

    ``generation`` is the round the task was queued for; ``failures`` how many of this task's earlier
    runs ended in an OcrError. Returns an ``Outcome``; raises OcrError (attempt already stored) for
    the task to retry or fail with ``ocr_fail``, and RateLimited when no quota slot came free.
    """
    submission = _claim(submission_id=submission_id, task_id=task_id, generation=generation)
    if submission is None:
        return Outcome.SKIPPED
    mine = OcrAttempt.objects.filter(submission=submission, generation=submission.generation, task_id=task_id)
    failed = list(mine.exclude(error_code="").order_by("created_at"))
    if len(failed) > failures:
        # A redelivery of a run that already failed: report that failure again rather than call again.
        raise _error_of(failed[-1])
    backend = get_backend(settings.OCR_BACKEND)
    attempts = []
    for call in _plan(submission):
        done = mine.filter(error_code="", action=call.action, sides=call.sides).first()
        attempts.append(done or _call(submission=submission, call=call, backend=backend, task_id=task_id))
    return _store_result(submission_id=submission.pk, task_id=task_id, generation=generation, attempts=attempts)


@transaction.atomic
def ocr_fail(*, submission_id: uuid.UUID | str, task_id: str, generation: int | None = None, error: OcrError) -> bool:
    """processing → ocr_failed, with the error shown to reviewers. False when this task no longer owns
    the submission (a redelivery after the failure was already recorded, or a newer round)."""
    submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
    if submission is None or not _is_ours(submission, task_id=task_id, generation=generation):
        return False
    submission.ocr_error_code = error.code[:100]
    submission.ocr_error_message = error.message[:500]
    submission.save(update_fields=["ocr_error_code", "ocr_error_message", "updated_at"])
    submission_transition(
        submission=submission,
        to=Status.OCR_FAILED,
        actor=Actor.system(),
        detail={"task_id": task_id, "error_code": submission.ocr_error_code},
    )
    return True
