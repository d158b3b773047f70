"""-9101 covered or border incomplete.

- Border: every corner of the outline must lie inside the frame, and each side must be seen as an
  edge along its whole length; a corner outside the frame, or a side that the outline finder had to
  run along the frame's border, means part of the card is missing from the photo.
- Cover: skin-coloured blobs that come in over the card's edge, outside the portrait, are fingers.
  The score grows with the part of the card hidden.
- Cover: a sticker, a label, a coin or a pen is a plain, solid patch inside the card with a clear
  step in colour all round it (a sticker's edge, an object's outline). The card's own plain areas
  (its background, bands) run to its edge, the portrait's plain background is set aside, and clipped
  white patches are glare's business. Needs the portrait found: where it was not, the portrait's
  own plain areas cannot be told from a patch.
An edge-support test along each side (a finger or a pen breaks the card's edge where it crosses
it) was tried and dropped: with the engine's outline, print near the card's edge that matches the
desk broke the edge on most clean photos."""

from __future__ import annotations

import cv2
import numpy as np

from .common import box_to_original, card_quad, clamp_score, grey, overlap, resized, threshold
from .context import CardView, WarnDetail

CODE = -9101
DEFAULT_THRESHOLD = 65


def border_score(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    if view.quad is None:
        return 0.0, None
    q = card_quad(view)
    h, w = view.original.shape[:2]
    margin = 6.0  # the engine's outline stops a few pixels short of the frame when the card runs off it
    outside = [(x < margin or y < margin or x > w - 1 - margin or y > h - 1 - margin) for x, y in q]
    if any(outside) and _outline_follows_card(view, q, outside):
        x0, y0 = np.clip(q.min(0), 0, [w, h])
        x1, y1 = np.clip(q.max(0), 0, [w, h])
        return 95.0, (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    return 0.0, None


def _outline_follows_card(view: CardView, q: np.ndarray, outside: list[bool]) -> bool:
    """A corner at the frame's border is only evidence if the outline's sides next to it run along
    a real edge (card against surround). An outline that jumped to the border across the desk -
    seen with the engine's card finder on clean photos - has no edge under most of that side."""
    g = grey(view.original)
    s = min(1.0, 800.0 / max(g.shape))
    small = cv2.GaussianBlur(cv2.resize(g, None, fx=s, fy=s, interpolation=cv2.INTER_AREA).astype(np.float32), (0, 0), 1.2)
    qs = q * s
    h, w = small.shape
    centre = qs.mean(0)
    for i, out in enumerate(outside):
        if not out:
            continue
        for a, b in ((qs[i], qs[(i + 1) % 4]), (qs[i], qs[(i - 1) % 4])):
            mid = (a + b) / 2
            normal = (mid - centre) / (np.linalg.norm(mid - centre) + 1e-6)
            pts = a + (b - a) * np.linspace(0.1, 0.9, 40)[:, None]
            pin, pout = pts - normal * 4, pts + normal * 4
            ok = (pout[:, 0] >= 1) & (pout[:, 0] < w - 1) & (pout[:, 1] >= 1) & (pout[:, 1] < h - 1)
            ok &= (pin[:, 0] >= 1) & (pin[:, 0] < w - 1) & (pin[:, 1] >= 1) & (pin[:, 1] < h - 1)
            if ok.sum() < 8:
                continue  # this side runs along the frame's border: nothing to see outside it
            vin = small[pin[ok, 1].astype(int), pin[ok, 0].astype(int)]
            vout = small[pout[ok, 1].astype(int), pout[ok, 0].astype(int)]
            if float((np.abs(vin - vout) >= 12).mean()) < 0.5:
                return False
    return True


def skin_score(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    img = resized(view.warped, 320)
    s = 320 / view.warped.shape[1]
    ycc = cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb)
    y, cr, cb = ycc[..., 0], ycc[..., 1].astype(np.int16), ycc[..., 2].astype(np.int16)
    skin = ((cr >= 138) & (cr <= 175) & (cb >= 80) & (cb <= 125) & (y >= 60)).astype(np.uint8)
    if view.face_box:
        fx, fy, fw, fh = (int(v * s) for v in view.face_box)
        pad = int(0.25 * max(fw, fh))
        skin[max(0, fy - pad):fy + fh + pad, max(0, fx - pad):fx + fw + pad] = 0
    # a card printed in a skin-like tone (MyPR is red-pink): its own colour is not a finger
    med = np.median(ycc.reshape(-1, 3), axis=0).astype(np.int16)
    own = (np.abs(cr - med[1]) <= 12) & (np.abs(cb - med[2]) <= 12)
    skin[own] = 0
    skin = cv2.morphologyEx(skin, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(skin, 8)
    best, box = 0.0, None
    for i in range(1, n):
        x, yy, w, h, area = stats[i]
        frac = area / skin.size
        H, W = skin.shape
        # a finger holding the card comes in over its edge and reaches inward; a thin band along
        # one edge is the surround, where the outline sits a little outside the card
        depth = max(w if x <= 2 or x + w >= W - 2 else 0, h if yy <= 2 or yy + h >= H - 2 else 0)
        reach = max(w / W if x <= 2 or x + w >= W - 2 else 0, h / H if yy <= 2 or yy + h >= H - 2 else 0)
        if frac < 0.01 or frac > 0.3 or depth == 0 or reach < 0.08:
            continue
        along = h if depth == w else w  # the blob's extent along the edge it touches
        if depth < 0.5 * along:
            continue  # a finger reaches in about as far as it is wide; a flat band along the edge is the card's own tone
        sc = 60 + 800 * min(frac, 0.05)
        if sc > best:
            best, box = sc, (int(x), int(yy), int(w), int(h))
    return best, box


PATCH_WIDTH = 320
PATCH_STEP = 35.0  # Lab distance between the patch and what is round it (splices and shading: < 30)


def patch_score(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    if view.face_box is None:
        return 0.0, None
    img = resized(view.warped, PATCH_WIDTH)
    s = PATCH_WIDTH / view.warped.shape[1]
    lab = cv2.cvtColor(cv2.GaussianBlur(img, (0, 0), 1.0), cv2.COLOR_RGB2LAB).astype(np.float32)
    mu = cv2.blur(lab, (7, 7))
    var = (cv2.blur(lab * lab, (7, 7)) - mu * mu).sum(axis=2)
    flat = (var < 12).astype(np.uint8)  # camera noise and JPEG leave ~1-3 on a plain area
    H, W = flat.shape
    m = int(0.03 * W)
    fx, fy, fw, fh = (int(v * s) for v in view.face_box)
    # the portrait runs on below the face box (shoulders) and a little aside
    portrait = (fx - fw // 4, fy - fh // 4, fw + fw // 2, fh * 2 + fh // 4)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(flat, 4)
    best, box = 0.0, None
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        frac = area / flat.size
        if frac < 0.012 or frac > 0.25:
            continue
        if x <= m or y <= m or x + w >= W - m or y + h >= H - m:
            continue  # the card's own background and bands reach its edge
        if overlap(portrait, (int(x), int(y), int(w), int(h))) > 0.3:
            continue
        comp = (labels == i).astype(np.uint8)
        cnts, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if area < 0.8 * cv2.contourArea(cv2.convexHull(np.vstack(cnts))):
            continue  # not solid: the gaps between letters, not a patch
        inside = np.median(lab[comp > 0], axis=0)
        if inside[0] >= 250:
            continue  # clipped white: a reflection (-9107), not an object
        # the flat area stops a few px short of its edge (the 7x7 window), so the ring starts beyond
        ring = cv2.dilate(comp, np.ones((19, 19), np.uint8)) - cv2.dilate(comp, np.ones((11, 11), np.uint8))
        step = float(np.linalg.norm(inside - np.median(lab[ring > 0], axis=0)))
        if step < PATCH_STEP:
            continue
        sc = 70 + 300 * min(frac, 0.05)
        if sc > best:
            best, box = sc, (int(x), int(y), int(w), int(h))
    return best, box


def analyse(view: CardView) -> tuple[int, tuple[int, int, int, int] | None]:
    b, bbox = border_score(view)
    if b:
        return clamp_score(b), bbox
    sk, skbox = skin_score(view)
    pa, pabox = patch_score(view)
    if pa > sk:
        sk, skbox = pa, pabox
    return clamp_score(sk), (box_to_original(view, skbox, 320 / view.warped.shape[1]) if skbox else None)




def score(view: CardView) -> int:
    return analyse(view)[0]


def check(view: CardView) -> WarnDetail | None:
    s, box = analyse(view)
    return WarnDetail(CODE, s, box) if s >= threshold(CODE, DEFAULT_THRESHOLD) else None
