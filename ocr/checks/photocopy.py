"""-9102 photocopy: the card on paper, grey or colour.

Published pitfall: plain colourfulness missed 42% of real grey copies, because paper tint, colour
casts and toner noise put colour into a grey copy. So colour is measured only after
white-balancing to the card's own white (tint and cast divided out), on a card shrunk by area
averaging (toner and sensor noise averaged out), as the extent of the card's printed colour (its
most colourful 3%): a genuine card's inks (band, emblem, flag, portrait) keep it high, a grey copy
leaves nothing. A colour copy keeps some colour, so for it the physical cue counts: the card lies
on a sheet of paper - the outline is surrounded, on every side in the frame, by a bright, neutral,
plain band, with no shadow step where a real card's thickness would cast one."""

from __future__ import annotations

import cv2
import numpy as np

from .common import card_quad, clamp_score, logistic, resized, threshold
from .context import CardView, WarnDetail

CODE = -9102
DEFAULT_THRESHOLD = 65


def _white_balanced_lab(img: np.ndarray) -> np.ndarray:
    f = img.astype(np.float32)
    lum = f.mean(axis=2)
    bright = f[(lum >= np.percentile(lum, 85)) & (lum < 250)]
    white = bright.mean(axis=0) if len(bright) > 20 else np.float32([255, 255, 255])
    balanced = np.clip(f / np.maximum(white, 1) * 235.0, 0, 255).astype(np.uint8)
    return cv2.cvtColor(balanced, cv2.COLOR_RGB2LAB).astype(np.float32)


def colour_extent(view: CardView) -> float:
    lab = _white_balanced_lab(resized(view.warped, EXTENT_WIDTH))
    lab = lab[8:-8, 8:-8]  # the outline's edge may hold a sliver of background
    chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    # the top 1% at 320 px: a pale tinted card (SG) carries its colour in thin printed labels and
    # headings, which a coarser image or a broader percentile averages into the tint that the
    # white balance then takes out
    return float(np.percentile(chroma, 99))


EXTENT_WIDTH = 320


def sheet_score(view: CardView) -> float:
    """0-1: how much the card's surround looks like plain paper on every visible side."""
    if view.quad is None:
        return 0.0
    quad = card_quad(view)
    h, w = view.original.shape[:2]
    s = min(1.0, 360.0 / max(h, w))
    small = cv2.resize(view.original, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)  # bands are coarse
    q = quad * s
    cw = float(np.linalg.norm(q[1] - q[0]))
    centre = q.mean(0)
    inner = np.zeros(small.shape[:2], np.uint8)
    cv2.fillConvexPoly(inner, q.astype(np.int32), 1)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    card_px = lab[inner > 0]
    card_l = float(np.percentile(card_px[:, 0], 90))
    # the card's own lightest colour: on a copy it is the paper itself, tint and all
    card_white = np.median(card_px[card_px[:, 0] >= card_l - 3], axis=0)
    sides = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        mid = (a + b) / 2
        out = (mid - centre) / (np.linalg.norm(mid - centre) + 1e-6)
        band = np.zeros_like(inner)
        poly = np.array([a + out * cw * 0.03, b + out * cw * 0.03, b + out * cw * 0.12, a + out * cw * 0.12])
        cv2.fillConvexPoly(band, poly.astype(np.int32), 1)
        band &= (1 - inner)
        near = np.zeros_like(inner)
        cv2.fillConvexPoly(near, np.array([a + out * 1, b + out * 1, b + out * cw * 0.025, a + out * cw * 0.025]).astype(np.int32), 1)
        near &= (1 - inner)
        if band.sum() < 30 or near.sum() < 10:
            continue  # this side runs out of the frame
        px = lab[band > 0]
        light = np.median(px[:, 0]) / max(card_l, 1)
        chroma = float(np.median(np.hypot(px[:, 1] - 128, px[:, 2] - 128)))
        texture = float(px[:, 0].std())
        shadow = float(np.median(lab[..., 0][near > 0]) - np.median(px[:, 0]))  # negative under a shadow
        same_as_card_white = float(np.linalg.norm(np.median(px, axis=0) - card_white)) <= 10
        paper = light >= 0.85 and (chroma <= 10 or same_as_card_white) and texture <= 12 and shadow >= -6
        sides.append(1.0 if paper else 0.0)
    return float(np.mean(sides)) if len(sides) >= 2 else 0.0


def score(view: CardView) -> int:
    # a card's back carries little or no printed colour (a grey chip panel, a tinted guilloche), so
    # its colourlessness says nothing; only the physical cue counts there
    grey_copy = 0.0 if view.side == "back" else logistic(-colour_extent(view), -GREY_EXTENT, 1.5)
    colour_copy = 80.0 * sheet_score(view)
    return clamp_score(max(grey_copy, colour_copy))


GREY_EXTENT = 12.5  # clean pale SG fronts measured >= 16 in development, grey copies mostly < 11




def check(view: CardView) -> WarnDetail | None:
    s = score(view)
    return WarnDetail(CODE, s, None) if s >= threshold(CODE, DEFAULT_THRESHOLD) else None
