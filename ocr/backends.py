"""The two OCR backends behind one interface, so that callers cannot tell them apart.

``backend.recognize(action, image, back=None, ret_image=False)`` returns an ``OcrReply`` holding the
inner ``Response`` object (with ``RequestId``) and the body exactly as returned; failures raise
``OcrError`` with Tencent's code, message and RequestId.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OcrReply:
    response: dict
    raw: str


class Backend(Protocol):
    name: str

    def recognize(self, action: str, image: bytes, back: bytes | None = None, ret_image: bool = False) -> OcrReply: ...


class LocalBackend:
    """The offline engine, in this process."""

    name = "local"

    def recognize(self, action: str, image: bytes, back: bytes | None = None, ret_image: bool = False) -> OcrReply:
        from .engine import recognize_images

        response = recognize_images(action, image, back=back, ret_image=ret_image)
        return OcrReply(response=response, raw=json.dumps({"Response": response}, ensure_ascii=False))


def _local(**config) -> Backend:
    return LocalBackend()


def _tencent(**config) -> Backend:
    from .tencent import TencentBackend

    return TencentBackend(**config)


# Backends by name. A registry rather than an if-chain so that tests can put a real backend that fails
# on purpose under a name (and settings.OCR_BACKEND to it) instead of patching the pipeline's insides.
BACKENDS: dict[str, Callable[..., Backend]] = {"local": _local, "tencent": _tencent}


def get_backend(name: str, **config) -> Backend:
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown OCR backend {name!r}: use {' or '.join(BACKENDS)}") from None
    return factory(**config)
