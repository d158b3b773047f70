"""The review domain: a submission, its card images, every OCR attempt, the fields a reviewer checks,
the decisions taken on it, and the append-only audit log that records all of it.

Business rules live in ``kyc/services``; models only describe data and small derived values.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Country(models.TextChoices):
    MY = "MY", "Malaysia"
    SG = "SG", "Singapore"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSING = "processing", "Reading the card"
    NEEDS_REVIEW = "needs_review", "Needs review"
    PENDING_SECOND_APPROVAL = "pending_second_approval", "Awaiting second approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REUPLOAD_REQUESTED = "reupload_requested", "New upload requested"
    OCR_FAILED = "ocr_failed", "OCR failed"


class Side(models.TextChoices):
    FRONT = "front", "Front"
    BACK = "back", "Back"


class PortalClient(models.Model):
    """A customer portal that uploads cards through the API and receives decision webhooks."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    # Only a SHA-256 of the bearer token is kept; the token itself is shown once at creation.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=12, editable=False, help_text="Identifies a token without revealing it.")
    webhook_url = models.URLField(max_length=500, blank=True)
    # Encrypted with settings.FIELD_ENCRYPTION_KEY (see kyc.crypto): needed in clear to sign webhooks.
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    token_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Submission(models.Model):
    """One identity check of one person for one portal client."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portal_client = models.ForeignKey(
        PortalClient, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    external_ref = models.CharField("reference", max_length=200, blank=True, db_index=True)
    country = models.CharField(max_length=2, choices=Country.choices)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.RECEIVED, db_index=True)

    # Copied from the current fields whenever OCR or a correction changes them, so that the queue can
    # filter and search without reading every field row.
    card_type = models.CharField(max_length=16, blank=True, db_index=True)
    id_number = models.CharField("ID number", max_length=32, blank=True, db_index=True)
    holder_name = models.CharField(max_length=200, blank=True)
    has_low_confidence = models.BooleanField(default=False)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_submissions"
    )
    # The current round of images: 0 for the first upload, +1 for each re-upload.
    generation = models.PositiveSmallIntegerField(default=0)
    reupload_count = models.PositiveSmallIntegerField(default=0)
    ocr_error_code = models.CharField(max_length=100, blank=True)
    ocr_error_message = models.CharField(max_length=500, blank=True)
    # Set when the OCR task was handed to the broker; an upload still without it is queued again later.
    ocr_queued_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    review_ready_at = models.DateTimeField(null=True, blank=True, help_text="When it last entered the review queue.")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["portal_client", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="unique_external_ref_per_client",
            )
        ]
        permissions = [
            ("review_submission", "Can claim, correct and decide submissions"),
            ("second_approve_submission", "Can give the second approval (four-eyes)"),
            ("reassign_submission", "Can assign submissions to other reviewers"),
            ("reveal_id_number", "Can reveal full ID numbers"),
            ("view_card_image", "Can view card images"),
            ("view_verification_report", "Can see how the automated checks compare with decisions"),
        ]

    def __str__(self):
        return f"{self.country} {self.external_ref or self.id}"


def card_image_path(instance: "CardImage", filename: str) -> str:
    # The client's file name never reaches storage: it is personal data and attacker-controlled.
    extension = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "BMP": "bmp"}.get(instance.format, "bin")
    return f"submissions/{instance.submission_id}/{instance.generation}-{instance.side}-{uuid.uuid4().hex}.{extension}"


class CardImage(models.Model):
    """An uploaded card photo exactly as received. Re-uploads add images; nothing is replaced."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="images")
    side = models.CharField(max_length=5, choices=Side.choices)
    generation = models.PositiveSmallIntegerField(default=0)
    # The original bytes, untouched: forensics (edit and recapture checks) need them as uploaded.
    file = models.FileField(upload_to=card_image_path, max_length=300)
    # What reviewers are shown: upright, re-encoded, with EXIF (GPS, device) stripped.
    display_file = models.FileField(upload_to=card_image_path, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=8)
    size_bytes = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["generation", "side"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "generation", "side"], name="one_image_per_side_and_round")
        ]

    def __str__(self):
        return f"{self.side} #{self.generation}"


