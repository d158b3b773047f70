"""python -m ocr recognize --backend tencent, against the local fake of Tencent Cloud."""

import base64
import io
import json

import pytest

from ocr.cli import main
from ocr.errors import MLID, SG

from .fake_tencent import FakeTencent

SECRET_ID, SECRET_KEY = "AKIDcli0123456789", "cliSecretKey0123456789abcdefghijk"


@pytest.fixture
def fake(monkeypatch):
    server = FakeTencent(SECRET_ID, SECRET_KEY).start()
    monkeypatch.setenv("TENCENT_OCR_URL", server.url)
    monkeypatch.setenv("TENCENT_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENT_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENT_REGION", "ap-singapore")
    yield server
    server.stop()


def run(*argv):
    out = io.StringIO()
    status = main(["recognize", *argv], out=out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_backend_tencent_sends_each_file_and_prints_responses(fake, tmp_path):
    front, back = tmp_path / "front.png", tmp_path / "back.png"
    front.write_bytes(b"front-bytes")
    back.write_bytes(b"back-bytes")
    fake.script += [("ok", {"ID": "710716-08-6085"})]
    status, lines = run("--backend", "tencent", "--action", MLID, "--ret-image", "--back", str(back), str(front))
    assert status == 0 and lines[0]["Response"]["ID"] == "710716-08-6085"
    sent = fake.received[0]
    assert sent.signature_ok
    params = json.loads(sent.body)
    assert base64.b64decode(params["ImageBase64"]) == b"front-bytes"
    assert base64.b64decode(params["BackImageBase64"]) == b"back-bytes" and params["RetImage"] is True


def test_backend_tencent_errors_become_error_lines(fake, tmp_path):
    image = tmp_path / "card.jpg"
    image.write_bytes(b"jpeg")
    fake.script += [("error", "InternalError", "boom"), ("status", 502)]
    status, lines = run("--backend", "tencent", "--action", SG, str(image), str(image))
    assert status == 1
    assert [line["Response"]["Error"]["Code"] for line in lines] == ["InternalError", "ClientError.NetworkError"]


def test_backend_tencent_without_credentials(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("TENCENT_SECRET_ID", raising=False)
    monkeypatch.delenv("TENCENT_SECRET_KEY", raising=False)
    assert main(["recognize", "--backend", "tencent", "--action", SG, str(tmp_path / "x.jpg")], out=io.StringIO()) == 2
    assert "SecretId" in capsys.readouterr().err
