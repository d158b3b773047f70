"""Test data for the review screens, built straight through the models (no OCR engine needed)."""

import base64
import io
import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kyc.models import CardField, CardImage, CardWarning, OcrAttempt, Status, Submission
from kyc.services.fields import submission_refresh_summary


def jpeg(width=640, height=400, colour=(40, 90, 160), text="CARD") -> bytes:
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, width - 20, height - 20], outline=(255, 255, 255), width=4)
    draw.text((40, 40), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


MY_FIELDS = {
    "ID": ("710716-08-6085", 1.0),
    "Name": ("KAVIN ONG KHI MN", 0.9996),
    "Address": ("NO 11 PERSIARAN PERAJURIT 4 TAMAN PERAK 31400 IPOH PERAK", 0.62),
    "Sex": ("LELAKI", 0.9999),
    "Birthday": ("16/07/1971", 0.98),
    "Type": ("MyKad", 0.99),
}
SG_FIELDS = {
    "ID": ("S1234567D", None),
    "EnName": ("TAN AH KOW", None),
    "Sex": ("M", None),
    "Birthday": ("12/04/1988", None),
    "PostCode": ("12345", None),
}


def make_submission(
    *, country="MY", fields=None, warnings=(), ref="REF-1", status=Status.NEEDS_REVIEW, assignee=None,
    back=True, portrait=True, age_minutes=30, portal_client=None,
) -> Submission:
    submission = Submission.objects.create(
        country=country, external_ref=ref, status=status, assignee=assignee, portal_client=portal_client,
        created_at=timezone.now() - timedelta(minutes=age_minutes), review_ready_at=timezone.now(),
    )
    for side in ("front", "back") if back else ("front",):
        data = jpeg(text=f"{ref} {side}")
        image = CardImage(submission=submission, side=side, generation=0, sha256="0" * 64, format="JPEG",
                          size_bytes=len(data), width=640, height=400)
        image.file.save("original", ContentFile(data), save=False)
        image.display_file.save("display", ContentFile(data), save=False)
        image.save()
    response = {"RequestId": "test", "WarnCardInfos": [w[0] for w in warnings]}
    if portrait:
        response["Image" if country == "MY" else "Photo"] = base64.b64encode(jpeg(120, 160, (200, 180, 150), "FACE")).decode()
    attempt = OcrAttempt.objects.create(
        submission=submission, sides="front", backend="local",
        action="MLIDCardOCR" if country == "MY" else "RecognizeSingaporeIDCardOCR",
        raw_response=json.dumps({"Response": response}), latency_ms=410,
    )
    for name, (value, confidence) in (fields if fields is not None else (MY_FIELDS if country == "MY" else SG_FIELDS)).items():
        CardField.objects.create(submission=submission, name=name, ocr_value=value, confidence=confidence, source_attempt=attempt)
    for code, score, box in warnings:
        CardWarning.objects.create(submission=submission, side="front", code=code, score=score, box=box)
    submission_refresh_summary(submission=submission)
    return submission


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords hash in microseconds instead of a second (import into a test module)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
