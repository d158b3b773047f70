"""Our Tencent client (backend ``tencent``) against our own API 3.0 server, live on a port: both ends
of the protocol written here, each also proven against an independent party (the SDK, the fake)."""

import pytest

from ocr.backends import get_backend
from ocr.errors import MLID, SG
from ocr.models import ApiKey
from ocr.synth import generate_card
from ocr.tencent import TencentPermanentError, TencentTransientError

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key():
    return ApiKey.objects.create_key("our-client")


def backend(live_server, key, **overrides):
    api_key, secret = key
    config = dict(url=live_server.url + "/", secret_id=api_key.secret_id, secret_key=secret, region="ap-singapore")
    return get_backend("tencent", **{**config, **overrides})


def test_same_reply_shape_as_the_local_backend(live_server, key):
    pytest.importorskip("ocr.contract", reason="the offline engine's ocr.contract is not merged yet")
    image, truth = generate_card("MyKad", seed=21)
    remote = backend(live_server, key).recognize(MLID, image)
    local = get_backend("local").recognize(MLID, image)
    assert remote.response["ID"] == truth["ID"] == local.response["ID"]
    assert set(remote.response) == set(local.response)
    assert remote.response["RequestId"] != local.response["RequestId"]


def test_wrong_key_is_permanent(live_server, key):
    with pytest.raises(TencentPermanentError) as info:
        backend(live_server, key, secret_key="Z" * 32).recognize(SG, b"img")
    assert info.value.code == "AuthFailure.SignatureFailure" and info.value.request_id


def test_bad_image_is_permanent(live_server, key):
    pytest.importorskip("ocr.contract", reason="the offline engine's ocr.contract is not merged yet")
    with pytest.raises(TencentPermanentError) as info:
        backend(live_server, key).recognize(SG, b"not an image")
    assert info.value.code == "FailedOperation.ImageDecodeFailed"


def test_rate_limit_is_transient(live_server, key, settings):
    settings.OCR_API_RATE_LIMITS = {MLID: 0.01, SG: 0.01}
    ours = backend(live_server, key)
    try:
        ours.recognize(SG, b"img")
    except (TencentPermanentError, TencentTransientError):
        pass  # whatever the engine says about these bytes, the call took the one slot
    with pytest.raises(TencentTransientError) as info:
        ours.recognize(SG, b"img")
    assert info.value.code == "RequestLimitExceeded"
