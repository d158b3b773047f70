"""The OCR pipeline: services and the run_ocr task (run with Celery's apply(), which executes the task
and its retries in this process with a real task id), against a backend that answers or fails on
purpose. The same path through a real worker is in test_pipeline_worker.py."""

import json
import logging

import pytest

from kyc.audit import Actor
from kyc.models import AuditEvent, CardField, CardWarning, OcrAttempt, Status, Submission
from kyc.ratelimit import try_acquire
from kyc.services import pipeline
from kyc.services.intake import submission_add_images, submission_create
from kyc.services.submissions import IllegalTransition, submission_transition
from kyc.tasks import retry_delay, run_ocr
from ocr.backends import BACKENDS
from ocr.errors import MLID, SG

from .broker import queued_messages, use_broker, use_suite_broker
from .ocr_doubles import BACK_WIDTH, CrashingBackend, ScriptedBackend, card_png


@pytest.fixture
def use_backend(settings, monkeypatch):
    settings.OCR_RETRY_BACKOFF_SECONDS = 0.0

    def install(backend, name="scripted"):
        monkeypatch.setitem(BACKENDS, name, lambda **config: backend)
        settings.OCR_BACKEND = name
        return backend

    return install


@pytest.fixture
def backend(use_backend):
    return use_backend(ScriptedBackend())


def upload(country="MY", back=True, seed=0):
    return submission_create(
        country=country,
        front=card_png(seed=seed),
        back=card_png(width=BACK_WIDTH, seed=seed + 1) if back else None,
        external_ref=f"ref-{country}-{seed}",
        actor=Actor.system(),
    )


def run(submission, task_id="task-1"):
    return run_ocr.apply(kwargs={"submission_id": str(submission.pk), "generation": submission.generation}, task_id=task_id)


def events(submission, event=None):
    qs = AuditEvent.objects.filter(submission=submission)
    return list((qs.filter(event=event) if event else qs).values_list("event", "before", "after"))


@pytest.fixture(autouse=True)
def empty_queue():
    queued_messages()


# --- Reading the card -----------------------------------------------------------------------------


def test_a_mykad_is_read_into_fields_and_warnings_and_waits_for_review(db, backend):
    submission = upload("MY")
    assert run(submission).get() == pipeline.Outcome.NEEDS_REVIEW

    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW and submission.review_ready_at
    assert backend.calls == [(MLID, True)]  # one call, the back image with it
    attempt = OcrAttempt.objects.get(submission=submission)
    assert (attempt.backend, attempt.action, attempt.sides, attempt.task_id) == ("scripted", MLID, "front+back", "task-1")
    assert attempt.raw_response.startswith('{\n "Response": {')  # the body as returned, not re-serialised
    assert attempt.request_id == json.loads(attempt.raw_response)["Response"]["RequestId"]
    assert attempt.latency_ms is not None and attempt.succeeded

    fields = {f.name: f for f in CardField.objects.filter(submission=submission)}
    assert fields["ID"].ocr_value == "710716-08-6085" and fields["ID"].confidence == 1.0
    assert fields["Address"].confidence == 0.62
    assert fields["Sex"].ocr_value == "LELAKI" and fields["Sex"].confidence is None  # none given for it
    assert not {"Image", "AdvancedInfo", "RequestId", "Warn"} & set(fields)
    assert all(f.source_attempt == attempt for f in fields.values())

    warnings = {w.code: w for w in CardWarning.objects.filter(submission=submission)}
    assert set(warnings) == {-9107, -9102}
    assert (warnings[-9107].score, warnings[-9107].box, warnings[-9107].side) == (87, [10, 20, 30, 40], "front")
    assert warnings[-9102].score is None and warnings[-9102].box is None

    assert (submission.id_number, submission.holder_name, submission.card_type) == ("710716-08-6085", "KAVIN ONG KHI MN", "MyKad")
    assert submission.has_low_confidence  # Address at 0.62
    statuses = [(b["status"], a["status"]) for _, b, a in events(submission, "submission.status")]
    assert statuses == [("received", "processing"), ("processing", "needs_review")]
    assert len(events(submission, "ocr.attempt")) == 1


def test_a_mykad_without_a_back_is_read_from_the_front_alone(db, backend):
    submission = upload("MY", back=False)
    run(submission)
    assert backend.calls == [(MLID, False)]
    assert OcrAttempt.objects.get(submission=submission).sides == "front"


