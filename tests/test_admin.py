"""The admin site: every page loads for a superuser, review records are read-only, the audit log
cannot be deleted even there, and ID numbers are masked."""

import pytest
from django.contrib import admin
from django.urls import reverse

from kyc.audit import Actor
from kyc.masking import mask_id_number
from kyc.models import AuditEvent, CardField, OcrAttempt, Status, Submission
from kyc.services.intake import submission_create

from .broker import queued_messages
from .ocr_doubles import ScriptedBackend, card_png
from .test_pipeline import run


@pytest.fixture
def processed(db, settings, monkeypatch, portal_client):
    from ocr.backends import BACKENDS

    backend = ScriptedBackend()
    monkeypatch.setitem(BACKENDS, "scripted", lambda **config: backend)
    settings.OCR_BACKEND = "scripted"
    submission = submission_create(
        country="MY", front=card_png(), back=card_png(seed=1), external_ref="ADM-1", portal_client=portal_client,
        actor=Actor.of_portal(portal_client),
    )
    run(submission)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def kyc_models():
    return [model for model in admin.site._registry if model._meta.app_label == "kyc"]


def test_every_kyc_model_is_registered():
    from django.apps import apps

    assert set(apps.get_app_config("kyc").get_models()) == set(kyc_models())


def test_every_list_and_detail_page_loads_for_a_superuser(admin_client, processed):
    for model in kyc_models():
        opts = model._meta
        changelist = admin_client.get(reverse(f"admin:kyc_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.model_name
        obj = model.objects.first()
        if obj is not None:
            detail = admin_client.get(reverse(f"admin:kyc_{opts.model_name}_change", args=[obj.pk]))
            assert detail.status_code == 200, opts.model_name
    # Filters and search work, not just the bare list.
    url = reverse("admin:kyc_submission_changelist")
    assert admin_client.get(url, {"status__exact": "needs_review", "q": "ADM-1"}).context["cl"].result_count == 1
    url = reverse("admin:kyc_auditevent_changelist")
    assert admin_client.get(url, {"submission__id__exact": processed.pk}).context["cl"].result_count == 4


def test_id_numbers_are_masked_in_lists_and_on_the_submission(admin_client, processed):
    pages = [
        reverse("admin:kyc_submission_changelist"),
        reverse("admin:kyc_submission_change", args=[processed.pk]),
        reverse("admin:kyc_cardfield_changelist"),
        reverse("admin:kyc_ocrattempt_change", args=[OcrAttempt.objects.get(submission=processed).pk]),
    ]
    for url in pages:
        html = admin_client.get(url).content.decode()
        assert "710716-**-****" in html, url
        assert "710716-08-6085" not in html, url


def test_a_corrected_id_number_is_masked_in_the_audit_log_too(admin_client, processed, admin_user):
    from kyc.services import review

    review.review_claim(submission=processed, user=admin_user)
    review.field_correct(submission=processed, user=admin_user, name="ID", value="710716-08-6093")
    event = AuditEvent.objects.get(submission=processed, event="field.corrected")
    assert event.after["value"] == "710716-08-6093"  # the record keeps the number ...
    html = admin_client.get(reverse("admin:kyc_auditevent_change", args=[event.pk])).content.decode()
    assert "6093" not in html and "6085" not in html  # ... the page does not show it
    assert html.count("710716-**-****") == 3  # before, after and the OCR value


def test_an_approved_record_is_masked_and_shown_with_its_automated_result(
    admin_client, processed, reviewer, second_reviewer
):
    from kyc.services import review

    review.review_claim(submission=processed, user=reviewer)
    review.review_approve(submission=processed, user=reviewer)  # the scripted card is warned: four eyes
    review.review_claim(submission=processed, user=second_reviewer)
    decision = review.review_approve(submission=processed, user=second_reviewer)
    assert decision.action == "approve"
    assert decision.approved_fields["fields"]["ID"] == "710716-08-6085"  # kept in full ...
    html = admin_client.get(reverse("admin:kyc_decision_change", args=[decision.pk])).content.decode()
    assert "6085" not in html and "710716-**-****" in html  # ... shown masked
    assert "Automated result when decided" in html and "&quot;clear&quot;" in html


def test_the_raw_ocr_response_is_shown_read_only(admin_client, processed):
    attempt = OcrAttempt.objects.get(submission=processed)
    url = reverse("admin:kyc_ocrattempt_change", args=[attempt.pk])
    response = admin_client.get(url)
    assert response.status_code == 200 and attempt.request_id in response.content.decode()
    assert 'name="raw_response"' not in response.content.decode()  # no form field for it
    admin_client.post(url, {"raw_response": "{}"})
    attempt.refresh_from_db()
    assert attempt.raw_response.startswith('{\n "Response"')


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, processed):
    event = AuditEvent.objects.filter(submission=processed).first()
    assert admin_client.get(reverse("admin:kyc_auditevent_add")).status_code == 403
    assert admin_client.get(reverse("admin:kyc_auditevent_delete", args=[event.pk])).status_code == 403
    assert admin_client.post(reverse("admin:kyc_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    # Nor in bulk from the list: the delete action is not offered, and posting it does nothing.
    changelist = reverse("admin:kyc_auditevent_changelist")
    assert "delete_selected" not in admin_client.get(changelist).content.decode()
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    admin_client.post(reverse("admin:kyc_auditevent_change", args=[event.pk]), {"event": "tampered"})
    event.refresh_from_db()
    assert event.event != "tampered" and AuditEvent.objects.filter(pk=event.pk).exists()


def test_submissions_are_not_edited_through_admin_forms(admin_client, processed):
    url = reverse("admin:kyc_submission_change", args=[processed.pk])
    admin_client.post(url, {"status": "approved", "country": "SG"})
    processed.refresh_from_db()
    assert processed.status == Status.NEEDS_REVIEW and processed.country == "MY"
    assert admin_client.get(reverse("admin:kyc_submission_delete", args=[processed.pk])).status_code == 403
    assert CardField.objects.filter(submission=processed).exists()


def test_an_admin_can_retry_a_failed_ocr_from_the_list(admin_client, processed, admin_user, django_capture_on_commit_callbacks):
    Submission.objects.filter(pk=processed.pk).update(status=Status.OCR_FAILED, ocr_error_code="InternalError")
    queued_messages()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:kyc_submission_changelist"), {"action": "retry_ocr", "_selected_action": [processed.pk]}
        )
    processed.refresh_from_db()
    assert processed.status == Status.RECEIVED and processed.ocr_error_code == ""
    assert AuditEvent.objects.filter(submission=processed, actor_user=admin_user, event="submission.status").exists()
    assert len(queued_messages()) == 1


def test_people_outside_the_staff_are_sent_to_the_admin_login(client, reviewer, processed):
    client.force_login(reviewer)
    response = client.get(reverse("admin:kyc_submission_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


@pytest.mark.parametrize(
    "value,masked",
    [("710716-08-6085", "710716-**-****"), ("710716086085", "710716-**-****"), ("S1234567D", "S****567D"), ("", "")],
)
def test_masking(value, masked):
    assert mask_id_number(value) == masked


def test_a_portal_client_switched_off_in_the_admin_is_audited(admin_client, admin_user, portal_client):
    url = reverse("admin:kyc_portalclient_change", args=[portal_client.pk])
    response = admin_client.post(url, {"name": portal_client.name, "webhook_url": "https://shop-a.example/hook"})
    assert response.status_code == 302
    portal_client.refresh_from_db()
    assert portal_client.is_active is False
    event = AuditEvent.objects.get(event="portal_client.changed")
    assert event.actor_user == admin_user and event.subject_id == str(portal_client.pk)
    assert event.before == {"webhook_url": "", "is_active": True}
    assert event.after == {"webhook_url": "https://shop-a.example/hook", "is_active": False}


def test_adding_a_portal_client_in_the_admin_shows_its_credentials_once(admin_client, admin_user):
    from kyc.crypto import decrypt, token_hash
    from kyc.models import PortalClient

    response = admin_client.post(
        reverse("admin:kyc_portalclient_add"), {"name": "shop-b", "webhook_url": "https://shop-b.example/hook"}
    )
    assert response.status_code == 200
    client = PortalClient.objects.get(name="shop-b")
    token, secret = response.context["token"], response.context["webhook_secret"]
    assert client.token_hash == token_hash(token) and token not in client.token_hash
    assert decrypt(client.webhook_secret_encrypted) == secret and secret not in client.webhook_secret_encrypted
    assert token in response.content.decode() and "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.get(event="portal_client.created").actor_user == admin_user
    # Shown once: the change page afterwards carries neither.
    page = admin_client.get(reverse("admin:kyc_portalclient_change", args=[client.pk])).content.decode()
    assert token not in page and secret not in page


def test_the_admin_refuses_a_webhook_url_that_is_not_http(admin_client):
    from kyc.models import PortalClient

    response = admin_client.post(reverse("admin:kyc_portalclient_add"), {"name": "shop-c", "webhook_url": "ftp://x.example/"})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not PortalClient.objects.filter(name="shop-c").exists()


def test_rotating_a_token_in_the_admin_replaces_it_and_shows_the_new_one_once(admin_client, portal_client):
    from kyc.crypto import token_hash

    old_hash = portal_client.token_hash
    response = admin_client.post(
        reverse("admin:kyc_portalclient_changelist"),
        {"action": "rotate_tokens", "_selected_action": [portal_client.pk]},
    )
    portal_client.refresh_from_db()
    assert portal_client.token_hash != old_hash
    assert portal_client.token_hash == token_hash(response.context["token"])
    assert AuditEvent.objects.filter(event="portal_client.token_rotated").count() == 1


def test_revoking_in_the_admin_switches_the_client_off_with_an_audit_event(admin_client, portal_client):
    admin_client.post(
        reverse("admin:kyc_portalclient_changelist"),
        {"action": "revoke_clients", "_selected_action": [portal_client.pk]},
    )
    portal_client.refresh_from_db()
    assert portal_client.is_active is False and portal_client.revoked_at is not None
    assert AuditEvent.objects.filter(event="portal_client.revoked", subject_id=str(portal_client.pk)).exists()
