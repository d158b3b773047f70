"""Sent on commit after a decision that the portal client must hear about (approve, reject,
re-upload request). The portal's webhooks listen; the review services need not know about them."""

from django.dispatch import Signal

# kwargs: submission_id (UUID), decision_id (UUID or None for a rejection by the system)
decision_recorded = Signal()
