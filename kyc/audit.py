"""The append-only audit log. Call ``audit_record`` inside the transaction of the change it records."""

from dataclasses import dataclass
from typing import Any

from django.db import models

from .models import AuditEvent, PortalClient, Submission


@dataclass(frozen=True)
class Actor:
    type: str
    user: Any = None
    portal_client: PortalClient | None = None

    @classmethod
    def of_user(cls, user) -> "Actor":
        return cls(AuditEvent.ActorType.USER, user=user)

    @classmethod
    def of_portal(cls, client: PortalClient) -> "Actor":
        return cls(AuditEvent.ActorType.PORTAL_CLIENT, portal_client=client)

    @classmethod
    def system(cls) -> "Actor":
        return cls(AuditEvent.ActorType.SYSTEM)

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.portal_client is not None:
            return f"portal:{self.portal_client.name}"
        return "system"


def audit_record(
    *,
    actor: Actor,
    event: str,
    subject: models.Model,
    submission: Submission | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    if submission is None and isinstance(subject, Submission):
        submission = subject
    return AuditEvent.objects.create(
        actor_type=actor.type,
        actor_user=actor.user,
        actor_portal_client=actor.portal_client,
        actor_label=actor.label,
        submission=submission,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        event=event,
        before=before,
        after=after,
    )
