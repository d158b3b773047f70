"""What several checks share: thresholds from the environment, the card in its two coordinate
systems (upright `warped`, and `original` inside the outline) and mapping boxes between them."""

from __future__ import annotations

import os

import cv2
import numpy as np

from .context import CardView


class ThresholdError(ValueError):
    """A threshold setting that is not a number 0-101: a configuration error, never swallowed."""


def threshold(code: int, default: int) -> int:
    """OCR_WARN_THRESHOLD_<code without sign>, else the benchmark's default. A bad value fails loudly:
    a silently ignored threshold would turn a warning off in production."""
    name = f"OCR_WARN_THRESHOLD_{abs(code)}"
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ThresholdError(f"{name} must be an integer 0-100, got {raw!r}") from None
    if not 0 <= value <= 101:  # 101 switches a check off
        raise ThresholdError(f"{name} must be an integer 0-100 (101 to disable), got {value}")
    return value


def clamp_score(x: float) -> int:
    return int(round(min(100.0, max(0.0, x))))


def logistic(x: float, centre: float, width: float) -> float:
    """0-100 score rising through 50 at `centre`; `width` is the distance from 50 to about 73."""
    return 100.0 / (1.0 + np.exp(-(x - centre) / width))


def resized(img: np.ndarray, width: int) -> np.ndarray:
    h, w = img.shape[:2]
    if w == width:
        return img
    interp = cv2.INTER_AREA if w > width else cv2.INTER_LINEAR
    return cv2.resize(img, (width, max(1, round(h * width / w))), interpolation=interp)


def grey(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img


def warped_grey(view: CardView) -> np.ndarray:
    """The upright card in grey, made once per card (blur, edited and photocopy read it)."""
    if "warped_grey" not in view.cache:
        view.cache["warped_grey"] = grey(view.warped)
    return view.cache["warped_grey"]


def card_quad(view: CardView) -> np.ndarray:
    """The card outline in original px; the whole image when the engine found none."""
    if view.quad is not None:
        return np.asarray(view.quad, np.float32).reshape(4, 2)
    h, w = view.original.shape[:2]
    return np.float32([[0, 0], [w, 0], [w, h], [0, h]])


def warped_to_original(view: CardView) -> np.ndarray:
    h, w = view.warped.shape[:2]
    return cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), card_quad(view))


def box_to_original(view: CardView, box: tuple[float, float, float, float], scale: float = 1.0) -> tuple[int, int, int, int]:
    """A box in warped px (or in a copy of warped resized by `scale`) as a box in original px,
    clipped to the image."""
    x, y, w, h = (v / scale for v in box)
    pts = np.float32([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]])
    pts = cv2.perspectiveTransform(pts, warped_to_original(view))[0]
    ih, iw = view.original.shape[:2]
    x0, y0 = np.clip(pts.min(0), 0, [iw, ih])
    x1, y1 = np.clip(pts.max(0), 0, [iw, ih])
    return int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0))


def line_rect(box: tuple[tuple[float, float], ...], scale: float = 1.0) -> tuple[int, int, int, int]:
    pts = np.asarray(box, np.float32) * scale
    x0, y0 = pts.min(0)
    x1, y1 = pts.max(0)
    return int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0))


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Fraction of box `b` covered by box `a`."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    return ix * iy / float(max(1, bw * bh))