def test_a_singapore_card_is_read_side_by_side_and_merged_into_one_record(db, backend):
    submission = upload("SG")
    run(submission)

    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW
    assert backend.calls == [(SG, False), (SG, False)]  # the SG action takes one side per call
    front, back = OcrAttempt.objects.filter(submission=submission).order_by("sides")[::-1]
    assert (front.sides, back.sides) == ("front", "back")
    fields = {f.name: f for f in CardField.objects.filter(submission=submission)}
    assert fields["EnName"].ocr_value == "TAN AH KOW" and fields["EnName"].source_attempt == front
    assert fields["Address"].ocr_value.startswith("BLK 123") and fields["Address"].source_attempt == back
    assert fields["PostCode"].ocr_value == "560123"
    assert all(f.confidence is None for f in fields.values())  # the SG action gives no confidence
    assert [(w.code, w.side) for w in CardWarning.objects.filter(submission=submission)] == [(-9108, "front")]
    assert submission.card_type == "NRIC" and submission.id_number == "S1234567D"


# --- Retries and failures -------------------------------------------------------------------------


def test_transient_errors_are_retried_by_the_same_task_until_it_succeeds(db, use_backend):
    backend = use_backend(ScriptedBackend(failures=["RequestLimitExceeded", "InternalError"]))
    submission = upload("MY")
    result = run(submission)

    assert result.get() == pipeline.Outcome.NEEDS_REVIEW
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW and submission.ocr_error_code == ""
    attempts = list(OcrAttempt.objects.filter(submission=submission).order_by("created_at"))
    assert [a.error_code for a in attempts] == ["RequestLimitExceeded", "InternalError", ""]
    assert {a.task_id for a in attempts} == {"task-1"}
    assert len(backend.calls) == 3
    assert len(events(submission, "ocr.attempt")) == 3
    assert len(events(submission, "submission.status")) == 2  # claimed once, finished once


def test_transient_errors_fail_the_submission_after_the_configured_retries(db, use_backend, settings):
    settings.OCR_MAX_RETRIES = 2
    backend = use_backend(ScriptedBackend(failures=["ServiceUnavailable"] * 10))
    submission = upload("MY")
    assert run(submission).get() == "ocr_failed"

    submission.refresh_from_db()
    assert submission.status == Status.OCR_FAILED
    assert (submission.ocr_error_code, submission.ocr_error_message) == ("ServiceUnavailable", "scripted ServiceUnavailable")
    assert len(backend.calls) == 3  # the first call and two retries
    assert OcrAttempt.objects.filter(submission=submission, error_code="ServiceUnavailable").count() == 3
    *_, (_, before, after) = events(submission, "submission.status")
    assert (before["status"], after["status"], after["error_code"]) == ("processing", "ocr_failed", "ServiceUnavailable")


def test_a_permanent_error_fails_at_once_and_keeps_the_error_response(db, use_backend):
    backend = use_backend(ScriptedBackend(failures=["FailedOperation.NoMASIDCard"]))
    submission = upload("MY")
    run(submission)

    submission.refresh_from_db()
    assert submission.status == Status.OCR_FAILED and submission.ocr_error_code == "FailedOperation.NoMASIDCard"
    assert len(backend.calls) == 1
    attempt = OcrAttempt.objects.get(submission=submission)
    assert json.loads(attempt.raw_response)["Response"]["Error"]["Code"] == "FailedOperation.NoMASIDCard"
    assert attempt.request_id and not attempt.succeeded
    assert not CardField.objects.filter(submission=submission).exists()


def test_a_backend_crash_is_kept_as_a_failed_attempt_and_not_retried(db, use_backend):
    backend = use_backend(CrashingBackend())
    submission = upload("MY")
    run(submission)

    submission.refresh_from_db()
    assert submission.status == Status.OCR_FAILED and submission.ocr_error_code == pipeline.UNEXPECTED_ERROR_CODE
    assert "ZeroDivisionError" in submission.ocr_error_message
    assert len(backend.calls) == 1 and OcrAttempt.objects.filter(submission=submission).count() == 1


