"""The review rules, enforced in the services whatever the screen shows."""

import pytest

from kyc.models import AuditEvent, Decision, Status
from kyc.services import review
from kyc.services.review import ReviewRefused
from kyc.signals import decision_recorded
from tests.review_factory import fast_passwords, make_submission  # noqa: F401 (autouse fixture)

GLARE = [(-9107, 87, [10, 10, 100, 50])]


@pytest.fixture
def clean(db):
    return make_submission()


@pytest.fixture
def warned(db):
    return make_submission(warnings=GLARE, ref="WARN-1")


@pytest.fixture
def signals():
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    decision_recorded.connect(listener)
    yield received
    decision_recorded.disconnect(listener)


def test_claim_and_release_are_audited(clean, reviewer):
    review.review_claim(submission=clean, user=reviewer)
    review.review_release(submission=clean, user=reviewer)
    events = list(AuditEvent.objects.filter(submission=clean, event="submission.assigned").values_list("after", flat=True))
    assert [e["how"] for e in events] == ["claimed", "released"]


def test_a_claimed_submission_cannot_be_claimed_by_another(clean, reviewer, second_reviewer):
    review.review_claim(submission=clean, user=reviewer)
    with pytest.raises(ReviewRefused, match="Already claimed by rita"):
        review.review_claim(submission=clean, user=second_reviewer)


def test_outsider_cannot_claim(clean, outsider):
    with pytest.raises(ReviewRefused, match="reviewer role"):
        review.review_claim(submission=clean, user=outsider)


def test_only_the_assignee_corrects_and_decides(clean, reviewer, second_reviewer):
    review.review_claim(submission=clean, user=reviewer)
    with pytest.raises(ReviewRefused, match="Only rita"):
        review.field_correct(submission=clean, user=second_reviewer, name="Name", value="X")
    with pytest.raises(ReviewRefused, match="Only rita"):
        review.review_approve(submission=clean, user=second_reviewer)
    with pytest.raises(ReviewRefused, match="Only rita"):
        review.review_reject(submission=clean, user=second_reviewer, reason_codes=["tampered"])


def test_unclaimed_cannot_be_decided(clean, reviewer):
    with pytest.raises(ReviewRefused, match="Claim this submission first"):
        review.review_approve(submission=clean, user=reviewer)


def test_correction_keeps_the_ocr_value_and_is_audited(clean, reviewer):
    review.review_claim(submission=clean, user=reviewer)
    field = review.field_correct(submission=clean, user=reviewer, name="Name", value="KAVIN ONG KHI MIN")
    assert field.ocr_value == "KAVIN ONG KHI MN" and field.value == "KAVIN ONG KHI MIN" and field.corrected_by == reviewer
    event = AuditEvent.objects.get(submission=clean, event="field.corrected")
    assert event.before["value"] == "KAVIN ONG KHI MN" and event.after["value"] == "KAVIN ONG KHI MIN"
    clean.refresh_from_db()
    assert clean.holder_name == "KAVIN ONG KHI MIN"
    # Typing the OCR value back removes the correction.
    field = review.field_correct(submission=clean, user=reviewer, name="Name", value="KAVIN ONG KHI MN")
    assert not field.is_corrected


def test_unknown_field_is_refused(clean, reviewer):
    review.review_claim(submission=clean, user=reviewer)
    with pytest.raises(ReviewRefused, match="no field"):
        review.field_correct(submission=clean, user=reviewer, name="Nope", value="x")


