"""What the portal API and the ``portal_client`` command do: issue, rotate and revoke client
credentials, and receive uploads and re-uploads with idempotency."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..audit import Actor, audit_record
from ..crypto import encrypt, token_hash
from ..models import IdempotencyKey, PortalClient, Submission
from ..services.intake import ReuploadLimitReached, submission_add_images, submission_create
from ..signals import decision_recorded
from .webhooks import webhook_url_check

TOKEN_PREFIX = "kyc_"
SECRET_PREFIX = "whsec_"


class ExternalRefTaken(Exception):
    pass


class IdempotencyKeyReused(Exception):
    pass


@dataclass(frozen=True)
class IssuedCredentials:
    """The only moment the token and signing secret exist in clear outside the client's hands."""

    client: PortalClient
    token: str
    webhook_secret: str


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def portal_client_create(*, name: str, webhook_url: str = "", actor: Actor) -> IssuedCredentials:
    if webhook_url:
        webhook_url_check(webhook_url)
    token, secret = _new_token(), SECRET_PREFIX + secrets.token_urlsafe(32)
    client = PortalClient.objects.create(
        name=name,
        token_hash=token_hash(token),
        token_prefix=token[:12],
        webhook_url=webhook_url,
        webhook_secret_encrypted=encrypt(secret),
    )
    audit_record(
        actor=actor,
        event="portal_client.created",
        subject=client,
        after={"name": name, "token_prefix": client.token_prefix, "webhook_url_set": bool(webhook_url)},
    )
    return IssuedCredentials(client=client, token=token, webhook_secret=secret)


@transaction.atomic
def portal_client_rotate_token(*, client: PortalClient, actor: Actor) -> str:
    """A new token that replaces the old one at once (the old one stops working with this commit)."""
    client = PortalClient.objects.select_for_update().get(pk=client.pk)
    before = client.token_prefix
    token = _new_token()
    client.token_hash, client.token_prefix, client.token_rotated_at = token_hash(token), token[:12], timezone.now()
    client.save(update_fields=["token_hash", "token_prefix", "token_rotated_at"])
    audit_record(
        actor=actor, event="portal_client.token_rotated", subject=client,
        before={"token_prefix": before}, after={"token_prefix": client.token_prefix},
    )
    return token


@transaction.atomic
def portal_client_revoke(*, client: PortalClient, actor: Actor) -> PortalClient:
    client = PortalClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.is_active, client.revoked_at = False, timezone.now()
        client.save(update_fields=["is_active", "revoked_at"])
        audit_record(
            actor=actor, event="portal_client.revoked", subject=client,
            before={"is_active": True}, after={"is_active": False},
        )
    return client


def _fingerprint(*parts: str | bytes | None) -> str:
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            part = hashlib.sha256(part).hexdigest()
        digest.update(f"{part or ''}\n".encode())
    return digest.hexdigest()


def _replay(client: PortalClient, key: str, fingerprint: str) -> Submission | None:
    known = IdempotencyKey.objects.filter(portal_client=client, key=key).select_related("submission").first()
    if known is None:
        return None
    if known.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request; use a new key for a new request."
        )
    return known.submission


def portal_submission_create(
    *,
    client: PortalClient,
    country: str,
    front: bytes,
    back: bytes | None = None,
    external_ref: str = "",
    idempotency_key: str = "",
) -> tuple[Submission, bool]:
    """Returns the submission and whether it is a replay of an earlier request with the same key.

    Raises ImageRejected, ExternalRefTaken or IdempotencyKeyReused; nothing is stored then.
    """
    fingerprint = _fingerprint("create", country, external_ref, front, back)
    if idempotency_key and (replayed := _replay(client, idempotency_key, fingerprint)):
        return replayed, True
    taken = ExternalRefTaken(f"external_ref {external_ref!r} is already used by another of your submissions.")
    if external_ref and Submission.objects.filter(portal_client=client, external_ref=external_ref).exists():
        raise taken
    try:
        with transaction.atomic():
            submission = submission_create(
                country=country, front=front, back=back, external_ref=external_ref,
                portal_client=client, actor=Actor.of_portal(client),
            )
            if idempotency_key:
                IdempotencyKey.objects.create(
                    portal_client=client, key=idempotency_key, fingerprint=fingerprint, submission=submission
                )
    except IntegrityError:
        # A concurrent request with the same key (or reference) committed first.
        if idempotency_key and (replayed := _replay(client, idempotency_key, fingerprint)):
            return replayed, True
        raise taken from None
    return submission, False


def portal_submission_reupload(
    *,
    client: PortalClient,
    submission: Submission,
    front: bytes,
    back: bytes | None = None,
    idempotency_key: str = "",
) -> tuple[Submission, bool]:
    """New images for a submission whose reviewer asked for them.

    Raises IllegalTransition when no re-upload was requested, ImageRejected, IdempotencyKeyReused,
    or ReuploadLimitReached -- in which case the submission has been rejected and the client is
    told by webhook as for any other decision.
    """
    fingerprint = _fingerprint("reupload", str(submission.pk), front, back)
    if idempotency_key and (replayed := _replay(client, idempotency_key, fingerprint)):
        return replayed, True
    limit_reached = False
    with transaction.atomic():
        try:
            submission = submission_add_images(
                submission=submission, front=front, back=back, actor=Actor.of_portal(client)
            )
        except ReuploadLimitReached as exc:
            # Caught inside this transaction so that the rejection it recorded is kept.
            limit_reached = exc
            submission_id = submission.pk
            transaction.on_commit(
                lambda: decision_recorded.send(sender=Submission, submission_id=submission_id, decision_id=None)
            )
        else:
            if idempotency_key:
                IdempotencyKey.objects.create(
                    portal_client=client, key=idempotency_key, fingerprint=fingerprint, submission=submission
                )
    if limit_reached:
        raise limit_reached
    return submission, False
