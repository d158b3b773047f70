"""Uploads carried by a real Celery worker (started in this process on the suite's memory broker),
through the real offline engine: the upload's on_commit queues the task, the worker consumes the
``ocr`` queue, and the submission reaches review with what the engine read."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from kyc.audit import Actor
from kyc.celery import app
from kyc.models import CardField, OcrAttempt, Status, Submission
from kyc.services.intake import submission_create
from ocr.backends import BACKENDS
from ocr.errors import MLID

from .broker import queued_messages
from .ocr_doubles import ScriptedBackend, card_png

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture(scope="module")
def module_worker(django_db_setup, django_db_blocker):
    # One worker for the module: stopping one takes seconds. It reads settings and the database live.
    queued_messages()  # nothing left over from other tests
    with django_db_blocker.unblock():
        with start_worker(app, pool="solo", queues=["ocr"], perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker


@pytest.fixture
def ocr_worker(module_worker, settings):
    settings.OCR_RETRY_BACKOFF_SECONDS = 0.0
    return module_worker


def wait_for_status(submission: Submission, *statuses: str, timeout: float = 120.0) -> Submission:
    """Poll until the worker has moved the submission on; the timeout only stops a hung test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submission.refresh_from_db()
        if submission.status in statuses:
            return submission
        time.sleep(0.1)
    raise AssertionError(f"still {submission.status} after {timeout}s")


def test_a_real_worker_reads_an_uploaded_mykad_with_the_offline_engine(ocr_worker, settings):
    from ocr.synth import generate_card

    settings.OCR_BACKEND = "local"
    front, truth = generate_card("MyKad", seed=11, side="front", scene="crop")
    back, _ = generate_card("MyKad", seed=11, side="back", scene="crop")
    submission = submission_create(country="MY", front=front, back=back, external_ref="worker-1", actor=Actor.system())

    wait_for_status(submission, Status.NEEDS_REVIEW, Status.OCR_FAILED)
    assert submission.status == Status.NEEDS_REVIEW, submission.ocr_error_message
    attempt = OcrAttempt.objects.get(submission=submission)
    assert (attempt.backend, attempt.action, attempt.sides) == ("local", MLID, "front+back")
    assert attempt.succeeded and attempt.request_id and attempt.task_id
    fields = {f.name: f for f in CardField.objects.filter(submission=submission)}
    assert fields["ID"].ocr_value == truth["ID"] and fields["ID"].confidence is not None  # from AdvancedInfo
    assert fields["Name"].ocr_value == truth["Name"]
    assert submission.id_number == truth["ID"] and submission.ocr_queued_at is not None


def test_a_real_worker_merges_both_sides_of_a_singapore_card_read_by_the_offline_engine(ocr_worker, settings):
    from ocr.synth import generate_card

    settings.OCR_BACKEND = "local"
    front, front_truth = generate_card("SG", seed=12, side="front", scene="crop")
    back, back_truth = generate_card("SG", seed=12, side="back", scene="crop")
    submission = submission_create(country="SG", front=front, back=back, external_ref="worker-2", actor=Actor.system())

    wait_for_status(submission, Status.NEEDS_REVIEW, Status.OCR_FAILED)
    assert submission.status == Status.NEEDS_REVIEW, submission.ocr_error_message
    attempts = {a.sides: a for a in OcrAttempt.objects.filter(submission=submission)}
    assert set(attempts) == {"front", "back"} and all(a.succeeded for a in attempts.values())
    fields = {f.name: f for f in CardField.objects.filter(submission=submission)}
    assert (fields["ID"].ocr_value, fields["ID"].source_attempt) == (front_truth["ID"], attempts["front"])
    assert (fields["PostCode"].ocr_value, fields["PostCode"].source_attempt) == (back_truth["PostCode"], attempts["back"])
    assert submission.holder_name == front_truth["EnName"]


def test_a_real_worker_retries_a_transient_error_then_reads_the_card(ocr_worker, settings, monkeypatch):
    backend = ScriptedBackend(failures=["ServiceUnavailable"])
    monkeypatch.setitem(BACKENDS, "scripted", lambda **config: backend)
    settings.OCR_BACKEND = "scripted"
    submission = submission_create(country="MY", front=card_png(seed=5), actor=Actor.system())

    wait_for_status(submission, Status.NEEDS_REVIEW, Status.OCR_FAILED)
    assert submission.status == Status.NEEDS_REVIEW
    attempts = list(OcrAttempt.objects.filter(submission=submission).order_by("created_at"))
    # The retry went back through the broker as the same task.
    assert [a.error_code for a in attempts] == ["ServiceUnavailable", ""]
    assert attempts[0].task_id == attempts[1].task_id != ""


def test_a_real_worker_fails_a_permanent_error_for_reviewers(ocr_worker, settings, monkeypatch):
    backend = ScriptedBackend(failures=["FailedOperation.ImageDecodeFailed"])
    monkeypatch.setitem(BACKENDS, "scripted", lambda **config: backend)
    settings.OCR_BACKEND = "scripted"
    submission = submission_create(country="SG", front=card_png(seed=6), actor=Actor.system())

    wait_for_status(submission, Status.NEEDS_REVIEW, Status.OCR_FAILED)
    assert submission.status == Status.OCR_FAILED
    assert submission.ocr_error_code == "FailedOperation.ImageDecodeFailed"
    assert len(backend.calls) == 1
