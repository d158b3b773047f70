"""Our Tencent client against a local fake of Tencent Cloud (tests/fake_tencent.py) that injects the
failures the real service produces: error codes, HTTP 500, slow answers, dropped connections."""

import base64
import json
import logging
import time

import pytest

from ocr import tc3
from ocr.backends import OcrReply, get_backend
from ocr.errors import MLID, SG, OcrError
from ocr.tencent import (
    TencentBackend,
    TencentClient,
    TencentError,
    TencentNetworkError,
    TencentPermanentError,
    TencentTransientError,
)

from .fake_tencent import FakeTencent

SECRET_ID = "AKIDfake0123456789abcdefghijklmnopqr"
SECRET_KEY = "fakeSecretKey0123456789abcdefghij"
TOKEN = "tmp-session-token-very-secret"
MLID_FIELDS = {"ID": "710716-08-6085", "Name": "KAVIN ONG", "Type": "MyKad", "WarnCardInfos": []}


@pytest.fixture
def fake():
    server = FakeTencent(SECRET_ID, SECRET_KEY).start()
    yield server
    server.stop()


def backend_for(fake, **overrides):
    config = dict(url=fake.url, secret_id=SECRET_ID, secret_key=SECRET_KEY, region="ap-singapore",
                  connect_timeout=1.0, read_timeout=0.5)
    config.update(overrides)
    return get_backend("tencent", **config)


def test_success_returns_the_inner_response_and_the_body_as_returned(fake):
    fake.script.append(("ok", MLID_FIELDS))
    reply = backend_for(fake).recognize(MLID, b"front-bytes", back=b"back-bytes", ret_image=True)
    assert isinstance(reply, OcrReply)
    assert reply.response["ID"] == "710716-08-6085" and reply.response["RequestId"]
    assert json.loads(reply.raw) == {"Response": reply.response}
    sent = fake.received[0]
    assert sent.signature_ok, "the official SDK signer disagrees with our signature"
    assert sent.headers["X-TC-Action"] == MLID and sent.headers["X-TC-Version"] == "2018-11-19"
    assert sent.headers["X-TC-Region"] == "ap-singapore"
    assert sent.headers["Host"] == fake.url.split("/")[2]
    assert sent.headers["Content-Type"] == "application/json"
    params = json.loads(sent.body)
    assert base64.b64decode(params["ImageBase64"]) == b"front-bytes"
    assert base64.b64decode(params["BackImageBase64"]) == b"back-bytes"
    assert params["RetImage"] is True


def test_sg_request_uses_return_head_image_and_token(fake):
    fake.script.append(("ok", {"ID": "S1234567D"}))
    reply = backend_for(fake, token=TOKEN).recognize(SG, b"card", ret_image=False)
    assert reply.response["ID"] == "S1234567D"
    sent = fake.received[0]
    assert sent.signature_ok and sent.headers["X-TC-Token"] == TOKEN
    assert json.loads(sent.body) == {"ImageBase64": base64.b64encode(b"card").decode(), "ReturnHeadImage": False}


def test_sg_with_a_back_image_is_refused_without_a_call(fake):
    with pytest.raises(TencentPermanentError) as info:
        backend_for(fake).recognize(SG, b"front", back=b"back")
    assert info.value.code == "UnknownParameter" and not fake.received


@pytest.mark.parametrize("code", ["InternalError", "RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded",
                                  "FailedOperation.EngineRecognizeTimeout", "ServiceUnavailable"])
def test_transient_codes_raise_transient_errors(fake, code):
    fake.script.append(("error", code, "try later"))
    with pytest.raises(TencentTransientError) as info:
        backend_for(fake).recognize(MLID, b"img")
    error = info.value
    assert isinstance(error, OcrError) and error.transient
    assert error.code == code and error.message == "try later"
    assert error.request_id == json.loads(error.raw)["Response"]["RequestId"]
    assert len(fake.received) == 1, "the client itself must not retry: the Celery task decides"


@pytest.mark.parametrize("code", ["AuthFailure.SignatureFailure", "FailedOperation.NoMASIDCard",
                                  "LimitExceeded.TooLargeFileError", "InvalidParameterValue.InvalidParameterValueLimit"])
def test_permanent_codes_raise_permanent_errors(fake, code):
    fake.script.append(("error", code, "no"))
    with pytest.raises(TencentPermanentError) as info:
        backend_for(fake).recognize(MLID, b"img")
    assert info.value.code == code and not info.value.transient and info.value.request_id


def test_http_500_is_a_transient_network_error(fake):
    fake.script.append(("status", 500))
    with pytest.raises(TencentNetworkError) as info:
        backend_for(fake).recognize(MLID, b"img")
    assert info.value.transient and "HTTP 500" in info.value.message and info.value.request_id == ""


def test_non_json_body_is_transient(fake):
    fake.script.append(("garbage",))
    with pytest.raises(TencentTransientError) as info:
        backend_for(fake).recognize(MLID, b"img")
    assert info.value.code == "ClientError.InvalidResponse"


