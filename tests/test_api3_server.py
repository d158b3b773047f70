"""Our API 3.0 endpoint's protocol checks, driven through Django's test client with requests signed by
ocr.tc3 (the signer proven in test_tc3.py). The official SDK end of things is in test_api3_sdk.py."""

import json
import time

import pytest

from ocr import tc3
from ocr.errors import MLID, SG
from ocr.models import ApiKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return ApiKey.objects.create_key("acme")


def post(client, key_pair, body=b'{"ImageBase64": "aGVsbG8="}', *, action=MLID, secret_key=None, timestamp=None,
         signed_headers=tc3.DEFAULT_SIGNED_HEADERS, content_type="application/json", extra=None, send_body=None,
         version="2018-11-19"):
    key, real_secret = key_pair
    headers = tc3.sign_request(
        secret_id=key.secret_id, secret_key=secret_key or real_secret, service="ocr", host="testserver",
        action=action, version=version, body=body, timestamp=int(time.time()) if timestamp is None else timestamp,
        content_type=content_type, signed_headers=signed_headers,
    )
    headers.pop("Content-Type")  # given to the test client as content_type
    headers.update(extra or {})
    http = client.post("/", data=body if send_body is None else send_body, content_type=content_type,
                       headers={k: v for k, v in headers.items() if v is not None})
    assert http.status_code == 200
    assert http["Content-Type"] == "application/json"  # exactly: the SDK drops other types
    return json.loads(http.content)["Response"]


def code_of(response):
    assert response["RequestId"]
    return response.get("Error", {}).get("Code")


def test_get_root_is_still_the_reviewer_site(client):
    assert client.get("/").status_code == 302


def test_post_without_action_is_not_the_api(client):
    assert client.post("/", data=b"{}", content_type="application/json").status_code == 302


@pytest.mark.parametrize("signed", [("content-type", "host"), ("content-type", "host", "x-tc-action"),
                                    ("content-type", "host", "x-tc-action", "x-tc-timestamp")])
def test_any_signed_header_set_including_content_type_and_host_passes_auth(client, key, signed):
    # Past authentication a missing engine or a bad image gives other codes; none may be AuthFailure.
    response = post(client, key, signed_headers=signed, body=b'{"Bogus": 1}')
    assert not (code_of(response) or "").startswith("AuthFailure")


def test_signed_headers_must_cover_content_type_and_host(client, key):
    assert code_of(post(client, key, signed_headers=("host",))) == "AuthFailure.InvalidAuthorization"


def test_wrong_secret_key(client, key):
    assert code_of(post(client, key, secret_key="x" * 32)) == "AuthFailure.SignatureFailure"


def test_tampered_body_fails_the_signature(client, key):
    response = post(client, key, body=b'{"ImageBase64": "aGVsbG8="}', send_body=b'{"ImageBase64": "d29ybGQ="}')
    assert code_of(response) == "AuthFailure.SignatureFailure"


def test_signed_action_cannot_be_swapped(client, key):
    # Sign for MLID with x-tc-action signed, send as SG.
    response = post(client, key, signed_headers=("content-type", "host", "x-tc-action"), extra={"X-TC-Action": SG})
    assert code_of(response) == "AuthFailure.SignatureFailure"


def test_unknown_and_disabled_secret_ids(client, key):
    api_key, secret = key
    api_key.set_active(False)
    assert code_of(post(client, key)) == "AuthFailure.SecretIdNotFound"
    api_key.secret_id = "AKIDnobody"
    assert code_of(post(client, (api_key, secret))) == "AuthFailure.SecretIdNotFound"


# Tencent's window is 300 s either way. The margins keep a slow first request on a loaded machine
# (seconds between signing and checking) from moving a case across the line.
@pytest.mark.parametrize("offset,code", [(-330, "AuthFailure.SignatureExpire"), (330, "AuthFailure.SignatureExpire"),
                                         (-270, None), (270, None)])
def test_timestamp_window(client, key, offset, code):
    response = post(client, key, timestamp=int(time.time()) + offset)
    if code:
        assert code_of(response) == code
    else:
        assert not (code_of(response) or "").startswith("AuthFailure")


def test_malformed_authorization(client, key):
    assert code_of(post(client, key, extra={"Authorization": "TC3-HMAC-SHA256 junk"})) == "AuthFailure.InvalidAuthorization"


