"""Tencent API 3.0 request bodies for the two OCR actions: validation in Tencent's error vocabulary.

Both our HTTP server and the command line call `recognize_request`, so that a request is judged the
same way wherever it arrives.
"""

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Callable

from .errors import MLID, SG, OcrError

PARAMS = {
    MLID: {"ImageBase64", "ImageUrl", "BackImageBase64", "BackImageUrl", "RetImage"},
    SG: {"ImageBase64", "ImageUrl", "ReturnHeadImage"},
}
MAX_BASE64 = 7 * 1024 * 1024
# What the image behind the Base64 may be, wherever it arrives (this API, the portal, a URL).
# Base64 grows data by 4/3. Pillow names multi-picture phone JPEGs (iPhone) "MPO".
MAX_IMAGE_BYTES = MAX_BASE64 * 3 // 4
IMAGE_FORMATS = {MLID: frozenset({"JPEG", "MPO", "PNG"}), SG: frozenset({"JPEG", "MPO", "PNG", "BMP"})}
# A phone photo is 12-50 Mpx; anything larger is refused from its header, before a pixel is decoded.
MAX_PIXELS = 50_000_000
_B64_RE = re.compile(rb"^[A-Za-z0-9+/]*={0,2}$")


@dataclass(frozen=True)
class ParsedRequest:
    image: bytes
    back: bytes | None
    ret_image: bool


def _bool(name: str, value) -> bool:
    # The SG seed sends "false" as a string; SDKs send JSON booleans.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise OcrError("InvalidParameterValue.InvalidParameterValueLimit", f"{name} must be a boolean (true or false).")


def _b64(name: str, value) -> bytes:
    if not isinstance(value, str):
        raise OcrError("FailedOperation.ImageDecodeFailed", f"{name} must be a Base64 string.")
    if len(value) > MAX_BASE64:
        raise OcrError("LimitExceeded.TooLargeFileError", f"{name} is larger than 7 MB after Base64 encoding.")
    raw = value.strip()
    # A data: URL prefix is a common client mistake; Tencent rejects it, so do we, clearly.
    if raw.startswith("data:"):
        raise OcrError("FailedOperation.ImageDecodeFailed", f"{name} must be plain Base64, without a data: URL prefix.")
    compact = re.sub(r"\s+", "", raw).encode("ascii", "replace")
    if not compact or len(compact) % 4 or not _B64_RE.match(compact):
        raise OcrError("FailedOperation.ImageDecodeFailed", f"{name} is not valid Base64.")
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise OcrError("FailedOperation.ImageDecodeFailed", f"{name} is not valid Base64.") from None


def _fetch(name: str, url, fetch_url) -> bytes:
    if not isinstance(url, str) or not url.strip():
        raise OcrError("InvalidParameterValue.InvalidParameterValueLimit", f"{name} must be a non-empty URL string.")
    if fetch_url is None:
        raise OcrError("FailedOperation.DownLoadError", f"{name} is not enabled on this server: send the image as Base64 instead.")
    try:
        data = fetch_url(url)
    except OcrError:
        raise
    except Exception as e:  # noqa: BLE001 - any download failure is Tencent's DownLoadError
        raise OcrError("FailedOperation.DownLoadError", f"The image at {name} could not be downloaded ({type(e).__name__}).") from None
    if not data:
        raise OcrError("FailedOperation.DownLoadError", f"The image at {name} is empty.")
    if len(data) * 4 / 3 > MAX_BASE64:
        raise OcrError("LimitExceeded.TooLargeFileError", f"The image at {name} is larger than 7 MB after Base64 encoding.")
    return data


def parse_request(action: str, body: dict, fetch_url: Callable[[str], bytes] | None = None) -> ParsedRequest:
    if action not in PARAMS:
        raise OcrError("InvalidAction", f"The action {action!r} is not supported: use {MLID} or {SG}.")
    if not isinstance(body, dict):
        raise OcrError("InvalidParameter", "The request body must be a JSON object.")
    allowed = PARAMS[action]
    for key in body:
        # API 3.0 carries the common parameters (Action, Version, Region...) in headers, never in the body.
        if key not in allowed:
            raise OcrError("UnknownParameter", f"The parameter `{key}` is not recognized for {action}.")

    def image(b64_name, url_name, required):
        # ImageUrl wins when both are given, as the contract says.
        if body.get(url_name) not in (None, ""):
            return _fetch(url_name, body[url_name], fetch_url)
        if body.get(b64_name) not in (None, ""):
            return _b64(b64_name, body[b64_name])
        if required:
            raise OcrError("MissingParameter", f"One of {url_name} or {b64_name} is required.")
        return None

    front = image("ImageBase64", "ImageUrl", True)
    back = image("BackImageBase64", "BackImageUrl", False) if action == MLID else None
    flag = "RetImage" if action == MLID else "ReturnHeadImage"
    ret = _bool(flag, body[flag]) if body.get(flag) is not None else False
    return ParsedRequest(image=front, back=back, ret_image=ret)


def recognize_request(action: str, body: dict, fetch_url: Callable[[str], bytes] | None = None) -> dict:
    """Validate a request body and recognise it: the inner `Response` (raises OcrError)."""
    from .engine import recognize_images

    req = parse_request(action, body, fetch_url)
    return recognize_images(action, req.image, back=req.back, ret_image=req.ret_image)
