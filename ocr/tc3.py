"""TC3-HMAC-SHA256, Tencent Cloud API 3.0's request signature, for both ends of the wire.

The client signs with ``sign_request``; our server checks with ``parse_authorization`` and
``signature_for``. Pure functions on bytes and strings: no Django, no network, so the published
test vector and the official SDK's signer can check them directly (tests/test_tc3.py).
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timezone

ALGORITHM = "TC3-HMAC-SHA256"
TERMINATOR = "tc3_request"
# What the official Python SDK signs. The docs' newer example adds x-tc-action; both are accepted by
# a verifier because it reads SignedHeaders from the Authorization header.
DEFAULT_SIGNED_HEADERS = ("content-type", "host")
# The SDK's opt-out of body hashing (X-TC-Content-SHA256: UNSIGNED-PAYLOAD).
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def utc_date(timestamp: int) -> str:
    # The credential scope date is the UTC date of the timestamp. Local time would break every
    # signature made between midnight local and midnight UTC (Kuala Lumpur is UTC+8).
    return datetime.fromtimestamp(int(timestamp), tz=timezone.utc).strftime("%Y-%m-%d")


def canonical_request(
    method: str, path: str, query: str, headers: dict[str, str], signed_headers: list[str] | tuple[str, ...], payload_hash: str
) -> str:
    """``headers`` maps lower-case names to values; only those named in ``signed_headers`` count."""
    lines = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in signed_headers)
    return f"{method.upper()}\n{path}\n{query}\n{lines}\n{';'.join(signed_headers)}\n{payload_hash}"


def string_to_sign(timestamp: int, date: str, service: str, canonical: str) -> str:
    return f"{ALGORITHM}\n{int(timestamp)}\n{date}/{service}/{TERMINATOR}\n{sha256_hex(canonical)}"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signature_for(secret_key: str, date: str, service: str, to_sign: str) -> str:
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), TERMINATOR)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization_header(secret_id: str, date: str, service: str, signed_headers, signature: str) -> str:
    return (
        f"{ALGORITHM} Credential={secret_id}/{date}/{service}/{TERMINATOR}, "
        f"SignedHeaders={';'.join(signed_headers)}, Signature={signature}"
    )


def sign_request(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    action: str,
    version: str,
    body: bytes,
    timestamp: int,
    content_type: str = "application/json",
    region: str = "",
    token: str = "",
    language: str = "",
    signed_headers: tuple[str, ...] = DEFAULT_SIGNED_HEADERS,
) -> dict[str, str]:
    """All headers of a signed ``POST /`` with a JSON body (the only form our OCR calls use)."""
    headers = {
        "Host": host,
        "Content-Type": content_type,
        "X-TC-Action": action,
        "X-TC-Version": version,
        "X-TC-Timestamp": str(int(timestamp)),
    }
    if region:
        headers["X-TC-Region"] = region
    if token:
        headers["X-TC-Token"] = token
    if language:
        headers["X-TC-Language"] = language
    lower = {name.lower(): value for name, value in headers.items()}
    date = utc_date(timestamp)
    canonical = canonical_request("POST", "/", "", lower, signed_headers, sha256_hex(body))
    signature = signature_for(secret_key, date, service, string_to_sign(timestamp, date, service, canonical))
    headers["Authorization"] = authorization_header(secret_id, date, service, signed_headers, signature)
    return headers


@dataclass(frozen=True)
class Authorization:
    secret_id: str
    date: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


_AUTH_RE = re.compile(
    r"^TC3-HMAC-SHA256\s+"
    r"Credential=(?P<id>[^/\s,]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[a-z0-9-]+)/tc3_request\s*,\s*"
    r"SignedHeaders=(?P<headers>[a-z0-9-]+(?:;[a-z0-9-]+)*)\s*,\s*"
    r"Signature=(?P<sig>[0-9a-f]{64})\s*$"
)


def parse_authorization(value: str) -> Authorization:
    """Split an Authorization header; ValueError when it is not a well-formed TC3 header."""
    match = _AUTH_RE.match(value or "")
    if not match:
        raise ValueError("the Authorization header is not a TC3-HMAC-SHA256 authorization")
    signed = tuple(match["headers"].split(";"))
    if list(signed) != sorted(set(signed)):
        raise ValueError("SignedHeaders must be sorted and without repeats")
    return Authorization(match["id"], match["date"], match["service"], signed, match["sig"])