def test_retry_delays_grow_exponentially_with_jitter_and_stop_at_the_cap(settings):
    settings.OCR_RETRY_BACKOFF_SECONDS, settings.OCR_RETRY_BACKOFF_MAX_SECONDS = 2.0, 30.0
    for failures, ceiling in [(0, 2.0), (1, 4.0), (3, 16.0), (4, 30.0), (20, 30.0)]:
        delays = {retry_delay(failures) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered, not the same instant for every worker


# --- Idempotency ----------------------------------------------------------------------------------


def test_a_redelivered_task_creates_no_duplicate_attempts_or_events(db, backend):
    submission = upload("SG")
    run(submission, task_id="same-id")
    attempts, audit = OcrAttempt.objects.count(), events(submission)

    assert run(submission, task_id="same-id").get() == pipeline.Outcome.SKIPPED
    assert OcrAttempt.objects.count() == attempts == 2
    assert events(submission) == audit
    assert len(backend.calls) == 2


def test_a_redelivery_after_a_crash_mid_run_reuses_what_was_stored(db, use_backend):
    # The front was read, the back failed, and the worker died before the retry was queued.
    backend = use_backend(ScriptedBackend(failures=[None, "InternalError"]))
    submission = upload("SG")
    with pytest.raises(pipeline.OcrError):
        pipeline.ocr_run(submission_id=submission.pk, task_id="t", failures=0)

    # Redelivered (same id, same retry count): the stored failure is reported again, nothing is called.
    with pytest.raises(pipeline.OcrError, match="InternalError"):
        pipeline.ocr_run(submission_id=submission.pk, task_id="t", failures=0)
    assert len(backend.calls) == 2

    # The retry reads the back only: the front's answer is already stored.
    assert pipeline.ocr_run(submission_id=submission.pk, task_id="t", failures=1) == pipeline.Outcome.NEEDS_REVIEW
    assert len(backend.calls) == 3
    assert list(OcrAttempt.objects.order_by("created_at").values_list("sides", "error_code")) == [
        ("front", ""), ("back", "InternalError"), ("back", "")
    ]
    assert len(events(submission, "submission.status")) == 2


def test_a_task_for_replaced_images_does_nothing(db, backend):
    submission = upload("MY")
    result = run_ocr.apply(kwargs={"submission_id": str(submission.pk), "generation": 7}, task_id="old")
    assert result.get() == pipeline.Outcome.SKIPPED
    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED and backend.calls == [] and events(submission, "submission.status") == []


@pytest.mark.parametrize("status", [Status.NEEDS_REVIEW, Status.OCR_FAILED, Status.APPROVED, Status.REUPLOAD_REQUESTED])
def test_a_task_for_a_submission_past_ocr_does_nothing(db, backend, status):
    submission = upload("MY")
    Submission.objects.filter(pk=submission.pk).update(status=status)
    assert run(submission).get() == pipeline.Outcome.SKIPPED
    assert backend.calls == [] and not OcrAttempt.objects.exists()


def test_a_second_task_leaves_a_submission_another_task_is_reading(db, backend):
    submission = upload("MY")
    submission_transition(submission=submission, to=Status.PROCESSING, actor=Actor.system(), detail={"task_id": "first"})
    assert run(submission, task_id="second").get() == pipeline.Outcome.SKIPPED
    assert backend.calls == []
    assert pipeline.ocr_run(submission_id=submission.pk, task_id="first") == pipeline.Outcome.NEEDS_REVIEW


# --- The shared Tencent quota ---------------------------------------------------------------------


def test_calls_to_tencent_wait_for_a_slot_of_the_quota_shared_by_all_workers(db, use_backend, settings):
    backend = ScriptedBackend()
    backend.name = "tencent"
    use_backend(backend, name="tencent")
    # One call per 10,000 s: the second submission cannot get a slot in this window.
    settings.OCR_RATE_LIMITS = {MLID: 0.0001, SG: 20}
    settings.OCR_RATE_WAIT_SECONDS = 0
    first, second = upload("MY", seed=1), upload("MY", seed=3)

    assert pipeline.ocr_run(submission_id=first.pk, task_id="a") == pipeline.Outcome.NEEDS_REVIEW
    with pytest.raises(pipeline.RateLimited) as raised:
        pipeline.ocr_run(submission_id=second.pk, task_id="b")
    assert raised.value.wait > 0
    assert len(backend.calls) == 1  # no call without a slot
    assert not OcrAttempt.objects.filter(submission=second).exists()
    # The slot is counted where every worker counts it.
    assert try_acquire(f"ocr-backend:{MLID}", limit=1, period=10_000) > 0


# --- Queueing, the broker being down, and the reviewer's retry -------------------------------------


def test_an_upload_queues_its_task_on_the_ocr_queue_once_committed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = upload("MY")
        assert queued_messages() == []  # nothing before the commit

    submission.refresh_from_db()
    assert submission.ocr_queued_at is not None
    assert queued_messages() == [("kyc.tasks.run_ocr", {"submission_id": str(submission.pk), "generation": 0})]


@pytest.fixture
def broker_down():
    # A real broker URL with nothing listening: the publish genuinely fails. The password must not be logged.
    use_broker("redis://:hunter2secret@127.0.0.1:1/0")
    yield
    use_suite_broker()


def test_an_upload_is_kept_when_the_broker_is_down_and_queued_later(
    db, broker_down, django_capture_on_commit_callbacks, caplog, settings
):
    caplog.set_level(logging.WARNING, logger="kyc.services.pipeline")
    with django_capture_on_commit_callbacks(execute=True):
        submission = upload("MY")  # no exception reaches the upload

    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED and submission.ocr_queued_at is None
    assert submission.images.count() == 2
    assert "not queued" in caplog.text and "hunter2secret" not in caplog.text

    use_suite_broker()  # the broker is back
    assert pipeline.ocr_requeue_stale() == 1
    submission.refresh_from_db()
    assert submission.ocr_queued_at is not None
    assert queued_messages() == [("kyc.tasks.run_ocr", {"submission_id": str(submission.pk), "generation": 0})]
    assert pipeline.ocr_requeue_stale() == 0  # queued just now: left alone

    # Queued long ago and still not run (its message lost): queued again.
    Submission.objects.filter(pk=submission.pk).update(
        ocr_queued_at=submission.ocr_queued_at.replace(year=2020)
    )
    assert pipeline.ocr_requeue_stale() == 1
    assert len(queued_messages()) == 1


def test_the_sweep_stops_at_the_first_failure_while_the_broker_is_still_down(db, broker_down, caplog):
    for _ in range(3):
        Submission.objects.create(country="MY")
    assert pipeline.ocr_requeue_stale() == 0
    assert caplog.text.count("not queued") == 1  # one try, not one per waiting upload


def test_the_sweep_leaves_submissions_that_are_past_received(db):
    for status in (Status.PROCESSING, Status.NEEDS_REVIEW, Status.OCR_FAILED):
        Submission.objects.create(country="MY", status=status)
    assert pipeline.ocr_requeue_stale() == 0 and queued_messages() == []


def _claimed_and_lost(submission, task_id="lost-task", hours_ago=2):
    """The state a worker leaves when it dies after claiming: processing, no attempt, no message."""
    from datetime import timedelta

    from django.utils import timezone

    submission_transition(submission=submission, to=Status.PROCESSING, actor=Actor.system(), detail={"task_id": task_id})
    Submission.objects.filter(pk=submission.pk).update(updated_at=timezone.now() - timedelta(hours=hours_ago))


def test_a_submission_whose_task_was_lost_in_processing_is_read_again(db, backend):
    submission = upload("MY")
    _claimed_and_lost(submission)
    queued_messages()

    assert pipeline.ocr_requeue_stale() == 1
    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED
    assert queued_messages() == [("kyc.tasks.run_ocr", {"submission_id": str(submission.pk), "generation": 0})]
    released = [after for _, _, after in events(submission, "submission.status") if after.get("reason")]
    assert released == [{"status": Status.RECEIVED, "reason": "processing_timeout", "lost_task_id": "lost-task"}]

    assert run(submission, task_id="second").get() == pipeline.Outcome.NEEDS_REVIEW
    assert run(submission, task_id="lost-task").get() == pipeline.Outcome.SKIPPED  # the old task, back late
    assert OcrAttempt.objects.filter(submission=submission).count() == 1


def test_a_task_still_working_is_not_taken_from_it(db, backend):
    recent = upload("MY", seed=1)
    _claimed_and_lost(recent, hours_ago=0.2)  # claimed minutes ago
    busy = upload("MY", seed=2)
    _claimed_and_lost(busy)
    OcrAttempt.objects.create(submission=busy, sides="front", backend="local", action=MLID, task_id="lost-task",
                              error_code="FailedOperation.ImageBlur")  # it is still calling, just now
    queued_messages()
    assert pipeline.ocr_release_lost() == 0
    assert pipeline.ocr_requeue_stale() == 0 and queued_messages() == []
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.PROCESSING}


