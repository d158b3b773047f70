"""The offline recognition engine: image bytes in, Tencent's `Response` object out.

    from ocr.engine import recognize_images
    response = recognize_images("MLIDCardOCR", jpeg_bytes, back=None, ret_image=False)

Failures raise `ocr.errors.OcrError` with Tencent's code and message. Importable and runnable without
Django settings.
"""

from .core import recognize_images

__all__ = ["recognize_images"]
