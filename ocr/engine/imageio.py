"""Image bytes in, an RGB array out — or a Tencent error, never a traceback.

Formats per contract: MLIDCardOCR takes PNG/JPG/JPEG (GIF refused); RecognizeSingaporeIDCardOCR also
takes BMP. Decompression bombs are refused from the header, before any pixel is decoded: Pillow on its
own only warns between 1x and 2x its default limit, so we cap pixels explicitly.
"""

import io
import math
import warnings

import numpy as np
from PIL import Image, ImageOps

from ..contract import IMAGE_FORMATS, MAX_IMAGE_BYTES, MAX_PIXELS
from ..errors import SG, OcrError

MIN_SIDE = 64
# Huge JPEGs are decoded reduced, to no less than this long side (see decode).
DECODE_SIDE = 2000

def decode(action: str, data: bytes) -> tuple[np.ndarray, str]:
    """Decoded, EXIF-upright RGB uint8 and Pillow's format name."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise OcrError("FailedOperation.ImageDecodeFailed", "The image is empty.")
    if len(data) > MAX_IMAGE_BYTES:
        raise OcrError("LimitExceeded.TooLargeFileError", "The image is larger than 7 MB after Base64 encoding.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(io.BytesIO(data))
            fmt = im.format or ""
            w, h = im.size
    except Image.DecompressionBombError:
        # Pillow refuses beyond 2x its own limit while reading the header: same answer as our cap.
        raise OcrError("InvalidParameterValue.InvalidParameterValueLimit", f"The image has too many pixels; at most {MAX_PIXELS} are accepted.") from None
    except Exception:
        raise OcrError("FailedOperation.ImageDecodeFailed", "The image could not be decoded: not a supported image file.") from None
    if fmt not in IMAGE_FORMATS[action]:
        allowed = "PNG, JPG, JPEG" + (", BMP" if action == SG else "")
        raise OcrError("FailedOperation.ImageDecodeFailed", f"Unsupported image format {fmt or 'unknown'}: {action} accepts {allowed}.")
    if w * h > MAX_PIXELS:
        raise OcrError("InvalidParameterValue.InvalidParameterValueLimit", f"The image has {w}x{h} pixels; at most {MAX_PIXELS} are accepted.")
    if min(w, h) < MIN_SIDE:
        raise OcrError("InvalidParameterValue.InvalidParameterValueLimit", f"The image is {w}x{h} pixels; each side must be at least {MIN_SIDE}.")
    if fmt in ("JPEG", "MPO") and max(w, h) >= 2 * DECODE_SIDE:
        # A 12-50 Mpx phone photo: let libjpeg decode at 1/2, 1/4 or 1/8 scale (DCT scaling, far
        # cheaper than decoding and then resizing), keeping the long side >= DECODE_SIDE. The card
        # still spans well over the 856 px it is warped to, and a 50 Mpx frame no longer costs
        # 150 MB per copy of its pixels.
        k = DECODE_SIDE / max(w, h)
        im.draft(None, (max(1, math.ceil(w * k)), max(1, math.ceil(h * k))))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im.load()
            im = ImageOps.exif_transpose(im)
            rgb = _to_rgb(im)
    except OcrError:
        raise
    except Exception:
        raise OcrError("FailedOperation.ImageDecodeFailed", "The image could not be decoded: the file is truncated or corrupt.") from None
    return rgb, ("JPEG" if fmt == "MPO" else fmt)


def _to_rgb(im: Image.Image) -> np.ndarray:
    """Any mode (CMYK, 16-bit, palette, alpha, grey) to RGB uint8; transparency flattened on white,
    as a viewer would show it."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = arr.max() or 1
        scale = 255 / (65535 if top > 255 else 255)
        grey = np.clip(arr * scale, 0, 255).astype(np.uint8)
        return np.dstack([grey] * 3)
    if im.mode == "F":
        arr = np.asarray(im, dtype=np.float64)
        lo, hi = arr.min(), arr.max()
        grey = ((arr - lo) / ((hi - lo) or 1) * 255).astype(np.uint8)
        return np.dstack([grey] * 3)
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA"):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(bg, im)
    return np.ascontiguousarray(np.asarray(im if im.mode == "RGB" else im.convert("RGB")))