def test_wrong_service_in_scope(client, key):
    api_key, secret = key
    headers = tc3.sign_request(secret_id=api_key.secret_id, secret_key=secret, service="cvm", host="testserver",
                               action=MLID, version="2018-11-19", body=b"{}", timestamp=int(time.time()))
    response = client.post("/", data=b"{}", content_type="application/json",
                           headers={k: v for k, v in headers.items() if k != "Content-Type"})
    assert json.loads(response.content)["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"


def test_temporary_token_is_refused(client, key):
    assert code_of(post(client, key, extra={"X-TC-Token": "tok"})) == "AuthFailure.TokenFailure"


def test_unknown_action_and_version(client, key):
    assert code_of(post(client, key, action="GeneralBasicOCR")) == "InvalidAction"
    assert code_of(post(client, key, version="2017-01-01")) == "NoSuchVersion"
    assert code_of(post(client, key, extra={"X-TC-Version": None}, version="")) == "MissingParameter"


def test_form_encoded_body_is_unsupported_protocol(client, key):
    response = post(client, key, body=b"ImageBase64=abc", content_type="application/x-www-form-urlencoded")
    assert code_of(response) == "UnsupportedProtocol"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_bad_json_is_invalid_parameter(client, key, body):
    assert code_of(post(client, key, body=body)) == "InvalidParameter"


def test_oversize_body_is_refused_before_auth(client, key, settings):
    settings.OCR_API_MAX_BODY_BYTES = 1000
    response = post(client, key, body=b'{"ImageBase64": "' + b"A" * 2000 + b'"}', secret_key="wrong" * 8)
    assert code_of(response) == "RequestSizeLimitExceeded"


def test_rate_limit_per_key_and_action(client, key, settings):
    # 0.01/s is one request per 100 s window, so the second call in a row cannot fall in a new window.
    settings.OCR_API_RATE_LIMITS = {MLID: 0.01, SG: 0.01}
    assert code_of(post(client, key)) != "RequestLimitExceeded"
    assert code_of(post(client, key)) == "RequestLimitExceeded"
    assert code_of(post(client, key, action=SG)) != "RequestLimitExceeded"
    other = ApiKey.objects.create_key("other")
    assert code_of(post(client, other)) != "RequestLimitExceeded"


def test_per_key_override_of_the_rate(client, settings):
    settings.OCR_API_RATE_LIMITS = {MLID: 0.01, SG: 0.01}
    generous = ApiKey.objects.create_key("generous", rate_limit_mlid=1000)
    codes = [code_of(post(client, generous)) for _ in range(3)]
    assert "RequestLimitExceeded" not in codes


def test_last_use_is_recorded_only_after_a_valid_signature(client, key):
    api_key, _ = key
    post(client, key, secret_key="y" * 32)
    api_key.refresh_from_db()
    assert api_key.last_used_at is None
    post(client, key)
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_unsigned_payload_opt_out_is_honoured_like_tencent(client, key):
    # The SDK's X-TC-Content-SHA256: UNSIGNED-PAYLOAD hashes the literal string instead of the body.
    api_key, secret = key
    timestamp, date = int(time.time()), tc3.utc_date(int(time.time()))
    headers = {"content-type": "application/json", "host": "testserver"}
    canonical = tc3.canonical_request("POST", "/", "", headers, ("content-type", "host"), tc3.UNSIGNED_PAYLOAD)
    signature = tc3.signature_for(secret, date, "ocr", tc3.string_to_sign(timestamp, date, "ocr", canonical))
    auth = tc3.authorization_header(api_key.secret_id, date, "ocr", ("content-type", "host"), signature)
    common = {"Host": "testserver", "X-TC-Action": MLID, "X-TC-Version": "2018-11-19", "X-TC-Timestamp": str(timestamp),
              "Authorization": auth}
    with_opt_out = client.post("/", data=b"{}", content_type="application/json",
                               headers={**common, "X-TC-Content-SHA256": "UNSIGNED-PAYLOAD"})
    without = client.post("/", data=b"{}", content_type="application/json", headers=common)
    assert not (code_of(json.loads(with_opt_out.content)["Response"]) or "").startswith("AuthFailure")
    assert code_of(json.loads(without.content)["Response"]) == "AuthFailure.SignatureFailure"
