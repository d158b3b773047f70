"""Webhook delivery: a thin Celery interface over kyc.portal.webhooks."""

import logging
import uuid

from celery import shared_task
from django.conf import settings

from ..models import Decision, Submission
from .serializers import OUTCOMES
from .webhooks import webhook_deliver, webhook_gave_up, webhook_should_notify

logger = logging.getLogger(__name__)

# 30 s, 1 min, 2 min ... capped at an hour: about two hours in all with the default 8 retries, long
# enough to outlast a receiver's deployment or a short outage.
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


def backoff_seconds(retries: int) -> int:
    return min(BACKOFF_BASE_SECONDS * 2**retries, BACKOFF_MAX_SECONDS)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_webhook(self, submission_id: str, decision_id: str | None, event_id: str) -> None:
    attempt = webhook_deliver(
        submission_id=submission_id, decision_id=decision_id, event_id=event_id, attempt=self.request.retries + 1
    )
    if attempt.delivered or not attempt.retryable:
        return
    if self.request.retries >= settings.WEBHOOK_MAX_RETRIES:
        webhook_gave_up(
            submission_id=submission_id, decision_id=decision_id, event_id=event_id, attempts=self.request.retries + 1
        )
        return
    raise self.retry(countdown=backoff_seconds(self.request.retries), max_retries=settings.WEBHOOK_MAX_RETRIES)


def webhook_schedule(sender=None, *, submission_id, decision_id=None, **kwargs) -> None:
    """Receiver of kyc.signals.decision_recorded, which is sent after the decision has committed."""
    submission = Submission.objects.select_related("portal_client").filter(pk=submission_id).first()
    if submission is None or not webhook_should_notify(submission):
        return
    if decision_id and not Decision.objects.filter(pk=decision_id, action__in=list(OUTCOMES)).exists():
        return  # a first approval (four-eyes) is internal: the client hears of the final one
    args = (str(submission_id), str(decision_id) if decision_id else None, str(uuid.uuid4()))
    try:
        deliver_webhook.apply_async(args=args)
    except Exception:
        # The decision is committed and must stand even if the broker is down; the lost event
        # shows as a decision without a webhook.* event in the timeline.
        logger.exception("Could not queue the webhook for submission %s", submission_id)