class OcrAttempt(models.Model):
    """One call to an OCR backend, kept forever with the raw response exactly as returned."""

    class Backend(models.TextChoices):
        LOCAL = "local", "Offline engine"
        TENCENT = "tencent", "Tencent Cloud"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="ocr_attempts")
    generation = models.PositiveSmallIntegerField(default=0)
    # Which images were sent: "front", "back", or "front+back" (MLIDCardOCR with BackImageBase64).
    sides = models.CharField(max_length=16)
    backend = models.CharField(max_length=16, choices=Backend.choices)
    action = models.CharField(max_length=40)
    # The Celery task that made the call, so that a redelivered task does not call again.
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    raw_response = models.TextField(blank=True, help_text="The response body exactly as returned.")
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    @property
    def succeeded(self) -> bool:
        return not self.error_code

    def __str__(self):
        return f"{self.action} {self.sides} ({self.error_code or 'ok'})"


class CardField(models.Model):
    """A field read from the card. The OCR value is never overwritten: a correction sits beside it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(max_length=40)
    ocr_value = models.TextField(blank=True)
    confidence = models.FloatField(null=True, blank=True, help_text="None when the backend gives none.")
    source_attempt = models.ForeignKey(OcrAttempt, null=True, blank=True, on_delete=models.SET_NULL)
    corrected_value = models.TextField(null=True, blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "name"], name="one_field_per_name")]

    @property
    def value(self) -> str:
        return self.ocr_value if self.corrected_value is None else self.corrected_value

    @property
    def is_corrected(self) -> bool:
        return self.corrected_value is not None

    def __str__(self):
        return self.name


class CardWarning(models.Model):
    """A card warning (WarnCardInfos) from the current OCR result, with score and region when given."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="warnings")
    side = models.CharField(max_length=5, choices=Side.choices)
    code = models.IntegerField(db_index=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    box = models.JSONField(null=True, blank=True, help_text="[x, y, w, h] in the original image's pixels.")

    class Meta:
        ordering = ["code"]


class Decision(models.Model):
    """A reviewer's act on a submission. The approved record is kept as it was approved."""

    class Action(models.TextChoices):
        FIRST_APPROVAL = "first_approval", "First approval"
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"
        REQUEST_REUPLOAD = "request_reupload", "Request a new upload"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=20, choices=Action.choices)
    reason_codes = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # Only on the final approve: the merged record (OCR values with corrections applied) and the
    # automated result it was derived from, kept side by side for false-acceptance reporting.
    approved_fields = models.JSONField(null=True, blank=True)
    # What the automated checks said of the card when the decision was taken (see
    # kyc.services.reporting.automated_result): measured against the decision each month, as BNM's
    # e-KYC policy asks of automated ID verification (false acceptance rate).
    automated_result = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.get_action_display()


class Note(models.Model):
    """An internal note on a submission, never shown to the portal client."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Append-only: who did what to which subject, with before/after, written in the same transaction."""

    class ActorType(models.TextChoices):
        USER = "user", "User"
        PORTAL_CLIENT = "portal_client", "Portal client"
        SYSTEM = "system", "System"

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_portal_client = models.ForeignKey(PortalClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The actor's name as it was, kept even if the account is later renamed or removed.
    actor_label = models.CharField(max_length=150)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events")
    subject_type = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=64)
    event = models.CharField(max_length=40, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["submission", "created_at"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.event}"


class RateLimitWindow(models.Model):
    """A fixed-window request counter shared by every web and worker process (see kyc.ratelimit)."""

    key = models.CharField(max_length=200, primary_key=True)
    window_start = models.FloatField()
    count = models.PositiveIntegerField(default=0)


class IdempotencyKey(models.Model):
    """A portal client's ``Idempotency-Key`` and the submission its first request produced.

    Written in the same transaction as the upload, and unique per client, so that a retry (even one
    racing the original) returns the first result instead of storing a second card.
    """

    portal_client = models.ForeignKey(PortalClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of what the request asked for (operation, country, reference, image digests): the same
    # key with a different request is the client's bug, and is refused rather than silently replayed.
    fingerprint = models.CharField(max_length=64)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portal_client", "key"], name="one_idempotency_key_per_client")]