def test_a_clean_card_is_approved_by_one_reviewer(clean, reviewer, signals, django_capture_on_commit_callbacks):
    review.review_claim(submission=clean, user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        decision = review.review_approve(submission=clean, user=reviewer)
    clean.refresh_from_db()
    assert clean.status == Status.APPROVED and decision.action == Decision.Action.APPROVE
    assert decision.approved_fields["fields"]["ID"] == "710716-08-6085"
    assert decision.approved_fields["confidence"]["Address"] == 0.62
    assert signals == [{"signal": decision_recorded, "submission_id": clean.pk, "decision_id": decision.pk}]


def test_warnings_need_a_second_reviewer(warned, reviewer, second_reviewer, signals, django_capture_on_commit_callbacks):
    review.review_claim(submission=warned, user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        first = review.review_approve(submission=warned, user=reviewer, comment="looks fine")
    warned.refresh_from_db()
    assert first.action == Decision.Action.FIRST_APPROVAL
    assert warned.status == Status.PENDING_SECOND_APPROVAL and warned.assignee is None
    assert signals == []  # the portal hears only the final outcome

    review.review_claim(submission=warned, user=second_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        final = review.review_approve(submission=warned, user=second_reviewer)
    warned.refresh_from_db()
    assert warned.status == Status.APPROVED
    assert final.approved_fields["first_approval_by"] == "rita"
    assert len(signals) == 1


def test_corrections_need_a_second_reviewer(clean, reviewer):
    review.review_claim(submission=clean, user=reviewer)
    review.field_correct(submission=clean, user=reviewer, name="Name", value="KAVIN ONG")
    assert review.review_approve(submission=clean, user=reviewer).action == Decision.Action.FIRST_APPROVAL


def test_the_first_approver_can_never_give_the_second_admins_included(warned, admin_user):
    review.review_claim(submission=warned, user=admin_user)
    review.review_approve(submission=warned, user=admin_user)
    with pytest.raises(ReviewRefused, match="first approval"):
        review.review_claim(submission=warned, user=admin_user)
    # Even if it were assigned to them some other way, the approval itself is refused.
    warned.refresh_from_db()
    type(warned).objects.filter(pk=warned.pk).update(assignee=admin_user)
    warned.refresh_from_db()
    with pytest.raises(ReviewRefused, match="first approval"):
        review.review_approve(submission=warned, user=admin_user)
    warned.refresh_from_db()
    assert warned.status == Status.PENDING_SECOND_APPROVAL


def test_a_plain_reviewer_cannot_give_the_second_approval(warned, second_reviewer, reviewer):
    review.review_claim(submission=warned, user=second_reviewer)
    review.review_approve(submission=warned, user=second_reviewer)
    with pytest.raises(ReviewRefused, match="senior reviewer"):
        review.review_claim(submission=warned, user=reviewer)


def test_correcting_after_the_first_approval_withdraws_it(warned, reviewer, second_reviewer):
    review.review_claim(submission=warned, user=reviewer)
    review.review_approve(submission=warned, user=reviewer)
    review.review_claim(submission=warned, user=second_reviewer)
    review.field_correct(submission=warned, user=second_reviewer, name="Name", value="OTHER")
    warned.refresh_from_db()
    assert warned.status == Status.NEEDS_REVIEW
    # The corrector's approval is now a first approval again.
    assert review.review_approve(submission=warned, user=second_reviewer).action == Decision.Action.FIRST_APPROVAL


def test_reject_needs_final_reasons(clean, reviewer, signals, django_capture_on_commit_callbacks):
    review.review_claim(submission=clean, user=reviewer)
    with pytest.raises(ReviewRefused, match="at least one reason"):
        review.review_reject(submission=clean, user=reviewer, reason_codes=[])
    with pytest.raises(ReviewRefused, match="Not a reason"):
        review.review_reject(submission=clean, user=reviewer, reason_codes=["blurry"])
    with django_capture_on_commit_callbacks(execute=True):
        decision = review.review_reject(submission=clean, user=reviewer, reason_codes=["tampered"], comment="edited DOB")
    clean.refresh_from_db()
    assert clean.status == Status.REJECTED and decision.reason_codes == ["tampered"]
    assert len(signals) == 1


def test_reupload_needs_retryable_reasons(clean, reviewer):
    review.review_claim(submission=clean, user=reviewer)
    with pytest.raises(ReviewRefused, match="Not a reason"):
        review.review_request_reupload(submission=clean, user=reviewer, reason_codes=["tampered"])
    review.review_request_reupload(submission=clean, user=reviewer, reason_codes=["blurry", "glare"])
    clean.refresh_from_db()
    assert clean.status == Status.REUPLOAD_REQUESTED


def test_illegal_transitions_are_refused_with_a_sentence(db, reviewer):
    approved = make_submission(status=Status.APPROVED, assignee=reviewer)
    with pytest.raises(ReviewRefused, match="approved cannot be"):
        review.review_approve(submission=approved, user=reviewer)
    with pytest.raises(ReviewRefused, match="cannot be decided"):
        review.review_reject(submission=approved, user=reviewer, reason_codes=["tampered"])
    with pytest.raises(ReviewRefused, match="cannot be claimed"):
        review.review_claim(submission=make_submission(ref="P", status=Status.PROCESSING), user=reviewer)
    failed = make_submission(ref="F", status=Status.OCR_FAILED, assignee=reviewer)
    with pytest.raises(ReviewRefused, match="cannot be approved"):
        review.review_approve(submission=failed, user=reviewer)


def test_reassign_needs_the_permission_and_an_eligible_person(clean, reviewer, second_reviewer, outsider):
    with pytest.raises(ReviewRefused, match="senior reviewer"):
        review.review_reassign(submission=clean, user=reviewer, to_user=reviewer)
    with pytest.raises(ReviewRefused, match="reviewer role"):
        review.review_reassign(submission=clean, user=second_reviewer, to_user=outsider)
    review.review_reassign(submission=clean, user=second_reviewer, to_user=reviewer)
    clean.refresh_from_db()
    assert clean.assignee == reviewer
    event = AuditEvent.objects.filter(submission=clean, event="submission.assigned").last()
    assert event.after == {"assignee": "rita", "how": "reassigned"} and event.actor_label == "sam"


def test_reveal_and_image_views_are_logged(clean, reviewer, outsider):
    assert review.id_reveal(submission=clean, user=reviewer) == "710716-08-6085"
    review.image_view(image=clean.images.first(), user=reviewer)
    assert set(AuditEvent.objects.filter(submission=clean).values_list("event", flat=True)) >= {"id.revealed", "image.viewed"}
    with pytest.raises(ReviewRefused):
        review.id_reveal(submission=clean, user=outsider)


def test_notes_need_text_and_the_role(clean, reviewer, outsider):
    with pytest.raises(ReviewRefused, match="empty"):
        review.note_add(submission=clean, user=reviewer, text="  ")
    with pytest.raises(ReviewRefused):
        review.note_add(submission=clean, user=outsider, text="hi")
    assert review.note_add(submission=clean, user=reviewer, text="Called the branch").text == "Called the branch"


def test_ocr_retry_by_the_assignee_sends_the_card_back_to_be_read(
    db, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    failed = make_submission(status=Status.OCR_FAILED, assignee=reviewer)
    with pytest.raises(ReviewRefused, match="Only rita"):
        review.review_ocr_retry(submission=failed, user=second_reviewer)
    failed.refresh_from_db()
    assert failed.status == Status.OCR_FAILED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review.review_ocr_retry(submission=failed, user=reviewer)
    failed.refresh_from_db()
    assert failed.status == Status.RECEIVED
    assert len(callbacks) == 1  # the new OCR task is queued once the change is committed
    event = AuditEvent.objects.filter(submission=failed, event="submission.status").latest("id")
    assert event.actor_user == reviewer and event.after["status"] == Status.RECEIVED


def test_ocr_retry_only_from_ocr_failed(db, reviewer):
    waiting = make_submission(status=Status.NEEDS_REVIEW, assignee=reviewer)
    with pytest.raises(ReviewRefused, match="cannot become received"):
        review.review_ocr_retry(submission=waiting, user=reviewer)