def test_read_timeout_is_a_transient_network_error(fake):
    fake.script.append(("sleep", 2.0))
    started = time.monotonic()
    with pytest.raises(TencentNetworkError) as info:
        backend_for(fake, read_timeout=0.3).recognize(MLID, b"img")
    assert time.monotonic() - started < 1.5, "the read timeout was not applied"
    assert info.value.transient and "timed out" in info.value.message


def test_dropped_connection_is_a_transient_network_error(fake):
    fake.script.append(("drop",))
    with pytest.raises(TencentNetworkError) as info:
        backend_for(fake).recognize(MLID, b"img")
    assert info.value.transient


def test_connection_refused_is_transient():
    backend = TencentBackend(url="http://127.0.0.1:9/", secret_id=SECRET_ID, secret_key=SECRET_KEY, connect_timeout=0.5)
    with pytest.raises(TencentNetworkError):
        backend.recognize(MLID, b"img")


def test_signature_expire_is_signed_again_once(fake, monkeypatch):
    fake.script.append(("error", "AuthFailure.SignatureExpire", "expired"))
    fake.script.append(("ok", MLID_FIELDS))
    backend = backend_for(fake)
    clock = iter([1_700_000_000, 1_700_000_100])
    sign = backend.client.signed_headers
    monkeypatch.setattr(backend.client, "signed_headers", lambda action, body: sign(action, body, next(clock)))
    reply = backend.recognize(MLID, b"img")
    assert reply.response["Name"] == "KAVIN ONG"
    first, second = fake.received
    assert (first.headers["X-TC-Timestamp"], second.headers["X-TC-Timestamp"]) == ("1700000000", "1700000100")
    assert first.signature_ok and second.signature_ok
    assert first.headers["Authorization"] != second.headers["Authorization"]


def test_signature_expire_twice_gives_up(fake):
    fake.script += [("error", "AuthFailure.SignatureExpire", "expired")] * 2 + [("ok", {})]
    with pytest.raises(TencentPermanentError) as info:
        backend_for(fake).recognize(MLID, b"img")
    assert info.value.code == "AuthFailure.SignatureExpire" and len(fake.received) == 2


def test_secrets_never_in_logs_errors_or_repr(fake, caplog):
    caplog.set_level(logging.DEBUG)
    fake.script += [("error", "AuthFailure.SignatureFailure", "bad"), ("status", 500), ("drop",), ("ok", {})]
    backend = backend_for(fake, token=TOKEN)
    texts = [repr(backend.client), str(backend.client)]
    for _ in range(3):
        with pytest.raises(TencentError) as info:
            backend.recognize(MLID, b"img")
        texts += [str(info.value), repr(info.value), info.value.message, info.value.raw]
    backend.recognize(MLID, b"img")
    texts.append(caplog.text)
    assert "AuthFailure.SignatureFailure" in caplog.text  # the logs are there, just without secrets
    for text in texts:
        assert SECRET_KEY not in text and TOKEN not in text


@pytest.mark.parametrize(
    "url,host",
    [
        ("https://ocr.tencentcloudapi.com/", "ocr.tencentcloudapi.com"),
        ("https://ocr.intl.tencentcloudapi.com", "ocr.intl.tencentcloudapi.com"),
        ("https://ocr.ap-singapore.tencentcloudapi.com/", "ocr.ap-singapore.tencentcloudapi.com"),
        ("http://127.0.0.1:8000/", "127.0.0.1:8000"),
    ],
)
def test_endpoint_host_is_what_gets_signed(url, host):
    client = TencentClient(SECRET_ID, SECRET_KEY, url=url, region="")
    headers = client.signed_headers(SG, b"{}", timestamp=1_700_000_000)
    assert client.url.rstrip("/") == url.rstrip("/") and headers["Host"] == host
    assert "X-TC-Region" not in headers  # as the SDK: no region header when region is empty
    auth = tc3.parse_authorization(headers["Authorization"])
    canonical = tc3.canonical_request("POST", "/", "", {"content-type": "application/json", "host": host},
                                      auth.signed_headers, tc3.sha256_hex(b"{}"))
    assert auth.signature == tc3.signature_for(SECRET_KEY, auth.date, "ocr", tc3.string_to_sign(1_700_000_000, auth.date, "ocr", canonical))


@pytest.mark.parametrize("url", ["ftp://ocr.tencentcloudapi.com/", "https://user:pw@ocr.tencentcloudapi.com/",
                                 "https://ocr.tencentcloudapi.com/v1", "not a url"])
def test_bad_endpoints_are_refused(url):
    with pytest.raises(ValueError):
        TencentClient(SECRET_ID, SECRET_KEY, url=url)


def test_backend_reads_django_settings_when_not_given(settings, fake):
    settings.TENCENT_OCR_URL = fake.url
    settings.TENCENT_SECRET_ID = SECRET_ID
    settings.TENCENT_SECRET_KEY = SECRET_KEY
    settings.TENCENT_REGION = "ap-singapore"
    settings.TENCENT_READ_TIMEOUT = 0.7
    backend = get_backend("tencent")
    assert backend.client.timeout == (settings.TENCENT_CONNECT_TIMEOUT, 0.7)
    backend.recognize(SG, b"img")
    assert fake.received[0].signature_ok
