"""Issuing portal credentials: shown once, stored hashed, rotatable, revocable."""

import re

import pytest
from django.core.management import CommandError, call_command

from kyc.crypto import decrypt, token_hash
from kyc.models import AuditEvent, PortalClient


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("portal_client", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_token_and_secret_once_and_stores_them_safely(db):
    output = run("create", "--name", "shop-c", "--webhook-url", "https://hooks.example.com/kyc")
    token = re.search(r"API token:\s+(\S+)", output).group(1)
    secret = re.search(r"Webhook signing secret:\s+(\S+)", output).group(1)
    client = PortalClient.objects.get(name="shop-c")
    assert client.token_hash == token_hash(token) and token not in client.token_hash
    assert client.token_prefix == token[:12] and client.webhook_url == "https://hooks.example.com/kyc"
    assert secret not in client.webhook_secret_encrypted and decrypt(client.webhook_secret_encrypted) == secret
    event = AuditEvent.objects.get(event="portal_client.created")
    assert token not in str(event.after) and secret not in str(event.after)


def test_create_refuses_a_non_http_webhook_url(db):
    with pytest.raises(CommandError, match="http"):
        run("create", "--name", "shop-c", "--webhook-url", "ftp://hooks.example.com/")
    assert not PortalClient.objects.exists()


def test_create_refuses_a_taken_name(portal_client):
    with pytest.raises(CommandError, match="already exists"):
        run("create", "--name", portal_client.name)


def test_rotate_replaces_the_token(portal_client):
    old_hash = portal_client.token_hash
    token = run("rotate", "--name", portal_client.name).strip().splitlines()[-1]
    portal_client.refresh_from_db()
    assert portal_client.token_hash == token_hash(token) != old_hash and portal_client.token_rotated_at
    assert AuditEvent.objects.filter(event="portal_client.token_rotated", subject_id=str(portal_client.pk)).exists()


def test_revoke_deactivates_the_client(portal_client):
    run("revoke", "--name", portal_client.name)
    portal_client.refresh_from_db()
    assert not portal_client.is_active and portal_client.revoked_at
    with pytest.raises(CommandError, match="revoked"):
        run("rotate", "--name", portal_client.name)


def test_an_unknown_name_is_an_error(db):
    with pytest.raises(CommandError, match="No portal client"):
        run("revoke", "--name", "nobody")
