"""The command line prints one Tencent response per image and signals failure in its exit status."""

import io
import json
import subprocess
import sys
from pathlib import Path

from ocr.cli import main
from ocr.synth import generate_card

ROOT = Path(__file__).resolve().parent.parent


def test_one_line_per_image_in_order_and_exit_status(tmp_path):
    # The output format is under test here, not accuracy (bench/engine.py measures that on fresh cards).
    seed = 1234
    data, truth = generate_card("MyKad", seed, scene="crop")
    card = tmp_path / "card.jpg"
    card.write_bytes(data)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"definitely not a png")
    out = io.StringIO()
    status = main(["recognize", "--action", "MLIDCardOCR", str(card), str(junk)], out=out)
    lines = out.getvalue().splitlines()
    assert status == 1 and len(lines) == 2
    first, second = (json.loads(l)["Response"] for l in lines)
    assert first["ID"] == truth["ID"], seed
    assert second["Error"]["Code"] == "FailedOperation.ImageDecodeFailed" and second["RequestId"]
    out = io.StringIO()
    assert main(["recognize", "--action", "MLIDCardOCR", str(card)], out=out) == 0


def test_module_entry_point_reports_errors_as_json(tmp_path):
    bad = tmp_path / "x.gif"
    bad.write_bytes(b"GIF89a" + b"\0" * 20)
    proc = subprocess.run([sys.executable, "-m", "ocr", "recognize", "--action", "RecognizeSingaporeIDCardOCR", str(bad), str(tmp_path / "missing.jpg")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    rows = [json.loads(l)["Response"] for l in proc.stdout.splitlines()]
    assert [r["Error"]["Code"] for r in rows] == ["FailedOperation.ImageDecodeFailed"] * 2
    assert "Traceback" not in proc.stderr


def test_engine_imports_without_django(tmp_path):
    code = "import sys, ocr.engine, ocr.contract, ocr.cli, ocr.synth; sys.exit(1 if 'django' in sys.modules else 0)"
    env = {k: v for k, v in __import__("os").environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
