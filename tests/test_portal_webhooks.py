"""Decision webhooks, checked by a receiver written the way the portal team would write one."""

import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kyc.models import AuditEvent, Decision, Status, Submission
from kyc.portal.tasks import deliver_webhook, webhook_schedule
from kyc.signals import decision_recorded

from .conftest import WEBHOOK_SECRET

TOLERANCE_SECONDS = 300


class Receiver(ThreadingHTTPServer):
    """A portal's webhook endpoint: verifies the signature before trusting anything in the body."""

    def __init__(self, statuses):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.statuses = list(statuses)  # answer for each request in turn; the last one repeats
        self.events = []
        self.refused = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/kyc"


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if verify(WEBHOOK_SECRET, self.headers.get("KYC-Signature", ""), body):
            self.server.events.append(json.loads(body))
        else:
            self.server.refused.append(body)
        status = self.server.statuses.pop(0) if len(self.server.statuses) > 1 else self.server.statuses[0]
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


def verify(secret: str, header: str, body: bytes) -> bool:
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", "")) and abs(time.time() - timestamp) <= TOLERANCE_SECONDS


@pytest.fixture
def receiver():
    servers = []

    def start(*statuses):
        server = Receiver(statuses or (200,))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def approved(portal_client):
    submission = Submission.objects.create(
        country="MY", portal_client=portal_client, external_ref="A-1", status=Status.APPROVED
    )
    decision = Decision.objects.create(
        submission=submission, action="approve", made_by=None, approved_fields={"fields": {"Name": "TAN AH KOW"}, "first_approval_by": "sam"}
    )
    return submission, decision


def send(submission, decision, event_id="evt-1"):
    return deliver_webhook.apply(args=(str(submission.pk), str(decision.pk) if decision else None, event_id))


def timeline(submission):
    return list(AuditEvent.objects.filter(submission=submission, event__startswith="webhook.").values_list("event", "after"))


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


def test_the_receiver_verifies_a_delivered_decision(approved, portal_client, receiver, allow_private):
    server = receiver(200)
    portal_client.webhook_url = server.url
    portal_client.save()
    submission, decision = approved
    send(submission, decision)
    assert server.refused == []
    [event] = server.events
    assert event["id"] == "evt-1" and event["type"] == "submission.approved"
    assert event["data"]["id"] == str(submission.pk) and event["data"]["external_ref"] == "A-1"
    assert event["data"]["decision"]["approved_fields"] == {"Name": "TAN AH KOW"}
    assert "sam" not in json.dumps(event), "who reviewed is internal"
    [(name, after)] = timeline(submission)
    assert name == "webhook.delivered" and after["status_code"] == 200 and after["attempt"] == 1
    assert AuditEvent.objects.get(event="webhook.delivered").subject_id == str(decision.pk)


def test_a_receiver_with_the_wrong_secret_refuses_it(approved, portal_client, receiver, allow_private, monkeypatch):
    server = receiver(200)
    portal_client.webhook_url = server.url
    portal_client.save()
    monkeypatch.setattr("tests.test_portal_webhooks.WEBHOOK_SECRET", "whsec_someone_else")
    send(*approved)
    assert server.events == [] and len(server.refused) == 1


def test_it_retries_after_a_server_error_then_succeeds(approved, portal_client, receiver, allow_private):
    server = receiver(500, 200)
    portal_client.webhook_url = server.url
    portal_client.save()
    submission, decision = approved
    send(submission, decision)
    assert [e["id"] for e in server.events] == ["evt-1", "evt-1"], "a retry must keep the event id"
    events = timeline(submission)
    assert [(name, after["status_code"], after["attempt"]) for name, after in events] == [
        ("webhook.failed", 500, 1),
        ("webhook.delivered", 200, 2),
    ]


def test_it_gives_up_after_the_configured_retries(approved, portal_client, receiver, allow_private, settings):
    settings.WEBHOOK_MAX_RETRIES = 2
    server = receiver(503)
    portal_client.webhook_url = server.url
    portal_client.save()
    submission, decision = approved
    send(submission, decision)
    assert len(server.events) == 3
    assert [name for name, _ in timeline(submission)] == ["webhook.failed"] * 3 + ["webhook.gave_up"]


