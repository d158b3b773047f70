"""Our Tencent Cloud API 3.0 endpoint (POST / with X-TC-Action), backed by the offline engine.

Every answer is HTTP 200 with Content-Type exactly ``application/json``: the official SDK ignores
an error body under any other status or type, and callers then see a response full of None.
"""

import json
import logging
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.http.request import RawPostDataException

from kyc.ratelimit import limit_for_rate, try_acquire
from ocr.errors import ACTIONS, VERSION, OcrError

from .auth import authenticate
from .fetch import fetch_url

logger = logging.getLogger(__name__)

def api3(request) -> HttpResponse:
    request_id = str(uuid.uuid4())
    action = request.headers.get("X-TC-Action", "")
    try:
        response = _handle(request, action)
    except OcrError as exc:
        response = exc.as_response(request_id)
        logger.info("API 3.0 %s: %s", action[:60], exc.code)
    except Exception:
        # Never a 500 or a traceback to the caller: the SDK would hide it anyway.
        logger.exception("API 3.0 %s failed (RequestId %s)", action[:60], request_id)
        response = OcrError("InternalError", "An internal error has occurred. Retry your request.").as_response(request_id)
    response.setdefault("RequestId", request_id)
    return HttpResponse(json.dumps({"Response": response}, ensure_ascii=False), content_type="application/json")


def _handle(request, action: str) -> dict:
    body = _body(request)
    if action not in ACTIONS:
        raise OcrError("InvalidAction", f"The action {action[:60]!r} does not exist; this server answers {', '.join(ACTIONS)}.")
    version = request.headers.get("X-TC-Version", "")
    if not version:
        raise OcrError("MissingParameter", "The request is missing a required parameter `Version`.")
    if version != VERSION:
        raise OcrError("NoSuchVersion", f"The API version {version[:20]!r} does not exist; use {VERSION}.")
    if request.content_type != "application/json":
        raise OcrError("UnsupportedProtocol", "Only POST with a JSON body (Content-Type: application/json) is supported.")
    key = authenticate(request, body)
    limit, period = limit_for_rate(key.rate_for(action, settings.OCR_API_RATE_LIMITS))
    if try_acquire(f"ocr-api3:{key.pk}:{action}", limit=limit, period=period):
        raise OcrError("RequestLimitExceeded", f"Your request rate for {action} exceeds {limit} per {period:g} s.")
    try:
        params = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise OcrError("InvalidParameter", "The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise OcrError("InvalidParameter", "The request body must be a JSON object.")

    from ocr.contract import recognize_request  # the engine is heavy: load it only when a call needs it

    return recognize_request(action, params, fetch_url=fetch_url)


def _body(request) -> bytes:
    limit = min(settings.OCR_API_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    too_big = OcrError("RequestSizeLimitExceeded", f"The request body is larger than {limit // (1024 * 1024)} MB.")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        _drain(request, 4 * limit)
        raise too_big  # without ever holding it in memory
    try:
        body = request.body
    except (RequestDataTooBig, RawPostDataException):
        raise too_big from None
    if len(body) > limit:
        raise too_big
    return body


def _drain(request, cap: int) -> None:
    # Read and drop what the client is still sending: a server that answers mid-upload and closes
    # makes the client fail with "connection reset" instead of reading our error.
    remaining = cap
    while remaining > 0:
        chunk = request.read(min(remaining, 256 * 1024))
        if not chunk:
            break
        remaining -= len(chunk)
