"""Signed decision webhooks.

Signature scheme (documented for the portal team in the API description):

    KYC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

The receiver recomputes the HMAC over the raw body it received, compares with
``hmac.compare_digest``, and refuses timestamps more than five minutes away from its clock (replay).
Each attempt is signed afresh; the event ``id`` stays the same across retries so that a receiver can
ignore duplicates.

Where a webhook may go is checked twice: the URL's scheme when it is set, and the address the host
actually resolves to at the moment of sending -- the connection is made to that checked address, so a
DNS answer that changes between check and connect (rebinding) cannot reach an internal service.
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from ..audit import Actor, audit_record
from ..crypto import decrypt
from ..models import Decision, Submission
from .serializers import submission_out

SIGNATURE_HEADER = "KYC-Signature"


class WebhookUrlRefused(Exception):
    pass


# --- Where a webhook may go --------------------------------------------------------------------------


def webhook_url_check(url: str) -> None:
    """Static checks, done when a URL is set and again before each send."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookUrlRefused("A webhook URL must be an http:// or https:// URL with a host.")
    if parts.username or parts.password:
        raise WebhookUrlRefused("A webhook URL must not carry credentials; requests are signed instead.")


def _address_allowed(address: str) -> bool:
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # is_global excludes loopback, RFC 1918, link-local (cloud metadata), CGNAT, ULA and reserved ranges.
    return ip.is_global and not ip.is_multicast


def _resolve_allowed(host: str, port: int) -> list[tuple]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    refused = [info[4][0] for info in infos if not _address_allowed(info[4][0])]
    if refused:
        # Any private answer refuses the host: trying only the public ones would still let an
        # attacker-controlled name point at an internal service half of the time.
        raise WebhookUrlRefused(f"{host} resolves to a private or reserved address ({refused[0]}).")
    return infos


class _CheckedConnectionMixin:
    def _new_conn(self):
        try:
            infos = _resolve_allowed(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NewConnectionError(self, f"Cannot resolve {self._dns_host}: {exc}") from exc
        last_error = None
        for family, type_, proto, _, sockaddr in infos:
            sock = socket.socket(family, type_, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(self.timeout)
                sock.connect(sockaddr)  # the address just checked, not a second lookup
                return sock
            except OSError as exc:
                sock.close()
                last_error = exc
        raise NewConnectionError(self, f"Failed to connect to {self._dns_host}: {last_error}")


class _CheckedHTTPConnection(_CheckedConnectionMixin, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnectionMixin, HTTPSConnection):
    pass  # TLS still verifies the certificate against the host name, not the IP


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would connect on our behalf, unchecked
    session.mount("http://", _CheckedAdapter())
    session.mount("https://", _CheckedAdapter())
    return session


# --- What is sent ----------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def webhook_payload(*, submission: Submission, decision: Decision | None, event_id: str) -> bytes:
    """Described as of the decision (never as the submission is now), so that a retry hours later
    still tells what was decided."""
    data = submission_out(submission, decision=decision, as_notified=True)
    body = {"id": event_id, "type": f"submission.{data['decision']['outcome']}", "data": data}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


# --- Sending ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    retryable: bool


def _record(submission: Submission, decision: Decision | None, event: str, after: dict) -> None:
    audit_record(actor=Actor.system(), event=event, subject=decision or submission, submission=submission, after=after)


def webhook_deliver(*, submission_id, decision_id, event_id: str, attempt: int) -> Attempt:
    """One delivery attempt, recorded in the submission's timeline whatever its outcome."""
    submission = Submission.objects.select_related("portal_client").get(pk=submission_id)
    decision = Decision.objects.get(pk=decision_id) if decision_id else None
    client = submission.portal_client
    if client is None:
        return Attempt(delivered=False, retryable=False)  # not a portal upload: nobody to tell
    # The host only: a URL's path or query may hold the client's own secret.
    base = {"event_id": event_id, "attempt": attempt, "host": urlsplit(client.webhook_url).hostname or ""}
    if not client.webhook_url or not client.is_active:
        _record(submission, decision, "webhook.skipped", {**base, "reason": "no_url" if client.is_active else "client_revoked"})
        return Attempt(delivered=False, retryable=False)
    body = webhook_payload(submission=submission, decision=decision, event_id=event_id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "kyc-webhooks/1",
        SIGNATURE_HEADER: sign(decrypt(client.webhook_secret_encrypted), int(time.time()), body),
    }
    started = time.monotonic()
    try:
        webhook_url_check(client.webhook_url)
        with _session() as session:
            response = session.post(
                client.webhook_url, data=body, headers=headers,
                timeout=settings.WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False,
                stream=True,  # only the status is used: a huge or endless response body is never read
            )
            response.close()
    except WebhookUrlRefused as exc:
        _record(submission, decision, "webhook.refused", {**base, "error": str(exc)})
        return Attempt(delivered=False, retryable=False)
    except requests.RequestException as exc:
        _record(submission, decision, "webhook.failed", {**base, "error": type(exc).__name__})
        return Attempt(delivered=False, retryable=True)
    elapsed_ms = int((time.monotonic() - started) * 1000)
    outcome = {**base, "status_code": response.status_code, "duration_ms": elapsed_ms}
    if 200 <= response.status_code < 300:
        _record(submission, decision, "webhook.delivered", outcome)
        return Attempt(delivered=True, retryable=False)
    _record(submission, decision, "webhook.failed", outcome)
    # Redirects are not followed (they could lead anywhere) and count as failures like 4xx/5xx:
    # a receiver being deployed often answers 404 or 502 for a while.
    return Attempt(delivered=False, retryable=True)


def webhook_gave_up(*, submission_id, decision_id, event_id: str, attempts: int) -> None:
    submission = Submission.objects.get(pk=submission_id)
    decision = Decision.objects.get(pk=decision_id) if decision_id else None
    _record(submission, decision, "webhook.gave_up", {"event_id": event_id, "attempts": attempts})


def webhook_should_notify(submission: Submission) -> bool:
    client = submission.portal_client
    return bool(client and client.webhook_url and client.is_active)

