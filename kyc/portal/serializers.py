"""What the portal API accepts and answers. The same shapes are used by the OpenAPI schema, so the
documentation cannot drift from the behaviour."""

import base64
import binascii

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..images import MAX_IMAGE_BYTES
from ..models import Country, Decision, Status, Submission
from .errors import ApiError

OUTCOMES = {
    Decision.Action.APPROVE: Status.APPROVED,
    Decision.Action.REJECT: Status.REJECTED,
    Decision.Action.REQUEST_REUPLOAD: Status.REUPLOAD_REQUESTED,
}
DECIDED_STATUSES = frozenset(OUTCOMES.values())


def _too_large(field_name: str, size: int, limit: int, what: str) -> ApiError:
    return ApiError("image_too_large", f"{field_name}: {size} {what}; at most {limit} are accepted.")


class UploadedImageField(serializers.FileField):
    """A multipart file, read into bytes. What it really is gets decided by kyc.images, not its name."""

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        if upload.size > MAX_IMAGE_BYTES:
            raise _too_large(self.field_name, upload.size, MAX_IMAGE_BYTES, "bytes")
        return upload.read()


@extend_schema_field({"type": "string", "format": "byte", "description": "The image, Base64-encoded (a data: URI prefix is allowed)."})
class Base64ImageField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if text.startswith("data:") and "," in text:
            text = text.split(",", 1)[1]
        # Line-wrapped (MIME) Base64 is common; any other stray character is an error.
        text = "".join(text.split())
        if len(text) > settings.MAX_IMAGE_BASE64_BYTES:
            raise _too_large(self.field_name, len(text), settings.MAX_IMAGE_BASE64_BYTES, "bytes of Base64")
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError("image_base64_invalid", f"{self.field_name}: not valid Base64.") from None


class _Upload(serializers.Serializer):
    country = serializers.ChoiceField(choices=Country.choices)
    external_ref = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text="Your own reference for this person or application; unique among your submissions.",
    )


class MultipartUploadSerializer(_Upload):
    front = UploadedImageField(help_text="Front of the card: JPEG or PNG (Singapore also BMP), at most 5.25 MB.")
    back = UploadedImageField(required=False, help_text="Back of the card, same rules.")


class JsonUploadSerializer(_Upload):
    front = Base64ImageField(help_text="Front of the card, Base64: at most 7 MB of Base64.")
    back = Base64ImageField(required=False, help_text="Back of the card, Base64.")


class MultipartReuploadSerializer(serializers.Serializer):
    front = UploadedImageField()
    back = UploadedImageField(required=False)


class JsonReuploadSerializer(serializers.Serializer):
    front = Base64ImageField()
    back = Base64ImageField(required=False)


class SubmissionCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Status.choices)


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=sorted(DECIDED_STATUSES))
    reason_codes = serializers.ListField(child=serializers.CharField())
    approved_fields = serializers.JSONField(allow_null=True, help_text="Only when approved: the fields as approved.")
    decided_at = serializers.DateTimeField()


class SubmissionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Status.choices)
    country = serializers.ChoiceField(choices=Country.choices)
    external_ref = serializers.CharField()
    created_at = serializers.DateTimeField()
    reupload_count = serializers.IntegerField()
    reuploads_remaining = serializers.IntegerField()
    decision = DecisionSerializer(allow_null=True, help_text="Set once approved, rejected or asked to re-upload.")


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def _system_rejection_reason(submission: Submission) -> str:
    event = submission.audit_events.filter(event="submission.status", after__status=Status.REJECTED).last()
    return (event.after or {}).get("reason", "") if event else ""


def _approved_fields(decision: Decision) -> dict | None:
    """Only the approved values. The rest of the approval record (raw OCR values, confidences,
    warnings, who gave the first approval) is internal to the review team."""
    if decision.action != Decision.Action.APPROVE or not isinstance(decision.approved_fields, dict):
        return None
    return decision.approved_fields.get("fields")


def _decision_out(submission: Submission, decision: Decision | None) -> dict:
    if decision is None:  # rejected by the system (the re-upload cap), not by a reviewer
        reason = _system_rejection_reason(submission)
        return {
            "outcome": Status.REJECTED, "reason_codes": [reason] if reason else [],
            "approved_fields": None, "decided_at": submission.decided_at,
        }
    return {
        "outcome": OUTCOMES[decision.action],
        "reason_codes": list(decision.reason_codes or []),
        "approved_fields": _approved_fields(decision),
        "decided_at": decision.created_at,
    }


def _current_decision(submission: Submission) -> dict | None:
    if submission.status not in DECIDED_STATUSES:
        return None  # e.g. back in review after a re-upload: the earlier request no longer applies
    latest = submission.decisions.filter(action__in=list(OUTCOMES)).order_by("created_at").last()
    if latest is not None and OUTCOMES[latest.action] == submission.status:
        return _decision_out(submission, latest)
    return _decision_out(submission, None)


def submission_out(submission: Submission, *, decision: Decision | None = None, as_notified: bool = False) -> dict:
    """The client's view of a submission. ``as_notified`` describes it as of ``decision`` (for a
    webhook, whose body must not change between retries) rather than as it is now."""
    if as_notified:
        decided = _decision_out(submission, decision)
        status = decided["outcome"]
    else:
        decided, status = _current_decision(submission), submission.status
    return SubmissionSerializer(
        {
            "id": submission.pk,
            "status": status,
            "country": submission.country,
            "external_ref": submission.external_ref,
            "created_at": submission.created_at,
            "reupload_count": submission.reupload_count,
            "reuploads_remaining": max(settings.PORTAL_MAX_REUPLOADS - submission.reupload_count, 0),
            "decision": decided,
        }
    ).data