def test_an_unreachable_receiver_is_retried(approved, portal_client, allow_private, settings):
    settings.WEBHOOK_MAX_RETRIES = 1
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    portal_client.webhook_url = f"http://127.0.0.1:{port}/hook"
    portal_client.save()
    submission, decision = approved
    send(submission, decision)
    assert [name for name, _ in timeline(submission)] == ["webhook.failed", "webhook.failed", "webhook.gave_up"]


def test_it_never_sends_to_loopback_by_default(approved, portal_client, receiver):
    server = receiver(200)
    portal_client.webhook_url = server.url
    portal_client.save()
    submission, decision = approved
    send(submission, decision)
    assert server.events == [] and server.refused == []
    [(name, after)] = timeline(submission)
    assert name == "webhook.refused" and "127.0.0.1" in after["error"]


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "169.254.169.254", "::1", "fd00::1", "::ffff:127.0.0.1"])
def test_it_checks_the_address_the_host_resolves_to(approved, portal_client, monkeypatch, address):
    # A public-looking name that resolves to an internal address (or is re-pointed there later).
    def resolve(host, port, *args, **kwargs):
        assert host == "hooks.example.com"
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr("kyc.portal.webhooks.socket.getaddrinfo", resolve)
    portal_client.webhook_url = "https://hooks.example.com/kyc"
    portal_client.save()
    submission, decision = approved
    send(submission, decision)
    [(name, after)] = timeline(submission)
    assert name == "webhook.refused" and after["host"] == "hooks.example.com"


def test_it_refuses_a_non_http_url(approved, portal_client):
    portal_client.webhook_url = "file:///etc/passwd"
    portal_client.save()
    submission, decision = approved
    send(submission, decision)
    assert [name for name, _ in timeline(submission)] == ["webhook.refused"]


def test_a_decision_schedules_one_webhook(approved, portal_client, monkeypatch):
    queued = []
    monkeypatch.setattr("kyc.portal.tasks.deliver_webhook.apply_async", lambda args: queued.append(args))
    portal_client.webhook_url = "https://hooks.example.com/kyc"
    portal_client.save()
    submission, decision = approved
    decision_recorded.send(sender=Decision, submission_id=submission.pk, decision_id=decision.pk)
    assert len(queued) == 1 and queued[0][:2] == (str(submission.pk), str(decision.pk))


def test_a_first_approval_or_a_client_without_url_schedules_nothing(approved, portal_client, monkeypatch):
    queued = []
    monkeypatch.setattr("kyc.portal.tasks.deliver_webhook.apply_async", lambda args: queued.append(args))
    submission, decision = approved
    webhook_schedule(submission_id=submission.pk, decision_id=decision.pk)  # no webhook URL
    portal_client.webhook_url = "https://hooks.example.com/kyc"
    portal_client.save()
    first = Decision.objects.create(submission=submission, action="first_approval", made_by=None)
    webhook_schedule(submission_id=submission.pk, decision_id=first.pk)
    assert queued == []


def test_a_broker_outage_does_not_undo_the_decision(approved, portal_client, monkeypatch):
    def broker_down(args):
        raise ConnectionError("broker down")

    monkeypatch.setattr("kyc.portal.tasks.deliver_webhook.apply_async", broker_down)
    portal_client.webhook_url = "https://hooks.example.com/kyc"
    portal_client.save()
    submission, decision = approved
    webhook_schedule(submission_id=submission.pk, decision_id=decision.pk)  # logs, does not raise


def test_it_connects_to_the_address_it_checked(approved, portal_client, receiver, allow_private, monkeypatch):
    # The name resolves once, and the connection goes to that answer (no second lookup to rebind).
    server = receiver(200)
    lookups = []
    real_getaddrinfo = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        lookups.append(host)
        return real_getaddrinfo("127.0.0.1" if host == "hooks.example.com" else host, port, *args, **kwargs)

    monkeypatch.setattr("kyc.portal.webhooks.socket.getaddrinfo", resolve)
    portal_client.webhook_url = server.url.replace("127.0.0.1", "hooks.example.com")
    portal_client.save()
    send(*approved)
    assert len(server.events) == 1 and lookups == ["hooks.example.com"]
