"""Bad or unusual input becomes a Tencent error or a clean RGB array, never a traceback."""

import base64
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from ocr.contract import parse_request, recognize_request
from ocr.engine import recognize_images
from ocr.engine.imageio import decode
from ocr.errors import MLID, SG, OcrError


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb's calling card."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(b"IEND", b"")


def _code(fn, *a, **kw):
    with pytest.raises(OcrError) as ei:
        fn(*a, **kw)
    return ei.value.code


def test_gif_refused_for_malaysia_bmp_allowed_only_for_singapore():
    im = Image.new("RGB", (200, 120), "white")
    assert _code(decode, MLID, _save(im, "GIF")) == "FailedOperation.ImageDecodeFailed"
    assert _code(decode, MLID, _save(im, "BMP")) == "FailedOperation.ImageDecodeFailed"
    rgb, fmt = decode(SG, _save(im, "BMP"))
    assert fmt == "BMP" and rgb.shape == (120, 200, 3)


def test_decompression_bomb_refused_from_the_header():
    assert _code(decode, MLID, _png_claiming(20000, 20000)) == "InvalidParameterValue.InvalidParameterValueLimit"


def test_garbage_and_truncated_files():
    assert _code(decode, MLID, b"not an image at all") == "FailedOperation.ImageDecodeFailed"
    good = _save(Image.new("RGB", (300, 200), "red"), "JPEG")
    assert _code(decode, MLID, good[: len(good) // 3]) == "FailedOperation.ImageDecodeFailed"
    assert _code(decode, MLID, b"") == "FailedOperation.ImageDecodeFailed"


@pytest.mark.parametrize(
    "make",
    [
        lambda: _save(Image.new("CMYK", (120, 80), (0, 255, 255, 0)), "JPEG"),
        lambda: _save(Image.fromarray(np.full((80, 120), 40000, np.uint16)), "PNG"),
        lambda: _save(Image.new("RGB", (120, 80), (200, 10, 10)).convert("P"), "PNG"),
        lambda: _save(Image.new("RGBA", (120, 80), (255, 0, 0, 0)), "PNG"),
        lambda: _save(Image.new("LA", (120, 80), (90, 255)), "PNG"),
    ],
    ids=["cmyk", "16bit", "palette", "alpha", "grey-alpha"],
)
def test_unusual_modes_become_rgb(make):
    rgb, _ = decode(MLID, make())
    assert rgb.dtype == np.uint8 and rgb.shape == (80, 120, 3)


def test_transparent_pixels_flattened_on_white_and_cmyk_red_is_red():
    rgb, _ = decode(MLID, _save(Image.new("RGBA", (100, 70), (255, 0, 0, 0)), "PNG"))
    assert rgb.min() == 255
    rgb, _ = decode(MLID, _save(Image.new("CMYK", (100, 70), (0, 255, 255, 0)), "JPEG"))
    r, g, b = rgb.reshape(-1, 3).mean(axis=0)
    assert r > 200 and g < 60 and b < 60


def test_exif_orientation_is_honoured():
    im = Image.new("RGB", (200, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    rgb, _ = decode(MLID, _save(im, "JPEG", exif=exif.tobytes()))
    assert rgb.shape[:2] == (200, 100)


def test_blank_picture_is_no_malaysian_card_and_sg_ocr_failed():
    blank = _save(Image.new("RGB", (640, 400), (120, 130, 140)), "JPEG")
    with pytest.raises(OcrError) as ei:
        recognize_images(MLID, blank)
    assert ei.value.code == "FailedOperation.NoMASIDCard" and ei.value.request_id
    assert _code(recognize_images, SG, blank) == "FailedOperation.OcrFailed"


# ---------------------------------------------------------------- request contract

PNG = _save(Image.new("RGB", (100, 64), "white"), "PNG")
B64 = base64.b64encode(PNG).decode()


def test_request_parameters_per_action():
    assert _code(parse_request, SG, {"ImageBase64": B64, "RetImage": True}) == "UnknownParameter"
    assert _code(parse_request, MLID, {"ImageBase64": B64, "ReturnHeadImage": True}) == "UnknownParameter"
    assert _code(parse_request, MLID, {"RetImage": True}) == "MissingParameter"
    assert _code(parse_request, MLID, {"BackImageBase64": B64}) == "MissingParameter"
    req = parse_request(MLID, {"ImageBase64": B64, "BackImageBase64": B64, "RetImage": "true"})
    assert req.image == PNG and req.back == PNG and req.ret_image is True
    req = parse_request(SG, {"ImageBase64": B64, "ReturnHeadImage": "false"})
    assert req.ret_image is False and req.back is None
    assert _code(parse_request, SG, {"ImageBase64": B64, "ReturnHeadImage": "yes"}) == "InvalidParameterValue.InvalidParameterValueLimit"


def test_bad_base64_and_size_limit():
    assert _code(parse_request, MLID, {"ImageBase64": "@@@not base64@@@"}) == "FailedOperation.ImageDecodeFailed"
    assert _code(parse_request, MLID, {"ImageBase64": B64[:-3]}) == "FailedOperation.ImageDecodeFailed"
    big = "A" * (7 * 1024 * 1024 + 4)
    assert _code(parse_request, MLID, {"ImageBase64": big}) == "LimitExceeded.TooLargeFileError"


def test_image_url_wins_and_needs_a_fetcher():
    seen = []

    def fetch(url):
        seen.append(url)
        return b"from-url"

    req = parse_request(SG, {"ImageBase64": B64, "ImageUrl": "https://x/a.jpg"}, fetch_url=fetch)
    assert req.image == b"from-url" and seen == ["https://x/a.jpg"]
    with pytest.raises(OcrError) as ei:
        parse_request(SG, {"ImageUrl": "https://x/a.jpg"})
    assert ei.value.code == "FailedOperation.DownLoadError" and "not enabled" in ei.value.message

    def broken(url):
        raise TimeoutError("slow")

    assert _code(parse_request, MLID, {"BackImageUrl": "https://x/b", "ImageBase64": B64}, fetch_url=broken) == "FailedOperation.DownLoadError"


def test_recognize_request_reports_decode_errors_in_tencent_terms():
    gif = base64.b64encode(_save(Image.new("RGB", (100, 64)), "GIF")).decode()
    assert _code(recognize_request, MLID, {"ImageBase64": gif}) == "FailedOperation.ImageDecodeFailed"