def test_a_reviewer_retries_a_failed_ocr(db, use_backend, reviewer, django_capture_on_commit_callbacks):
    use_backend(ScriptedBackend(failures=["FailedOperation.OcrFailed"]))
    submission = upload("MY")
    run(submission, task_id="first")
    submission.refresh_from_db()
    assert submission.status == Status.OCR_FAILED

    with django_capture_on_commit_callbacks(execute=True):
        pipeline.ocr_retry(submission=submission, actor=Actor.of_user(reviewer))
    submission.refresh_from_db()
    assert submission.status == Status.RECEIVED and submission.ocr_error_code == "" and submission.ocr_queued_at
    (_, before, after) = events(submission, "submission.status")[-1]
    assert (before, after) == ({"status": "ocr_failed"}, {"status": "received", "reason": "ocr_retry"})
    assert AuditEvent.objects.filter(submission=submission, actor_user=reviewer).count() == 1
    ((task, kwargs),) = queued_messages()
    assert kwargs == {"submission_id": str(submission.pk), "generation": 0}

    run(submission, task_id="second")
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW
    assert list(OcrAttempt.objects.order_by("created_at").values_list("task_id", "error_code")) == [
        ("first", "FailedOperation.OcrFailed"), ("second", "")
    ]


def test_only_a_failed_ocr_can_be_retried(db, backend, reviewer):
    submission = upload("MY")
    run(submission)
    submission.refresh_from_db()
    with pytest.raises(IllegalTransition):
        pipeline.ocr_retry(submission=submission, actor=Actor.of_user(reviewer))


