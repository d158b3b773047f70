"""Checking uploaded card images before anything is stored.

An image is accepted only if it really decodes (never trusting the file name or the declared type),
is in a format the country's OCR action takes, is within the size limits, and is not a
decompression bomb.
"""

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from ocr.contract import IMAGE_FORMATS, MAX_IMAGE_BYTES, MAX_PIXELS
from ocr.errors import MLID, SG

from .models import Country

# The same limits as the OCR action the country's cards go to, so that an accepted upload is one
# the engine (or Tencent) will read, never one refused later as an OCR failure.
ALLOWED_FORMATS = {Country.MY: IMAGE_FORMATS[MLID], Country.SG: IMAGE_FORMATS[SG]}
MIN_SIDE = 200


class ImageRejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int
    sha256: str
    size_bytes: int


def inspect_image(data: bytes, *, country: str) -> ImageInfo:
    if not data:
        raise ImageRejected("image_empty", "The image is empty.")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRejected(
            "image_too_large", f"The image is {len(data)} bytes; at most {MAX_IMAGE_BYTES} bytes are accepted."
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageRejected(
                    "image_too_many_pixels", f"The image has {width}x{height} pixels; at most {MAX_PIXELS} are accepted."
                )
            image_format = image.format
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ImageRejected("image_undecodable", "The file is not a readable image.") from None
    allowed = ALLOWED_FORMATS[Country(country)]
    if image_format not in allowed:
        raise ImageRejected(
            "image_format_not_allowed",
            f"{image_format or 'This'} images are not accepted for {country}; use {', '.join(sorted(allowed - {'MPO'}))}.",
        )
    if min(width, height) < MIN_SIDE:
        raise ImageRejected("image_too_small", f"The image is {width}x{height}; each side must be at least {MIN_SIDE} px.")
    return ImageInfo(
        format=image_format, width=width, height=height, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data)
    )


def display_copy(data: bytes) -> bytes:
    """An upright JPEG of the image with no metadata at all (EXIF GPS, device, editing software)."""
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=90)
    return out.getvalue()
