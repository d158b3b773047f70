"""ImageUrl fetching for our API 3.0 server: allowlisted hosts only, no internal addresses, 3 s, 7 MB."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import json

import pytest

from ocr import tc3
from ocr.errors import MLID, OcrError
from ocr.models import ApiKey
from ocr.synth import generate_card
from ocr.server.fetch import MAX_IMAGE_BYTES, _is_public, fetch_url, host_allowed

REFUSED = "InvalidParameterValue.InvalidParameterValueLimit"
CARD, TRUTH = generate_card("MyKad", seed=31)


@pytest.fixture(scope="module")
def image_server():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/card.png":
                self._send(200, b"\x89PNG fake image bytes")
            elif self.path == "/mykad.png":
                self._send(200, CARD)
            elif self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/slow":
                self.send_response(200)
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                for _ in range(40):
                    self.wfile.write(b"x" * 100)
                    self.wfile.flush()
                    time.sleep(0.05)
            elif self.path == "/huge":
                self._send(200, b"x" * (MAX_IMAGE_BYTES + 1))
            else:
                self._send(404, b"not found")

        def _send(self, status, payload):
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    class Quiet(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # the fetcher hangs up on /huge and /slow on purpose

    server = Quiet(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def local_allowed(settings):
    settings.OCR_IMAGE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OCR_IMAGE_URL_ALLOW_PRIVATE_ADDRESSES = True
    return settings


def code_for(url):
    with pytest.raises(OcrError) as info:
        fetch_url(url)
    return info.value


def test_empty_allowlist_refuses_with_a_clear_message(settings, image_server):
    settings.OCR_IMAGE_URL_ALLOWED_HOSTS = []
    error = code_for(image_server + "/card.png")
    assert error.code == REFUSED and "OCR_IMAGE_URL_ALLOWED_HOSTS" in error.message and not error.transient


def test_host_not_on_the_allowlist(settings, image_server):
    settings.OCR_IMAGE_URL_ALLOWED_HOSTS = ["images.example.com"]
    assert code_for(image_server + "/card.png").code == REFUSED


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_internal_addresses_refused_even_when_allowlisted(settings, image_server, host):
    settings.OCR_IMAGE_URL_ALLOWED_HOSTS = [host]
    settings.OCR_IMAGE_URL_ALLOW_PRIVATE_ADDRESSES = False
    error = code_for(image_server.replace("127.0.0.1", host) + "/card.png")
    assert error.code == REFUSED and "non-public" in error.message


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "http://[::1"])
def test_bad_urls_refused(local_allowed, url):
    assert code_for(url).code == REFUSED


def test_allowed_fetch_returns_the_bytes(local_allowed, image_server):
    assert fetch_url(image_server + "/card.png") == b"\x89PNG fake image bytes"


def test_not_found_and_redirects_are_download_errors(local_allowed, image_server):
    assert code_for(image_server + "/missing").code == "FailedOperation.DownLoadError"
    error = code_for(image_server + "/redirect")  # never followed: it could lead anywhere
    assert error.code == "FailedOperation.DownLoadError" and "302" in error.message


def test_slow_download_stops_at_the_limit(local_allowed, image_server):
    local_allowed.OCR_IMAGE_URL_TIMEOUT_SECONDS = 0.5
    started = time.monotonic()
    assert code_for(image_server + "/slow").code == "FailedOperation.DownLoadError"
    assert time.monotonic() - started < 1.5


def test_too_large_image(local_allowed, image_server):
    assert code_for(image_server + "/huge").code == "LimitExceeded.TooLargeFileError"


def test_host_allowlist_matching():
    allowed = ["cdn.example.com", ".images.example.org"]
    assert host_allowed("CDN.example.com", allowed)
    assert host_allowed("a.images.example.org", allowed)
    assert not host_allowed("images.example.org.evil.com", allowed)
    assert not host_allowed("xcdn.example.com", allowed)


@pytest.mark.parametrize("address,public", [("8.8.8.8", True), ("127.0.0.1", False), ("10.1.2.3", False),
                                            ("169.254.169.254", False), ("::1", False), ("::ffff:127.0.0.1", False),
                                            ("100.64.0.1", False), ("0.0.0.0", False), ("2001:4860:4860::8888", True)])
def test_public_address_check(address, public):
    assert _is_public(address) is public


def call_server(client, params: dict) -> dict:
    key, secret = ApiKey.objects.create_key(f"url-{len(ApiKey.objects.all())}")
    body = json.dumps(params).encode()
    headers = tc3.sign_request(secret_id=key.secret_id, secret_key=secret, service="ocr", host="testserver", action=MLID,
                               version="2018-11-19", body=body, timestamp=int(time.time()))
    headers.pop("Content-Type")
    return json.loads(client.post("/", data=body, content_type="application/json", headers=headers).content)["Response"]


@pytest.mark.django_db
def test_server_refuses_image_url_when_no_host_is_allowed(client, settings, image_server):
    pytest.importorskip("ocr.contract", reason="the offline engine's ocr.contract is not merged yet")
    settings.OCR_IMAGE_URL_ALLOWED_HOSTS = []
    response = call_server(client, {"ImageUrl": image_server + "/mykad.png"})
    assert response["Error"]["Code"] == REFUSED and "OCR_IMAGE_URL_ALLOWED_HOSTS" in response["Error"]["Message"]


@pytest.mark.django_db
def test_server_reads_image_url_and_it_wins_over_base64(client, local_allowed, image_server):
    pytest.importorskip("ocr.contract", reason="the offline engine's ocr.contract is not merged yet")
    response = call_server(client, {"ImageUrl": image_server + "/mykad.png", "ImageBase64": "bm90IGFuIGltYWdl"})
    assert "Error" not in response, response
    assert response["ID"] == TRUTH["ID"]
