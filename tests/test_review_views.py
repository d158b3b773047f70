"""What the queue and the detail page show a reviewer."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kyc.models import AuditEvent, Status, Submission
from kyc.services import review
from tests.review_factory import SG_FIELDS, fast_passwords, make_submission  # noqa: F401 (autouse fixture)


def refs(response):
    return [s.external_ref for s in response.context["page"].object_list]


def test_default_queue_is_waiting_mine_or_unassigned_oldest_first(client, reviewer, second_reviewer):
    make_submission(ref="NEW", age_minutes=5)
    make_submission(ref="OLD", age_minutes=50)
    make_submission(ref="MINE", age_minutes=20, assignee=reviewer)
    make_submission(ref="SAMS", age_minutes=30, assignee=second_reviewer)
    make_submission(ref="DONE", status=Status.APPROVED)
    make_submission(ref="SECOND", status=Status.PENDING_SECOND_APPROVAL)
    client.force_login(reviewer)
    assert refs(client.get(reverse("review:queue"))) == ["OLD", "MINE", "NEW"]
    # Seniors also see what waits for a second approval.
    client.force_login(second_reviewer)
    assert "SECOND" in refs(client.get(reverse("review:queue")))


def test_queue_filters(client, reviewer):
    make_submission(ref="GLARE", warnings=[(-9107, 80, None)])
    make_submission(ref="SG", country="SG")
    make_submission(ref="CLEAN", fields={"ID": ("710716-08-6085", 1.0), "Type": ("MyKad", 1.0)})
    old = make_submission(ref="OLDER")
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    client.force_login(reviewer)
    get = lambda **q: refs(client.get(reverse("review:queue"), q))  # noqa: E731
    assert get(warning=-9107) == ["GLARE"]
    assert get(country="SG") == ["SG"]
    assert "CLEAN" not in get(low_confidence="on")
    assert get(card_type="NRIC") == ["SG"]
    assert "OLDER" not in get(date_from=(timezone.localdate() - timedelta(days=1)).isoformat())
    assert get(date_to=(timezone.localdate() - timedelta(days=5)).isoformat()) == ["OLDER"]
    assert get(status="approved") == []


def test_search_by_reference_name_or_full_id_shown_masked(client, reviewer):
    make_submission(ref="ABC-123")
    make_submission(ref="SG-1", country="SG")
    client.force_login(reviewer)

    def search(q):
        return client.post(reverse("review:search"), {"q": q, "filters": "country="}, follow=True)

    assert refs(search("abc-1")) == ["ABC-123"]
    assert refs(search("tan ah")) == ["SG-1"]
    assert refs(search("710716086085")) == ["ABC-123"]
    assert refs(search("s1234567d")) == ["SG-1"]
    assert refs(search("710716")) == []  # ID numbers match in full only
    response = search("710716-08-6085")
    page = response.content.decode()
    assert "710716-**-****" in page and "710716-08-6085" not in page
    # The number never travels in a URL: the search is a POST, kept in the session.
    assert all("710716" not in url for url, _ in response.redirect_chain)
    assert refs(search("")) == ["ABC-123", "SG-1"]


def test_search_rejects_get(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("review:search")).status_code == 405


def test_queue_is_paginated(client, reviewer, settings):
    settings.REVIEW_PAGE_SIZE = 2
    for i in range(5):
        make_submission(ref=f"R{i}", age_minutes=50 - i)
    client.force_login(reviewer)
    assert refs(client.get(reverse("review:queue"), {"page": 3})) == ["R4"]


def test_detail_shows_warnings_in_words_boxes_checks_and_doubts(client, reviewer):
    s = make_submission(warnings=[(-9107, 87, [100, 100, 200, 80]), (-9109, None, None)])
    client.force_login(reviewer)
    page = client.get(reverse("review:detail", args=[s.pk])).content.decode()
    assert "Glare" in page and "score 87" in page
    assert "Warning checks not enabled — review manually" in page
    assert "No card warnings" not in page
    assert '<rect x="100" y="100" width="200" height="80">' in page
    assert "Low confidence 62%" in page  # the address
    assert "Place-of-birth code" in page and "08: Perak" in page
    assert "710716-**-****" in page and "710716-08-6085" not in page
    assert "second, senior reviewer must then approve" in page


def test_without_confidence_rule_checks_mark_fields(client, reviewer):
    s = make_submission(country="SG", fields=dict(SG_FIELDS, ID=("S1234567A", None)))
    client.force_login(reviewer)
    page = client.get(reverse("review:detail", args=[s.pk])).content.decode()
    assert "NRIC check letter" in page and "the digits give D" in page
    assert "Check by eye (no confidence" in page
    assert "S****567A" in page


def test_duplicates_are_linked(client, reviewer):
    first = make_submission(ref="FIRST")
    second = make_submission(ref="SECOND")
    client.force_login(reviewer)
    page = client.get(reverse("review:detail", args=[second.pk])).content.decode()
    assert "Same ID in 1 other submission" in page and reverse("review:detail", args=[first.pk]) in page


def test_reveal_is_logged_and_shown_once(client, reviewer):
    s = make_submission()
    client.force_login(reviewer)
    response = client.post(reverse("review:reveal", args=[s.pk]), follow=True)
    assert "710716-08-6085" in response.content.decode()
    assert AuditEvent.objects.filter(submission=s, event="id.revealed", actor_user=reviewer).count() == 1
    assert "710716-08-6085" not in client.get(reverse("review:detail", args=[s.pk])).content.decode()


def test_four_eyes_screen_names_the_first_approver(client, reviewer, second_reviewer):
    s = make_submission(warnings=[(-9102, 64, None)])
    review.review_claim(submission=s, user=reviewer)
    review.review_approve(submission=s, user=reviewer)
    client.force_login(second_reviewer)
    page = client.get(reverse("review:detail", args=[s.pk])).content.decode()
    assert "Second approval needed" in page and "First approval by <strong>rita</strong>" in page


def test_refused_action_shows_a_message_not_an_error(client, reviewer, second_reviewer):
    s = make_submission(assignee=second_reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("review:approve", args=[s.pk]), follow=True)
    assert response.status_code == 200
    assert "Only sam, who has claimed it, can do this." in response.content.decode()


def test_after_a_decision_the_next_card_opens(client, reviewer):
    done = make_submission(ref="A", age_minutes=60, assignee=reviewer)
    upcoming = make_submission(ref="B", age_minutes=30)
    client.force_login(reviewer)
    response = client.post(reverse("review:reupload", args=[done.pk]), {"reason_codes": ["blurry"]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("review:detail", args=[upcoming.pk])
    assert "New upload requested: A." in response.content.decode()


def test_timeline_records_views_edits_and_decisions(client, reviewer):
    s = make_submission(assignee=reviewer)
    client.force_login(reviewer)
    client.get(reverse("review:image", args=[s.pk, s.images.get(side="front").pk]))
    client.post(reverse("review:correct", args=[s.pk]), {"name": "Sex", "value": "PEREMPUAN"})
    client.post(reverse("review:note", args=[s.pk]), {"text": "Phoned"})
    page = client.get(reverse("review:detail", args=[s.pk])).content.decode()
    for text in ("Viewed the front image", "Corrected Sex: “LELAKI” → “PEREMPUAN”", "Added an internal note",
                 "MLIDCardOCR (front) read the card, 0.41 s", "Phoned"):
        assert text in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("page", ["queue", "detail"])
def test_query_count_does_not_grow_with_submissions(client, reviewer, page):
    subject = make_submission(ref="SUBJECT", warnings=[(-9107, 80, None)])
    client.force_login(reviewer)
    url = reverse("review:queue") if page == "queue" else reverse("review:detail", args=[subject.pk])
    for i in range(2):
        make_submission(ref=f"A{i}", warnings=[(-9108, 50, None)])
    client.get(url)  # warm the permission caches
    few = _queries(client, url)
    for i in range(27):
        make_submission(ref=f"B{i}", warnings=[(-9108, 50, None), (-9101, 40, None)])
    assert _queries(client, url) == few


def test_timeline_shows_audited_ocr_attempts_once_and_notifications(client, reviewer):
    from kyc.audit import Actor, audit_record

    s = make_submission()
    attempt = s.ocr_attempts.get()
    audit_record(actor=Actor.system(), event="ocr.attempt", subject=attempt, submission=s,
                 after={"backend": "local", "action": "MLIDCardOCR", "sides": "front", "error_code": "", "latency_ms": 410})
    audit_record(actor=Actor.system(), event="webhook.delivered", subject=s, after={"status_code": 200, "attempt": 1})
    client.force_login(reviewer)
    page = client.get(reverse("review:detail", args=[s.pk])).content.decode()
    assert page.count("read the card, 0.41 s") == 1
    assert "Portal notified (HTTP 200, attempt 1)" in page
