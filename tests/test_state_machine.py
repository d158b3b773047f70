import pytest

from kyc.audit import Actor
from kyc.models import AuditEvent, Status, Submission
from kyc.services.submissions import TRANSITIONS, IllegalTransition, submission_transition


@pytest.fixture
def submission(db):
    return Submission.objects.create(country="MY")


def test_it_allows_a_listed_transition_and_audits_it(submission, reviewer):
    submission_transition(submission=submission, to=Status.PROCESSING, actor=Actor.system())
    submission.refresh_from_db()
    assert submission.status == Status.PROCESSING
    event = AuditEvent.objects.get(submission=submission, event="submission.status")
    assert event.before == {"status": "received"} and event.after == {"status": "processing"}
    assert event.actor_label == "system"


@pytest.mark.parametrize("start,to", [(s, t) for s in Status for t in Status if t not in TRANSITIONS[s]])
def test_it_refuses_every_unlisted_transition(db, start, to):
    submission = Submission.objects.create(country="SG", status=start)
    with pytest.raises(IllegalTransition):
        submission_transition(submission=submission, to=to, actor=Actor.system())
    submission.refresh_from_db()
    assert submission.status == start
    assert not AuditEvent.objects.filter(submission=submission).exists()


def test_final_statuses_stamp_the_decision_time(submission):
    for to in (Status.PROCESSING, Status.NEEDS_REVIEW, Status.REJECTED):
        submission_transition(submission=submission, to=to, actor=Actor.system())
    submission.refresh_from_db()
    assert submission.decided_at is not None and submission.review_ready_at is not None


def test_audit_events_cannot_be_edited_or_deleted(submission):
    submission_transition(submission=submission, to=Status.PROCESSING, actor=Actor.system())
    event = AuditEvent.objects.get(submission=submission)
    event.event = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(event="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).event == "submission.status"
