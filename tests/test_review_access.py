"""Who may open what: every review URL for anonymous, outsider, reviewer, second reviewer and admin."""

import uuid

import pytest
from django.urls import reverse

from kyc.models import AuditEvent
from tests.review_factory import fast_passwords, make_submission  # noqa: F401 (autouse fixture)

PERSONAS = ["anonymous", "outsider", "reviewer", "second_reviewer", "admin_user"]
ROLES = ["reviewer", "second_reviewer", "admin_user"]


@pytest.fixture
def submission(db):
    return make_submission(warnings=[(-9107, 80, [1, 1, 50, 50])])


def _url(name, submission):
    if name in ("queue", "next", "search"):
        return reverse(f"review:{name}")
    if name == "image":
        return reverse("review:image", args=[submission.pk, submission.images.get(side="front").pk])
    return reverse(f"review:{name}", args=[submission.pk])


def _login(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


GET_URLS = ["queue", "next", "detail", "image", "portrait"]
POST_URLS = ["search", "claim", "release", "reassign", "correct", "approve", "reject", "reupload", "retry_ocr", "note", "reveal"]


@pytest.mark.parametrize("name", GET_URLS + POST_URLS)
def test_anonymous_is_sent_to_login(client, submission, name):
    response = client.post(_url(name, submission)) if name in POST_URLS else client.get(_url(name, submission))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", GET_URLS + POST_URLS)
def test_outsider_is_forbidden(client, outsider, submission, name):
    client.force_login(outsider)
    response = client.post(_url(name, submission)) if name in POST_URLS else client.get(_url(name, submission))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(actor_user=outsider).exists()


@pytest.mark.parametrize("persona", ROLES)
@pytest.mark.parametrize("name,status", [("queue", 200), ("next", 302), ("detail", 200), ("image", 200), ("portrait", 200)])
def test_roles_can_read(client, request, submission, persona, name, status):
    _login(client, request, persona)
    assert client.get(_url(name, submission)).status_code == status


@pytest.mark.parametrize("persona", ROLES)
@pytest.mark.parametrize("name", POST_URLS)
def test_post_only_views_reject_get(client, request, submission, persona, name):
    _login(client, request, persona)
    assert client.get(_url(name, submission)).status_code == 405


@pytest.mark.parametrize("persona", ROLES)
@pytest.mark.parametrize("name", ["search", "claim", "release", "correct", "approve", "reject", "reupload", "retry_ocr", "note", "reveal"])
def test_roles_can_post_review_actions(client, request, submission, persona, name):
    _login(client, request, persona)
    # An empty form is refused politely (a message and a redirect), never a 500.
    assert client.post(_url(name, submission)).status_code == 302


@pytest.mark.parametrize("persona,status", [("reviewer", 403), ("second_reviewer", 302), ("admin_user", 302)])
def test_reassign_requires_senior_or_admin(client, request, submission, persona, status):
    _login(client, request, persona)
    target = request.getfixturevalue("reviewer")
    response = client.post(_url("reassign", submission), {"to_user": target.pk})
    assert response.status_code == status
    submission.refresh_from_db()
    assert (submission.assignee == target) == (status == 302)


@pytest.mark.parametrize("persona", ROLES)
def test_unknown_submission_is_404(db, client, request, persona):
    _login(client, request, persona)
    assert client.get(reverse("review:detail", args=[uuid.uuid4()])).status_code == 404


def test_image_of_another_submission_is_404(client, reviewer, submission):
    other = make_submission(ref="OTHER")
    client.force_login(reviewer)
    url = reverse("review:image", args=[submission.pk, other.images.first().pk])
    assert client.get(url).status_code == 404


def test_images_are_never_cached_and_every_view_is_logged(client, reviewer, submission):
    client.force_login(reviewer)
    for name in ("image", "portrait"):
        response = client.get(_url(name, submission))
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Type"] == "image/jpeg"
        b"".join(response.streaming_content)
    views = AuditEvent.objects.filter(submission=submission, event="image.viewed", actor_user=reviewer)
    assert sorted(v.after["what"] for v in views) == ["card", "portrait"]


def test_no_portrait_is_404(client, reviewer, db):
    submission = make_submission(portrait=False)
    client.force_login(reviewer)
    assert client.get(_url("portrait", submission)).status_code == 404
