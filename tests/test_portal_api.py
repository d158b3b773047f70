"""The portal API as an integrating team meets it: uploads, status, re-uploads, every refusal."""

import base64
import io
import re
import time
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from kyc.audit import Actor
from kyc.crypto import encrypt, token_hash
from kyc.images import MAX_IMAGE_BYTES
from kyc.models import AuditEvent, CardImage, Decision, IdempotencyKey, PortalClient, Status, Submission
from kyc.portal.services import portal_client_revoke, portal_client_rotate_token

from .conftest import PORTAL_TOKEN

URL = "/api/v1/submissions"
OTHER_TOKEN = "kyc_other_token_fedcba9876543210fedcba9876543210"


def image(fmt: str = "JPEG", size=(320, 240), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def api(portal_client):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {PORTAL_TOKEN}")
    return client


@pytest.fixture
def other_api(db):
    PortalClient.objects.create(name="shop-b", token_hash=token_hash(OTHER_TOKEN), token_prefix=OTHER_TOKEN[:8],
                                webhook_secret_encrypted=encrypt("whsec_other"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {OTHER_TOKEN}")
    return client


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body


def post_multipart(api, **fields):
    return api.post(URL, {"country": "MY", "front": upload("front.jpg", image()), **fields}, format="multipart")


# --- Uploads ------------------------------------------------------------------------------------------


def test_it_accepts_a_multipart_upload(api, portal_client):
    response = post_multipart(api, back=upload("back.png", image("PNG")), external_ref="A-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "status"} and body["status"] == Status.RECEIVED
    submission = Submission.objects.get(pk=body["id"])
    assert submission.portal_client == portal_client and submission.external_ref == "A-1"
    assert sorted(submission.images.values_list("side", "format")) == [("back", "PNG"), ("front", "JPEG")]
    event = AuditEvent.objects.get(submission=submission, event="submission.created")
    assert event.actor_portal_client == portal_client


def test_it_accepts_json_with_base64_images(api):
    response = api.post(URL, {"country": "SG", "front": "data:image/png;base64," + b64(image("PNG"))}, format="json")
    assert response.status_code == 201, response.content
    assert Submission.objects.get(pk=response.json()["id"]).country == "SG"


def test_it_accepts_bmp_for_singapore(api):
    response = api.post(URL, {"country": "SG", "front": upload("front.bmp", image("BMP"))}, format="multipart")
    assert response.status_code == 201, response.content
    assert CardImage.objects.get().format == "BMP"


def test_it_refuses_bmp_for_malaysia(api):
    response = api.post(URL, {"country": "MY", "front": upload("front.bmp", image("BMP"))}, format="multipart")
    assert_error(response, 400, "image_format_not_allowed")


# --- Refusals -----------------------------------------------------------------------------------------


def test_it_requires_a_token(portal_client):
    response = APIClient().post(URL, {"country": "MY"}, format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_an_unknown_token(portal_client):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer kyc_not_a_real_token")
    assert_error(client.get(f"{URL}/{uuid.uuid4()}"), 401, "token_invalid")


def test_it_refuses_a_non_bearer_scheme(portal_client):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {PORTAL_TOKEN}")
    assert_error(client.get(f"{URL}/{uuid.uuid4()}"), 401, "token_invalid")


def test_it_refuses_a_revoked_token(api, portal_client):
    portal_client_revoke(client=portal_client, actor=Actor.system())
    assert_error(post_multipart(api), 401, "token_revoked")
    assert not Submission.objects.exists()


def test_a_rotated_token_replaces_the_old_one(api, portal_client):
    new_token = portal_client_rotate_token(client=portal_client, actor=Actor.system())
    assert_error(post_multipart(api), 401, "token_invalid")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {new_token}")
    assert post_multipart(api).status_code == 201
    portal_client.refresh_from_db()
    assert portal_client.token_hash == token_hash(new_token) and new_token not in str(
        list(AuditEvent.objects.values_list("before", "after"))
    )


@pytest.mark.parametrize(
    "fields,code",
    [
        ({"front": None}, "front_required"),
        ({"country": "ID"}, "country_invalid_choice"),
        ({"country": None}, "country_required"),
        ({"front": upload("front.gif", image("GIF"))}, "image_format_not_allowed"),
        ({"front": upload("front.jpg", b"this is not an image at all")}, "image_undecodable"),
        ({"front": upload("front.jpg", image()[:400])}, "image_undecodable"),  # truncated JPEG
        ({"front": upload("front.jpg", image(size=(150, 150)))}, "image_too_small"),
        ({"front": upload("front.jpg", b"")}, "front_empty"),
        ({"back": upload("back.gif", image("GIF"))}, "image_format_not_allowed"),
        ({"external_ref": "x" * 201}, "external_ref_max_length"),
    ],
)
def test_it_refuses_bad_multipart_input_and_stores_nothing(api, private_media, fields, code):
    data = {"country": "MY", "front": upload("front.jpg", image()), **fields}
    response = api.post(URL, {k: v for k, v in data.items() if v is not None}, format="multipart")
    assert_error(response, 400, code)
    assert not Submission.objects.exists() and not CardImage.objects.exists()
    assert not any(private_media.rglob("*.*")), "an image was stored for a refused upload"


@pytest.mark.parametrize(
    "front,code",
    [
        ("not base64 at all!", "image_base64_invalid"),
        ("QUJ", "image_base64_invalid"),  # missing padding
        (b64(b"GIF89a" + b"\0" * 100), "image_undecodable"),
        ("A" * (settings.MAX_IMAGE_BASE64_BYTES + 4), "image_too_large"),
        (12345, "image_base64_invalid"),
    ],
)
def test_it_refuses_bad_base64_input(api, front, code):
    assert_error(api.post(URL, {"country": "MY", "front": front}, format="json"), 400, code)
    assert not Submission.objects.exists()


def test_it_refuses_an_oversized_file(api):
    response = post_multipart(api, front=upload("front.jpg", b"\xff\xd8" + b"\0" * MAX_IMAGE_BYTES))
    assert_error(response, 400, "image_too_large")


def test_it_refuses_a_decompression_bomb(api):
    out = io.BytesIO()
    Image.new("1", (10_000, 8_000)).save(out, format="PNG")  # 80 MP in a few kilobytes
    assert len(out.getvalue()) < 100_000
    assert_error(post_multipart(api, front=upload("front.png", out.getvalue())), 400, "image_too_many_pixels")


def test_it_refuses_malformed_json(api):
    response = api.generic("POST", URL, "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_it_refuses_a_form_encoding_it_does_not_read(api):
    response = api.post(URL, "country=MY", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")


def test_it_refuses_an_oversized_request_unread(api):
    response = api.generic(
        "POST", URL, "{}", content_type="application/json", CONTENT_LENGTH=str(3 * settings.MAX_IMAGE_BASE64_BYTES)
    )
    assert_error(response, 413, "request_too_large")


def test_it_rejects_get_on_the_collection(api):
    assert_error(api.get(URL), 405, "method_not_allowed")


def test_a_duplicate_external_ref_is_a_conflict(api):
    assert post_multipart(api, external_ref="A-1").status_code == 201
    assert_error(post_multipart(api, external_ref="A-1"), 409, "external_ref_taken")
    assert Submission.objects.count() == 1


# --- Idempotency ----------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_first_result(api):
    front = image()
    first = api.post(URL, {"country": "MY", "front": b64(front)}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api.post(URL, {"country": "MY", "front": b64(front)}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"] and retry["Idempotent-Replayed"] == "true"
    assert Submission.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused(api):
    api.post(URL, {"country": "MY", "front": b64(image())}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = b64(image(color=(0, 0, 255)))
    response = api.post(URL, {"country": "MY", "front": other}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert_error(response, 422, "idempotency_key_reused")
    assert Submission.objects.count() == 1


def test_idempotency_keys_are_per_client(api, other_api):
    body = {"country": "MY", "front": b64(image())}
    a = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    b = other_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


def test_a_refused_upload_does_not_burn_its_key(api):
    bad = api.post(URL, {"country": "MY", "front": b64(image("GIF"))}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert bad.status_code == 400 and not IdempotencyKey.objects.exists()
    good = api.post(URL, {"country": "MY", "front": b64(image())}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert good.status_code == 201


def test_it_refuses_an_unprintable_key(api):
    response = api.post(URL, {"country": "MY", "front": b64(image())}, format="json", HTTP_IDEMPOTENCY_KEY="a b")
    assert_error(response, 400, "idempotency_key_invalid")


# --- Status and isolation -----------------------------------------------------------------------------


def test_status_shows_no_decision_before_one(api):
    submission_id = post_multipart(api).json()["id"]
    body = api.get(f"{URL}/{submission_id}").json()
    assert body["status"] == "received" and body["decision"] is None and body["reuploads_remaining"] == 3


def test_status_shows_the_decision_reasons_and_approved_fields(api, reviewer):
    submission = Submission.objects.get(pk=post_multipart(api).json()["id"])
    fields = {"Name": "TAN AH KOW", "ID": "880101-14-5678"}
    # The shape kyc.services.review records: the approved values beside internal review detail.
    record = {"fields": fields, "ocr": {"Name": "TAN AH K0W"}, "confidence": {"Name": 0.71},
              "warnings": [-9107], "first_approval_by": "sam"}
    Decision.objects.create(submission=submission, action="approve", made_by=reviewer, approved_fields=record,
                            reason_codes=["ok"], comment="internal remark")
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED)
    body = api.get(f"{URL}/{submission.pk}").json()
    assert body["status"] == "approved"
    assert body["decision"]["outcome"] == "approved" and body["decision"]["approved_fields"] == fields
    assert body["decision"]["reason_codes"] == ["ok"]
    for internal in ("internal remark", "K0W", "sam", "-9107", "0.71"):
        assert internal not in str(body), internal


def test_a_client_cannot_see_another_clients_submission(api, other_api):
    submission_id = post_multipart(api).json()["id"]
    assert_error(other_api.get(f"{URL}/{submission_id}"), 404, "not_found")
    missing = assert_error(other_api.get(f"{URL}/{uuid.uuid4()}"), 404, "not_found")
    assert missing == other_api.get(f"{URL}/{submission_id}").json(), "a foreign id must look like a missing one"
    Submission.objects.filter(pk=submission_id).update(status=Status.REUPLOAD_REQUESTED)
    response = other_api.post(f"{URL}/{submission_id}/images", {"front": b64(image())}, format="json")
    assert_error(response, 404, "not_found")
    assert Submission.objects.get(pk=submission_id).reupload_count == 0


def test_a_malformed_id_is_not_found(api):
    assert_error(api.get(f"{URL}/not-a-uuid"), 404, "not_found")


# --- Re-uploads ---------------------------------------------------------------------------------------


def _reupload_requested(api) -> str:
    submission_id = post_multipart(api).json()["id"]
    Submission.objects.filter(pk=submission_id).update(status=Status.REUPLOAD_REQUESTED)
    return submission_id


def test_a_requested_reupload_goes_back_to_ocr(api):
    submission_id = _reupload_requested(api)
    response = api.post(f"{URL}/{submission_id}/images", {"front": upload("f.png", image("PNG"))}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": submission_id, "status": "received"}
    submission = Submission.objects.get(pk=submission_id)
    assert submission.reupload_count == 1 and submission.generation == 1
    assert submission.images.filter(generation=1, side="front").exists()


def test_a_reupload_nobody_asked_for_is_refused(api):
    submission_id = post_multipart(api).json()["id"]
    response = api.post(f"{URL}/{submission_id}/images", {"front": b64(image())}, format="json")
    assert_error(response, 409, "reupload_not_requested")
    assert Submission.objects.get(pk=submission_id).images.count() == 1


def test_a_reupload_with_a_bad_image_changes_nothing(api):
    submission_id = _reupload_requested(api)
    response = api.post(f"{URL}/{submission_id}/images", {"front": b64(image("GIF"))}, format="json")
    assert_error(response, 400, "image_format_not_allowed")
    assert Submission.objects.get(pk=submission_id).status == Status.REUPLOAD_REQUESTED


def test_past_the_cap_the_submission_is_rejected_and_the_client_told(
    api, portal_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    portal_client.webhook_url = "https://hooks.example.com/kyc"
    portal_client.save()
    queued = []
    monkeypatch.setattr("kyc.portal.tasks.deliver_webhook.apply_async", lambda args: queued.append(args))
    submission_id = _reupload_requested(api)
    Submission.objects.filter(pk=submission_id).update(reupload_count=settings.PORTAL_MAX_REUPLOADS)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}/{submission_id}/images", {"front": b64(image())}, format="json")
    assert_error(response, 409, "reupload_limit_reached")
    body = api.get(f"{URL}/{submission_id}").json()
    assert body["status"] == "rejected"
    assert body["decision"]["outcome"] == "rejected"
    assert body["decision"]["reason_codes"] == ["reupload_limit_reached"]
    assert [args[0] for args in queued] == [submission_id] and queued[0][1] is None


def test_a_retried_reupload_returns_the_first_result(api):
    submission_id = _reupload_requested(api)
    body = {"front": b64(image("PNG"))}
    first = api.post(f"{URL}/{submission_id}/images", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    retry = api.post(f"{URL}/{submission_id}/images", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == retry.status_code == 200
    assert Submission.objects.get(pk=submission_id).reupload_count == 1


# --- Rate limit -----------------------------------------------------------------------------------------


def test_it_limits_requests_per_client(api, other_api, settings, monkeypatch):
    settings.PORTAL_RATE_LIMIT_PER_MINUTE = 2
    now = time.time()
    # Held still so that the test never straddles two one-minute windows.
    monkeypatch.setattr("kyc.ratelimit.time", type("FrozenTime", (), {"time": staticmethod(lambda: now)}))
    url = f"{URL}/{uuid.uuid4()}"
    assert [api.get(url).status_code for _ in range(2)] == [404, 404]
    response = api.get(url)
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert other_api.get(url).status_code == 404, "one client's burst must not block another"


# --- Schema and docs ------------------------------------------------------------------------------------


def test_the_schema_is_valid_openapi_without_a_login(client):
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    post = schema["paths"]["/api/v1/submissions"]["post"]
    assert set(post["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert post["requestBody"]["content"]["application/json"]["examples"]
    assert post["responses"]["201"]["content"]["application/json"]["examples"]
    assert "/api/v1/submissions/{submission_id}/images" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "KYC-Signature" in schema["info"]["description"]


def test_the_docs_page_is_served_without_a_login(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and b"swagger" in response.content.lower()


def test_the_docs_page_loads_its_scripts_from_this_site_not_a_cdn(client):
    from django.contrib.staticfiles import finders

    page = client.get("/api/v1/docs").content.decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert scripts and all(src.startswith("/static/") for src in scripts), scripts
    assert all(finders.find(src.removeprefix("/static/")) for src in scripts)


def test_it_accepts_a_multi_picture_phone_jpeg_as_the_engine_does(api):
    # Phones write JPEGs with extra pictures (depth maps); Pillow names them MPO. They are JPEGs to a
    # person and to the OCR engine, so the upload must not refuse them.
    first, second = Image.new("RGB", (640, 400), "white"), Image.new("RGB", (640, 400), "grey")
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    response = post_multipart(api, country="MY", front=upload("front.jpg", out.getvalue()))
    assert response.status_code == 201, response.content
