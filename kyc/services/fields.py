"""The fields a reviewer checks: the OCR value, any correction, and the merged record."""

from django.conf import settings

from ..models import CardField, Submission




def fields_merged(submission: Submission) -> dict[str, str]:
    """The record as it stands: OCR values with reviewer corrections applied."""
    return {f.name: f.value for f in submission.fields.all()}


def submission_refresh_summary(*, submission: Submission) -> Submission:
    merged = fields_merged(submission)
    submission.id_number = merged.get("ID", "")[:32]
    submission.holder_name = (merged.get("Name") or merged.get("EnName") or "")[:200]
    submission.card_type = merged.get("Type", "")[:16] or ("NRIC" if submission.country == "SG" else "")
    threshold = settings.REVIEW_CONFIDENCE_THRESHOLD
    submission.has_low_confidence = CardField.objects.filter(
        submission=submission, confidence__lt=threshold, corrected_value__isnull=True
    ).exists()
    submission.save(update_fields=["id_number", "holder_name", "card_type", "has_low_confidence", "updated_at"])
    return submission
