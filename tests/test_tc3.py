"""The TC3 signer against Tencent's published test vector and the official SDK's own signer."""

import random
import string

import pytest
from tencentcloud.common.sign import Sign

from ocr import tc3

# tencent-api3.md, "Published test vector": the \u escapes are literal ASCII in the body.
VECTOR_BODY = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
VECTOR_HEADERS = {
    "content-type": "application/json; charset=utf-8",
    "host": "cvm.tencentcloudapi.com",
    "x-tc-action": "DescribeInstances",
}
VECTOR_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"


def test_published_vector_body_hash():
    assert len(VECTOR_BODY) == 86
    assert tc3.sha256_hex(VECTOR_BODY) == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"


def test_published_vector_signature():
    canonical = tc3.canonical_request("POST", "/", "", VECTOR_HEADERS, ("content-type", "host"), tc3.sha256_hex(VECTOR_BODY))
    assert tc3.sha256_hex(canonical) == "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    to_sign = tc3.string_to_sign(1551113065, tc3.utc_date(1551113065), "cvm", canonical)
    assert tc3.utc_date(1551113065) == "2019-02-25"
    assert tc3.signature_for(VECTOR_KEY, "2019-02-25", "cvm", to_sign) == (
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


def test_published_vector_with_x_tc_action_signed():
    # The header value is lower-cased in the canonical form ("describeinstances").
    canonical = tc3.canonical_request(
        "POST", "/", "", VECTOR_HEADERS, ("content-type", "host", "x-tc-action"), tc3.sha256_hex(VECTOR_BODY)
    )
    assert "x-tc-action:describeinstances\n" in canonical
    assert tc3.sha256_hex(canonical) == "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"


def test_sign_request_builds_the_vector_authorization():
    headers = tc3.sign_request(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secret_key=VECTOR_KEY, service="cvm",
        host="cvm.tencentcloudapi.com", action="DescribeInstances", version="2017-03-12", body=VECTOR_BODY,
        timestamp=1551113065, content_type="application/json; charset=utf-8", region="ap-guangzhou",
    )
    assert headers["Authorization"] == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )
    assert headers["X-TC-Timestamp"] == "1551113065" and headers["X-TC-Region"] == "ap-guangzhou"
    assert "X-TC-Token" not in headers


@pytest.mark.parametrize("seed", range(20))
def test_signature_matches_official_sdk_signer(seed):
    rng = random.Random(seed)
    key = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
    date = f"20{rng.randint(10, 40)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    to_sign = "TC3-HMAC-SHA256\n%d\n%s/ocr/tc3_request\n%064x" % (rng.randint(0, 2**31), date, rng.getrandbits(256))
    assert tc3.signature_for(key, date, "ocr", to_sign) == Sign.sign_tc3(key, date, "ocr", to_sign)


def test_date_is_utc_even_when_local_time_is_the_next_day(monkeypatch):
    # 2024-01-01 20:00 UTC is already 2024-01-02 in Kuala Lumpur.
    monkeypatch.setenv("TZ", "Asia/Kuala_Lumpur")
    import time

    time.tzset()
    try:
        assert tc3.utc_date(1704139200) == "2024-01-01"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_parse_authorization_reads_signed_headers():
    auth = tc3.parse_authorization(
        "TC3-HMAC-SHA256 Credential=AKIDabc/2024-01-01/ocr/tc3_request, "
        "SignedHeaders=content-type;host;x-tc-action, Signature=" + "a" * 64
    )
    assert auth.secret_id == "AKIDabc" and auth.service == "ocr" and auth.date == "2024-01-01"
    assert auth.signed_headers == ("content-type", "host", "x-tc-action")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Bearer abc",
        "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/ocr/tc3_request, SignedHeaders=content-type;host, Signature=xyz",
        "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/ocr/other, SignedHeaders=content-type;host, Signature=" + "a" * 64,
        "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/ocr/tc3_request, SignedHeaders=host;content-type, Signature=" + "a" * 64,
        "HMAC-SHA1 Credential=AKID/2024-01-01/ocr/tc3_request, SignedHeaders=content-type;host, Signature=" + "a" * 64,
    ],
)
def test_parse_authorization_rejects_malformed(value):
    with pytest.raises(ValueError):
        tc3.parse_authorization(value)