def test_a_new_round_replaces_ocr_values_and_warnings_and_clears_corrections_of_the_old_images(db, use_backend, reviewer):
    backend = use_backend(ScriptedBackend())
    submission = upload("MY")
    run(submission, task_id="round-0")
    CardField.objects.filter(submission=submission, name="Name").update(corrected_value="KAVIN ONG KHI MIN")
    submission_transition(submission=submission, to=Status.REUPLOAD_REQUESTED, actor=Actor.of_user(reviewer))

    backend.answers[(MLID, False)] = {"ID": "710716-08-6085", "Name": "KAVIN ONG KHI MN", "WarnCardInfos": [-9108]}
    submission = submission_add_images(submission=submission, front=card_png(seed=9), actor=Actor.system())
    run(submission, task_id="round-1")

    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW and submission.generation == 1
    fields = {f.name: f for f in CardField.objects.filter(submission=submission)}
    # The correction was made while looking at the old images: it is cleared, and kept in the log.
    assert fields["Name"].ocr_value == "KAVIN ONG KHI MN" and fields["Name"].corrected_value is None
    cleared = AuditEvent.objects.get(submission=submission, event="field.corrections_cleared")
    assert cleared.before == {"Name": "KAVIN ONG KHI MIN"} and cleared.after == {"generation": 1}
    assert fields["Address"].ocr_value == "" and fields["Address"].source_attempt is None  # not read this round
    assert [w.code for w in CardWarning.objects.filter(submission=submission)] == [-9108]
    assert OcrAttempt.objects.filter(submission=submission).count() == 2  # round 0's attempt is kept


def test_a_warning_raised_on_the_back_of_a_mykad_is_stored_against_the_back(db, use_backend):
    backend = use_backend(ScriptedBackend())
    backend.answers[(MLID, True)] = {
        "ID": "710716-08-6085",
        "WarnCardInfos": [-9107, -9108],
        "WarnDetails": [{"Code": -9108, "Score": 80, "Box": None, "Side": "back"},
                        {"Code": -9107, "Score": 66, "Box": [5, 6, 7, 8], "Side": "front"}],
    }
    submission = upload("MY")
    run(submission)
    assert sorted(CardWarning.objects.filter(submission=submission).values_list("code", "side")) == [
        (-9108, "back"), (-9107, "front")
    ]


def test_a_singapore_back_keeps_its_warning_whatever_side_the_engine_took_it_for(db, use_backend):
    # One image per RecognizeSingaporeIDCardOCR call: a blurred back may be read as a "front".
    backend = use_backend(ScriptedBackend())
    backend.answers[(SG, False)] = {
        "WarnCardInfos": [-9108], "WarnDetails": [{"Code": -9108, "Score": 90, "Box": None, "Side": "front"}],
    }
    submission = upload("SG")
    run(submission)
    assert sorted(CardWarning.objects.filter(submission=submission).values_list("side", flat=True)) == ["back", "front"]


def test_a_warning_raised_by_both_sides_of_a_mykad_is_stored_once_with_its_strongest_detail(db, use_backend):
    backend = use_backend(ScriptedBackend())
    backend.answers[(MLID, True)] = {
        "ID": "710716-08-6085",
        "WarnCardInfos": [-9108],
        "WarnDetails": [{"Code": -9108, "Score": 70, "Box": None}, {"Code": -9108, "Score": 91, "Box": [1, 2, 3, 4]}],
    }
    submission = upload("MY")
    run(submission)
    assert list(CardWarning.objects.filter(submission=submission).values_list("code", "score", "box")) == [
        (-9108, 91, [1, 2, 3, 4])
    ]
