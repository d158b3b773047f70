"""TC3-HMAC-SHA256 verification of an incoming API 3.0 request, answering Tencent's AuthFailure codes."""

import hmac
import time

from django.db.models import Q
from django.utils import timezone

from ocr import tc3
from ocr.errors import OcrError
from ocr.models import ApiKey

SERVICE = "ocr"
MAX_SKEW_SECONDS = 300
# Tencent refuses a signature that leaves these out: without them a signature could be replayed
# against another host or with another body encoding.
REQUIRED_SIGNED_HEADERS = {"content-type", "host"}


def authenticate(request, body: bytes) -> ApiKey:
    """The active ApiKey that signed ``request``, or OcrError with the AuthFailure code to answer."""
    try:
        auth = tc3.parse_authorization(request.headers.get("Authorization", ""))
    except ValueError as exc:
        raise OcrError("AuthFailure.InvalidAuthorization", str(exc)) from None
    timestamp = _timestamp(request)
    if auth.service != SERVICE:
        raise OcrError("AuthFailure.InvalidAuthorization", f"the credential scope must name service {SERVICE!r}")
    if auth.date != tc3.utc_date(timestamp):
        raise OcrError("AuthFailure.InvalidAuthorization", "the credential scope date must be the UTC date of X-TC-Timestamp")
    if not REQUIRED_SIGNED_HEADERS <= set(auth.signed_headers):
        raise OcrError("AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type and host")
    headers = {}
    for name in auth.signed_headers:
        if name not in request.headers:
            raise OcrError("AuthFailure.InvalidAuthorization", f"signed header {name} is missing from the request")
        headers[name] = request.headers[name]
    if request.headers.get("X-TC-Token"):
        raise OcrError("AuthFailure.TokenFailure", "temporary credentials (X-TC-Token) are not supported by this server")

    key = ApiKey.objects.filter(secret_id=auth.secret_id, is_active=True).first()
    if key is None:
        raise OcrError("AuthFailure.SecretIdNotFound", "The SecretId is not found or disabled.")
    if request.headers.get("X-TC-Content-SHA256") == tc3.UNSIGNED_PAYLOAD:
        payload_hash = tc3.UNSIGNED_PAYLOAD  # the SDK's opt-out; Tencent honours it too
    else:
        payload_hash = tc3.sha256_hex(body)
    canonical = tc3.canonical_request("POST", "/", request.META.get("QUERY_STRING", ""), headers, auth.signed_headers, payload_hash)
    expected = tc3.signature_for(key.secret_key, auth.date, SERVICE, tc3.string_to_sign(timestamp, auth.date, SERVICE, canonical))
    if not hmac.compare_digest(expected, auth.signature):
        raise OcrError("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.")
    _touch(key)
    return key


def _timestamp(request) -> int:
    raw = request.headers.get("X-TC-Timestamp", "")
    if not raw:
        raise OcrError("MissingParameter", "The request is missing a required parameter `Timestamp`.")
    try:
        timestamp = int(raw)
    except ValueError:
        raise OcrError("InvalidParameterValue", "X-TC-Timestamp must be unix seconds") from None
    if abs(time.time() - timestamp) > MAX_SKEW_SECONDS:
        raise OcrError(
            "AuthFailure.SignatureExpire",
            "Signature expired. Timestamp and server time cannot differ by more than 5 minutes.",
        )
    return timestamp


def _touch(key: ApiKey) -> None:
    # At most one write a minute per key: last use is for audits, not worth a write per request.
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timezone.timedelta(minutes=1))
    ApiKey.objects.filter(stale, pk=key.pk).update(last_used_at=now)
