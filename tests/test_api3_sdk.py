"""The official Tencent Cloud Python SDK (China package) against our API 3.0 server, live on a port:
if the SDK works unchanged with ``HttpProfile(endpoint="127.0.0.1:PORT", protocol="http")``, existing
Tencent integrations will too."""

import base64
import io
import time
import types
from urllib.parse import urlsplit

import pytest
from PIL import Image
from tencentcloud.common import abstract_client, credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ocr.v20181119 import models, ocr_client

from ocr.errors import MLID, SG
from ocr.models import ApiKey
from ocr.synth import generate_card

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def engine():
    # Until branch engine delivers ocr.contract, calls past authentication answer InternalError.
    pytest.importorskip("ocr.contract", reason="the offline engine's ocr.contract is not merged yet")


@pytest.fixture
def key():
    return ApiKey.objects.create_key("sdk-client")


@pytest.fixture
def profile(live_server):
    port = urlsplit(live_server.url).port
    return ClientProfile(httpProfile=HttpProfile(endpoint=f"127.0.0.1:{port}", protocol="http", reqTimeout=30))


def ocr(key, profile, secret_key=None):
    api_key, real_secret = key
    return ocr_client.OcrClient(credential.Credential(api_key.secret_id, secret_key or real_secret), "ap-singapore", profile)


def common(key, profile, version="2018-11-19"):
    api_key, secret = key
    return CommonClient("ocr", version, credential.Credential(api_key.secret_id, secret), "ap-singapore", profile)


def mlid(client, image: bytes):
    request = models.MLIDCardOCRRequest()
    request.ImageBase64 = base64.b64encode(image).decode()
    return client.MLIDCardOCR(request)


def sdk_error(call) -> TencentCloudSDKException:
    with pytest.raises(TencentCloudSDKException) as info:
        call()
    error = info.value
    assert error.get_request_id(), "the SDK only reads RequestId from a proper API 3.0 error body"
    return error


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_mlid_success_with_a_generated_card(engine, key, profile):
    image, truth = generate_card("MyKad", seed=11)
    response = mlid(ocr(key, profile), image)
    assert response.RequestId
    assert response.ID == truth["ID"] and response.Type == "MyKad"
    assert isinstance(response.WarnCardInfos, list)


def test_sg_success_through_common_client(engine, key, profile):
    image, truth = generate_card("SG", seed=5)
    body = common(key, profile).call_json(SG, {"ImageBase64": b64(image)})
    assert body["Response"]["RequestId"] and "Error" not in body["Response"]
    assert body["Response"]["ID"] == truth["ID"]


def test_wrong_secret_key(key, profile):
    error = sdk_error(lambda: mlid(ocr(key, profile, secret_key="W" * 32), b"x"))
    assert error.get_code() == "AuthFailure.SignatureFailure"


def test_unknown_secret_id(profile):
    client = ocr_client.OcrClient(credential.Credential("AKIDnobody", "k" * 32), "ap-singapore", profile)
    assert sdk_error(lambda: mlid(client, b"x")).get_code() == "AuthFailure.SecretIdNotFound"


def test_disabled_key(key, profile):
    key[0].set_active(False)
    assert sdk_error(lambda: mlid(ocr(key, profile), b"x")).get_code() == "AuthFailure.SecretIdNotFound"


def test_expired_timestamp(key, profile, monkeypatch):
    # The SDK reads the clock as abstract_client.time.time(); only its view of time moves back.
    monkeypatch.setattr(abstract_client, "time", types.SimpleNamespace(time=lambda: time.time() - 400))
    assert sdk_error(lambda: mlid(ocr(key, profile), b"x")).get_code() == "AuthFailure.SignatureExpire"


def test_gif_is_refused(engine, key, profile):
    buffer = io.BytesIO()
    Image.new("RGB", (400, 250), "white").save(buffer, "GIF")
    assert sdk_error(lambda: mlid(ocr(key, profile), buffer.getvalue())).get_code() == "FailedOperation.ImageDecodeFailed"


def test_image_over_7mb_after_base64(engine, key, profile):
    error = sdk_error(lambda: common(key, profile).call_json(SG, {"ImageBase64": "A" * (7 * 1024 * 1024 + 4)}))
    assert error.get_code() == "LimitExceeded.TooLargeFileError"


def test_request_body_over_the_size_limit(key, profile):
    front = back = "A" * (7 * 1024 * 1024 + 400 * 1024)
    error = sdk_error(lambda: common(key, profile).call_json(MLID, {"ImageBase64": front, "BackImageBase64": back}))
    assert error.get_code() == "RequestSizeLimitExceeded"


def test_unknown_action_and_version(key, profile):
    assert sdk_error(lambda: common(key, profile).call_json("GeneralBasicOCR", {})).get_code() == "InvalidAction"
    assert sdk_error(lambda: common(key, profile, "2017-03-12").call_json(MLID, {})).get_code() == "NoSuchVersion"


def test_unknown_parameter(engine, key, profile):
    error = sdk_error(lambda: common(key, profile).call_json(SG, {"ImageBase64": "aGk=", "Colour": "pink"}))
    assert error.get_code() == "UnknownParameter"


def test_rate_limit(engine, key, profile, settings):
    # One call per 100 s: the second call cannot land in a fresh window.
    settings.OCR_API_RATE_LIMITS = {MLID: 0.01, SG: 0.01}
    image, _ = generate_card("MyKad", seed=3)
    client = ocr(key, profile)
    assert mlid(client, image).ID
    assert sdk_error(lambda: mlid(client, image)).get_code() == "RequestLimitExceeded"
    # Another key has its own quota.
    assert mlid(ocr(ApiKey.objects.create_key("other"), profile), image).ID


def _test_database_url(database: dict) -> str:
    """The test database this process uses, as a DATABASE_URL another process can open."""
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    from urllib.parse import quote

    credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else "")
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.fixture
def second_server_process(live_server, settings):
    """Another server process on the same database, as a second gunicorn worker or host would be."""
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": _test_database_url(settings.DATABASES["default"]),
           "OCR_API_RATE_MLID": "0.01", "OCR_API_RATE_SG": "0.01"}
    process = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the second server process did not start")
        yield ClientProfile(httpProfile=HttpProfile(endpoint=f"127.0.0.1:{port}", protocol="http", reqTimeout=30))
    finally:
        process.terminate()
        process.wait(10)


def test_rate_limit_is_shared_across_server_processes(key, profile, second_server_process, settings):
    settings.OCR_API_RATE_LIMITS = {MLID: 0.01, SG: 0.01}
    # Any answer but a rate limit takes the slot in this process; the other process must see it taken.
    with pytest.raises(TencentCloudSDKException) as first:
        common(key, profile).call_json(SG, {"ImageBase64": "aGk="})
    assert first.value.get_code() != "RequestLimitExceeded"
    error = sdk_error(lambda: common(key, second_server_process).call_json(SG, {"ImageBase64": "aGk="}))
    assert error.get_code() == "RequestLimitExceeded"
