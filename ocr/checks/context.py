"""What the engine hands to the card checks (WarnCardInfos), so that the checks reuse its work:
the card outline, the upright card, the OCR pass and the portrait, plus the untouched original."""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TextLine:
    text: str
    score: float
    # Four corner points (x, y) in `CardView.warped` pixels, clockwise from top-left.
    box: tuple[tuple[float, float], ...]


@dataclass
class CardView:
    action: str  # MLIDCardOCR or RecognizeSingaporeIDCardOCR
    side: str  # "front" or "back"
    raw_bytes: bytes  # the file as received: JPEG quantisation tables, EXIF software tags
    image_format: str  # Pillow's name: JPEG, PNG, BMP
    original: np.ndarray  # RGB uint8, EXIF-upright, full resolution, before any warp
    # Card corners in `original` pixels (TL, TR, BR, BL, float32 4x2), None when no outline was
    # found and the whole image was taken as the card.
    quad: np.ndarray | None
    warped: np.ndarray  # RGB uint8, the card upright at the engine's fixed size
    text_lines: list[TextLine] = field(default_factory=list)
    face_box: tuple[int, int, int, int] | None = None  # x, y, w, h in `warped` pixels
    fields: dict[str, str] = field(default_factory=dict)  # extracted fields, Tencent names
    readable: bool = True  # False: an outline was found but no field could be read from it
    # What one check measured and another reuses (the blur score: glare, photocopy and edited ask).
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)


@dataclass(frozen=True)
class WarnDetail:
    code: int  # -9101 ... -9108
    score: int  # 0-100
    box: tuple[int, int, int, int] | None = None  # x, y, w, h in `original` pixels
    side: str | None = None  # which image raised it, "front" or "back"; set by the engine

    def as_dict(self) -> dict:
        d = {"Code": self.code, "Score": self.score, "Box": list(self.box) if self.box else None}
        if self.side:
            d["Side"] = self.side  # a MyKad's back comes in the same call as its front
        return d
