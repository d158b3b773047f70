"""The whole way through: an upload through the API is read by a real Celery worker, waits in the
reviewer queue, and the decision reaches the portal's receiver, delivered by the same worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from kyc.audit import Actor
from kyc.celery import app
from kyc.models import Decision, Status, Submission
from kyc.services.submissions import REVIEWABLE_STATUSES, submission_transition
from kyc.signals import decision_recorded
from ocr.backends import BACKENDS

from .conftest import PORTAL_TOKEN
from .ocr_doubles import ScriptedBackend, card_png
from .test_portal_webhooks import receiver  # noqa: F401  (a fixture: the portal's signature-checking endpoint)


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


def in_reviewer_queue(submission, reviewer) -> bool:
    try:
        from kyc.review.selectors import queue_submissions
    except ImportError:
        # Before branch `review` is merged the queue is defined by the statuses it shows.
        return Submission.objects.filter(pk=submission.pk, status__in=REVIEWABLE_STATUSES).exists()
    return queue_submissions(user=reviewer, filters={}).filter(pk=submission.pk).exists()


@pytest.mark.worker
@pytest.mark.slow

@pytest.mark.django_db(transaction=True)
def test_an_api_upload_is_read_by_a_real_worker_and_the_decision_delivered(
    portal_client, reviewer, receiver, settings, monkeypatch  # noqa: F811
):
    # The OCR answer is scripted (the engine's accuracy is not what is tested here); everything else
    # -- broker, worker, pipeline, storage, webhook delivery -- is the real thing.
    monkeypatch.setitem(BACKENDS, "scripted", lambda **config: ScriptedBackend())
    settings.OCR_BACKEND = "scripted"
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    server = receiver(200)
    portal_client.webhook_url = server.url
    portal_client.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {PORTAL_TOKEN}")

    with start_worker(app, perform_ping_check=False, queues=["default", "ocr"], shutdown_timeout=30):
        front = SimpleUploadedFile("front.png", card_png())
        response = api.post("/api/v1/submissions", {"country": "MY", "external_ref": "E2E-1", "front": front})
        assert response.status_code == 201, response.content
        submission_id = response.json()["id"]
        status = wait_for(
            lambda: (s := api.get(f"/api/v1/submissions/{submission_id}").json()["status"]) in REVIEWABLE_STATUSES and s
        )
        assert status == Status.NEEDS_REVIEW
        submission = Submission.objects.get(pk=submission_id)
        assert submission.id_number == "710716-08-6085"
        assert in_reviewer_queue(submission, reviewer)

        # What the reviewer services do on approval (branch `review`): decide, commit, then signal.
        with transaction.atomic():
            decision = Decision.objects.create(
                submission=submission, action="approve", made_by=reviewer, approved_fields={"fields": {"ID": "710716-08-6085"}}
            )
            submission_transition(submission=submission, to=Status.APPROVED, actor=Actor.of_user(reviewer))
            transaction.on_commit(
                lambda: decision_recorded.send(sender=Decision, submission_id=submission.pk, decision_id=decision.pk)
            )
        event = wait_for(lambda: server.events and server.events[0])

    assert server.refused == []
    assert event["type"] == "submission.approved" and event["data"]["external_ref"] == "E2E-1"
    assert event["data"]["decision"]["approved_fields"] == {"ID": "710716-08-6085"}
    assert api.get(f"/api/v1/submissions/{submission_id}").json()["decision"]["outcome"] == "approved"
    assert submission.audit_events.filter(event="webhook.delivered").exists()


@pytest.mark.worker
@pytest.mark.slow

@pytest.mark.django_db(transaction=True)
def test_the_offline_engine_reads_an_api_upload_in_the_worker(portal_client, reviewer, settings):
    from ocr.synth import generate_card

    settings.OCR_BACKEND = "local"
    card, truth = generate_card("MyKad", seed=7, scene="crop")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {PORTAL_TOKEN}")
    with start_worker(app, perform_ping_check=False, queues=["default", "ocr"], shutdown_timeout=60):
        response = api.post("/api/v1/submissions", {"country": "MY", "front": SimpleUploadedFile("f.jpg", card)})
        assert response.status_code == 201, response.content
        submission_id = response.json()["id"]
        wait_for(lambda: api.get(f"/api/v1/submissions/{submission_id}").json()["status"] in REVIEWABLE_STATUSES, 90)
    submission = Submission.objects.get(pk=submission_id)
    assert submission.status == Status.NEEDS_REVIEW, submission.ocr_error_message
    assert submission.id_number == truth["ID"]
    assert in_reviewer_queue(submission, reviewer)
