"""The API description shown at /api/v1/docs: what an integrator needs beyond the endpoint list."""

API_DESCRIPTION = """
Upload identity cards for review, follow their status, receive signed decisions.

## Authentication
Send `Authorization: Bearer <token>` with every request. Tokens are issued, rotated and revoked by
the KYC team; a rotated token replaces the old one immediately.

## Errors
Every refusal is `{"error": {"code": "<stable code>", "message": "<for developers>"}}`. Branch on
`code`, never on `message`. Nothing is stored when a request is refused.

## Limits
Images: JPEG or PNG (Singapore also BMP), at least 200 px per side, at most 7 MB of Base64 (5.25 MB
as a file). Requests per client per minute are limited; over the limit the answer is `429` with a
`Retry-After` header in seconds.

## Retries
Send an `Idempotency-Key` header with each upload and re-upload; repeating the request with the
same key returns the first result instead of creating a duplicate.

## Webhooks
On each decision (approved, rejected, re-upload requested) we POST a JSON event to your webhook
URL: `{"id": "<event id>", "type": "submission.approved", "data": {...same as GET /submissions/<id>...}}`.
Answer any 2xx within 10 seconds. Anything else is retried with exponential backoff for about two
hours; the event `id` stays the same across retries, so ignore ids you have already processed.

Every request carries `KYC-Signature: t=<unix time>,v1=<hex>`, where `v1` is
HMAC-SHA256 of `"<t>.<raw request body>"` keyed with your webhook signing secret. To verify:

```python
import hashlib, hmac, time

def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    t = int(parts["t"])
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - t) <= tolerance
```
Compute it over the raw body bytes, before any JSON parsing.
"""
