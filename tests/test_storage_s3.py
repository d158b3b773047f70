"""Card images on S3, against moto's S3 server on 127.0.0.1 (a real HTTP server, not a mock): the
storage settings built from the same environment variables production uses, private objects, and
presigned s3v4 URLs that work while an unsigned one is refused."""

import hashlib
import runpy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from kyc.audit import Actor
from kyc.models import CardImage, Status
from ocr.backends import BACKENDS

from .ocr_doubles import ScriptedBackend, card_png
from .test_pipeline import run

BUCKET = "kyc-cards-test"
SETTINGS_FILE = Path(__file__).resolve().parent.parent / "kyc" / "settings.py"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    client.create_bucket(Bucket=BUCKET)
    env = {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # The storage exactly as kyc/settings.py builds it from those variables.
    settings.STORAGES = runpy.run_path(str(SETTINGS_FILE))["STORAGES"]
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_uploaded_cards_are_private_s3_objects_read_back_by_the_ocr_task(db, s3, settings, monkeypatch):
    from kyc.services.intake import submission_create

    backend = ScriptedBackend()
    monkeypatch.setitem(BACKENDS, "scripted", lambda **config: backend)
    settings.OCR_BACKEND = "scripted"
    front, back = card_png(seed=21), card_png(seed=22)
    submission = submission_create(country="MY", front=front, back=back, actor=Actor.system())

    keys = {obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert len(keys) == 4  # original and display copy of each side
    assert all(key.startswith(f"cards/submissions/{submission.pk}/") for key in keys)
    image = CardImage.objects.get(submission=submission, side="front")
    assert s3.get_object(Bucket=BUCKET, Key=f"cards/{image.file.name}")["Body"].read() == front
    grants = s3.get_object_acl(Bucket=BUCKET, Key=f"cards/{image.file.name}")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"] and "URI" not in grants[0]["Grantee"]  # owner only

    run(submission)
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW
    # The task read the very bytes that were uploaded, from S3.
    assert backend.received == [hashlib.sha256(front).hexdigest(), hashlib.sha256(back).hexdigest()]


def test_image_urls_are_presigned_with_s3v4_and_unsigned_access_is_refused(db, s3):
    from kyc.services.intake import submission_create

    data = card_png(seed=23)
    submission = submission_create(country="SG", front=data, actor=Actor.system())
    url = CardImage.objects.get(submission=submission).file.url

    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["60"]
    assert requests.get(url, timeout=10).content == data
    unsigned = url.split("?", 1)[0]
    assert requests.get(unsigned, timeout=10).status_code == 403
