"""-9107 glare: a reflection on the laminate that hides what is under it.

The published pitfall: "V >= 245 and S <= 30" fires on white card areas and over-exposed frames.
So a pixel is glare only relative to the card's own white level (not an absolute number); a blob
must be mostly clipped, textureless, brighter than its surround, and solid: glare washes out the
print under it, while a clipped white background still has letters in it. A reflection adds far
more light than the sensor holds, so its blob sits at the ceiling in all three channels, where a
pale card or a white label over-exposed stops a few levels short. And its rim must be soft:
a reflection is light added to the card with a spatial falloff, so just outside the clipped core
the card (paper and ink alike) is still lifted and the lift fades over a few pixels, while a white
sticker, a pasted white patch, a print's white border or a white printed area is an opaque hard
step with the card at its own level right outside it (measured ring by ring and ray by ray, the
latter for mixed surrounds such as the portrait). Plain portrait backgrounds with a rim that is not
clearly soft, and frames over-exposed all over, are set aside. The score grows with the blob's
size, with the softness of its rim, and with what it hides: text lines and the portrait."""

from __future__ import annotations

import cv2
import numpy as np

from .common import box_to_original, clamp_score, line_rect, overlap, resized, threshold
from .context import CardView, WarnDetail

CODE = -9107
DEFAULT_THRESHOLD = 60
WIDTH = 400
HOLES_MAX = 0.06
EDGE_PX = 4
RIM_NEAR_END = 12  # px at WIDTH: the far surround of a blob is 12-20 px out
RIM_FAR = 20
# Rim softness (see _rim_softness), development views (seeds 1001, 3131, 3333): reflections >= 0.10,
# mostly >= 0.15; white stickers, pasted patches, a print's white border and clipped printed areas
# <= 0.07 (most <= 0.03)
SOFT_MIN = 0.08
SOFT_CLEAR = 0.15
# per -9108 point: a clean card scores ~0; a soft one (a 1.5 px blur at the engine's size, -9108
# ~50) lifts a white patch's rim to ~0.09, its threshold here to 0.13
SOFT_PER_BLUR = 0.001
# median of the blob's weakest channel: reflections in the development views (seeds 1001, 4242 and
# engine-free 9107, 9208) 255 but for one fringe blob at 253; clipped areas that are no glare 250-255
# (the ones this drops: pale cards and labels over-exposed, 250-253)
PEAK_MIN = 254
# the smallest blob: a reflection ~12 px across at WIDTH (a character high) hides a word, and the
# texture test trims ~2 px off its rim, leaving ~0.25% of the card; a blob this small reaches the
# threshold only if it lies over a text line or the portrait
FRAC_MIN = 0.002


def analyse(view: CardView, trace: list | None = None) -> tuple[int, tuple[int, int, int, int] | None, dict]:
    """Score, box (in the resized card) and the winning blob's measures; `trace` collects every
    candidate blob's measures, for calibration."""
    img = resized(view.warped, WIDTH)
    scale = WIDTH / view.warped.shape[1]
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    # the darkest channel: a reflection is white light and clips all three, while an over-exposed
    # tinted card (cream, mint, pink) still holds back its weakest channel
    v = img.min(axis=2).astype(np.float32)
    s = hsv[..., 1].astype(np.float32)
    # the card's own white level; a broad halo can lift it to the ceiling, then only clipped pixels
    # count and the surround test below must tell glare from plain over-exposure
    white = float(np.percentile(v, 80))
    # bright beyond the card's white, near the sensor's ceiling, colourless
    level = min(max(white + 8.0, 240.0), 250.0)
    cand = ((v >= level) & (s <= 45)).astype(np.uint8)
    local_std = cv2.blur(v * v, (5, 5)) - cv2.blur(v, (5, 5)) ** 2
    cand &= (local_std < 60).astype(np.uint8)  # textureless: the text under it is washed out
    cand = cv2.morphologyEx(cand, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand, 8)
    area_card = float(v.size)
    best, best_box, info = 0.0, None, {}
    blur_score = None  # the card's -9108 score, taken once a blob gets as far as the rim test
    lines = [line_rect(t.box, scale) for t in view.text_lines]
    face = tuple(int(x * scale) for x in view.face_box) if view.face_box else None
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        frac = area / area_card
        if frac < FRAC_MIN or frac > 0.5:
            continue
        blob = (labels[y:y + h, x:x + w] == i)
        pad = max(RIM_FAR + 2, int(max(w, h) * 0.5))
        y0, y1, x0, x1 = max(0, y - pad), min(v.shape[0], y + h + pad), max(0, x - pad), min(v.shape[1], x + w + pad)
        comp = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
        # the candidate mask stops ~2 px short of any hard edge (the texture test), so the "near"
        # ring starts 3 px out to land beyond a printed area's edge
        near = cv2.dilate(comp, np.ones((13, 13), np.uint8)) - cv2.dilate(comp, np.ones((7, 7), np.uint8))
        far = cv2.dilate(comp, np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)) - cv2.dilate(comp, np.ones((15, 15), np.uint8))
        roi = v[y0:y1, x0:x1]
        if far.sum() < 10:
            continue
        near_v, far_v = float(np.median(roi[near > 0])), float(np.median(roi[far > 0]))
        contrast = 255.0 - far_v  # how far the surround is below the clipped core
        # a reflection's halo (the light falls off over distance, a printed white area drops at
        # once) raises the score; it is no gate, because around the portrait the surround is too
        # mixed to measure it
        halo = (near_v - far_v) / max(contrast, 1.0)
        clipped = float((roi[comp > 0] >= 250).mean())
        # a specular reflection adds far more light than the sensor holds, so all three channels sit
        # at the ceiling over most of the blob; a pale card or a white label merely over-exposed
        # stops a few levels short in its weakest channel (white balance, the exposure ramp)
        peak = float(np.median(roi[comp > 0]))
        # glare washes out what is under it, so its blob is solid; a clipped white background of
        # the card still has the print in it, and those letters are holes in the blob
        filled = np.pad(comp, 1)  # a zero border, so the flood from the corner goes all round
        flood = np.zeros((filled.shape[0] + 2, filled.shape[1] + 2), np.uint8)
        cv2.floodFill(filled, flood, (0, 0), 2)
        holes = float((filled == 0).sum()) / max(1.0, float((filled != 2).sum()))
        # the same along the card's edge, where letters need not be enclosed: dark print inside the
        # blob's convex hull means the blob runs between letters, not over them
        hull = np.zeros_like(comp)
        cnts, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.fillPoly(hull, [cv2.convexHull(np.vstack(cnts))], 1)
        sroi = s[y0:y1, x0:x1]
        printed = (roi < 0.6 * white) | (sroi > 80)  # dark or coloured ink (red headings are not dark)
        holes = max(holes, float(printed[hull > 0].mean()))
        cheap_pass = contrast >= 15 and clipped >= 0.5 and peak >= PEAK_MIN and holes <= HOLES_MAX
        soft = _rim_softness(roi, comp, level) if cheap_pass or trace is not None else 0.0
        rec = None
        if trace is not None:
            trace.append(rec := dict(frac=round(frac, 4), contrast=contrast, halo=round(halo, 2), clipped=round(clipped, 2), peak=peak, holes=round(holes, 3), white=white, soft=round(soft, 3), x=int(x), y=int(y), w=int(w), h=int(h)))
        if cheap_pass and blur_score is None:
            from . import blur

            blur_score = blur.score(view)
        # a soft photo softens every edge a little: a hard-edged patch's rim with it
        if not cheap_pass or soft < SOFT_MIN + SOFT_PER_BLUR * blur_score:
            _why(rec, "cheap" if not cheap_pass else "rim")
            continue  # not brighter than its surround, not clipped, print showing through, or a hard edge
        e = EDGE_PX  # the outline can sit a few pixels inside the card, so "at the edge" has some give
        on_edge = x <= e or y <= e or x + w >= v.shape[1] - e or y + h >= v.shape[0] - e
        if on_edge and (frac > 0.25 or (frac > 0.08 and soft < SOFT_CLEAR)):
            # a broad clipped area running off the card is the light falling unevenly (its falloff is
            # too broad to show at the rim); a streak across the card falls off within a few px
            _why(rec, "edge-broad")
            continue
        if on_edge and max(w / v.shape[1], h / v.shape[0]) >= 0.6 and min(w, h) < 0.04 * v.shape[1]:
            _why(rec, "edge-strip")
            continue  # a thin strip along most of a side: the card's own white border, not a reflection
        if white >= 250 and (frac < 0.01 or soft < SOFT_CLEAR):
            _why(rec, "overexposed")
            continue  # an over-exposed card clips in fragments everywhere: only a clear reflection counts
        box = (int(x), int(y), int(w), int(h))
        # a plain portrait background or a white shirt is brighter than the card and clips, but its
        # edges against the face, the hair and the photo's frame are hard; a clearly soft rim there is
        # a reflection over the portrait (unless the card is over-exposed all over: then every rim
        # reads a little soft as the light ramps, and the portrait rule stands)
        clearly_soft = soft >= SOFT_CLEAR and white < 250
        if face and not clearly_soft and _only_portrait_background(labels == i, face):
            _why(rec, "portrait-bg")
            continue
        hides = sum(overlap(box, ln) > 0.15 for ln in lines) + (2 if face and overlap(box, face) > 0.1 else 0)
        _why(rec, "pass")
        sc = 50 + 900 * min(frac, 0.05) + 10 * min(hides, 3) + 40 * min(soft, 0.3)
        if sc > best:
            best, best_box, info = sc, box, {"frac": frac, "halo": halo, "soft": soft, "contrast": contrast, "hides": hides, "white": white, "holes": holes}
    if best >= threshold(CODE, DEFAULT_THRESHOLD) and blur_score is not None:
        from . import blur

        if blur_score >= threshold(blur.CODE, blur.DEFAULT_THRESHOLD):
            # a blurred photo softens every edge, a white sticker's or a pasted patch's too: the rim
            # no longer tells a reflection from them, so the check abstains (-9108 is raised)
            info = {**info, "blurred": True}
            best = min(best, threshold(CODE, DEFAULT_THRESHOLD) - 1.0)
    return clamp_score(best), best_box, info


def _why(rec: dict | None, reason: str) -> None:
    """For calibration: note in a blob's trace record where it was set aside (or "pass")."""
    if rec is not None:
        rec["why"] = reason


def _rim_softness(roi: np.ndarray, comp: np.ndarray, level: float) -> float:
    """How gradually the light falls off outside the clipped blob. A reflection is light added with a
    smooth spatial falloff, so just outside its clipped core the card is still lifted above its own
    level and the lift decays over several pixels; a white sticker, a pasted patch or a printed white
    area is a hard step: right outside it the card is at its own level. Per ring of pixels at
    distance d outside the blob, the card's light level (75th percentile: the paper, not the ink),
    as a fraction of the way from the far surround up to the clip: the mean at d = 2-4 px minus the
    mean at 7-10 px (a plateau, a lighter area the blob sits in, does not count)."""
    # the texture test stops the blob ~2 px short of a hard edge: grow it back over clipped pixels
    core = comp | (cv2.dilate(comp, np.ones((5, 5), np.uint8)) & (roi >= level).astype(np.uint8))
    dist = cv2.distanceTransform(1 - core, cv2.DIST_L2, 3)
    ring = np.minimum(np.ceil(dist), RIM_FAR + 1).astype(np.int32)  # 0 inside, 1..RIM_FAR, then far
    far_sel = (dist > RIM_NEAR_END) & (dist <= RIM_FAR)
    if far_sel.sum() < 20:
        return 0.0
    far = float(np.percentile(roi[far_sel], 75))
    span = max(255.0 - far, 8.0)
    levels = {}
    for d in (2, 3, 4, 7, 8, 9, 10):
        sel = ring == d
        levels[d] = float(np.percentile(roi[sel], 75)) if sel.sum() >= 5 else far
    near = np.mean([levels[d] for d in (2, 3, 4)])
    mid = np.mean([levels[d] for d in (7, 8, 9, 10)])
    # around the portrait the rings mix hair, skin and background, and their percentiles can hide
    # the lift that every single direction shows: either measure showing the falloff counts
    return max(float((near - mid) / span), _directional_softness(roi, core))


def _directional_softness(roi: np.ndarray, core: np.ndarray) -> float:
    """The same falloff, direction by direction: every pixel outside the blob belongs to its
    nearest rim pixel, and per rim pixel the lift is the paper's level 2-4 px out minus its level
    7-10 px out (the brightest pixel of each band on that ray: a letter's ink a few pixels beyond a
    white label's edge must not read as a falloff), over the way from the far surround (12-20 px) up
    to the clip; the median over the rim. A reflection lifts whatever lies next to it, hair, a face
    or paper alike, so the lift shows on each ray even where the surround is too mixed for the ring
    percentiles (over the portrait)."""
    dist, lab = cv2.distanceTransformWithLabels(1 - core, cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL)
    n = int(lab.max()) + 1
    r = roi.astype(np.float32)

    def top_by_ray(lo: float, hi: float) -> np.ndarray:
        # the brightest pixel of the band on each ray: the paper between the letters, not the ink
        sel = (dist > lo) & (dist <= hi)
        top = np.full(n, -1.0, np.float32)
        np.maximum.at(top, lab[sel], r[sel])
        return top

    near, mid, far = top_by_ray(1.5, 4.5), top_by_ray(6.5, 10.5), top_by_ray(RIM_NEAR_END, RIM_FAR)
    ok = (near >= 0) & (mid >= 0) & (far >= 0)
    if ok.sum() < 10:
        return 0.0
    near, mid, far = near[ok], mid[ok], far[ok]
    return float(np.median((near - mid) / np.maximum(255.0 - far, 8.0)))


def _only_portrait_background(blob: np.ndarray, face: tuple[int, int, int, int]) -> bool:
    """Portrait backgrounds and clothes are plain and light, and clip in bright light: that is not
    glare unless the blob spills over the middle of the face."""
    fx, fy, fw, fh = face
    # the portrait goes on below the face box (shoulders, often a white shirt) and a little aside
    px, py = max(0, fx - fw // 4), max(0, fy - fh // 4)
    inside = blob[py:fy + fh * 2, px:fx + fw + fw // 4].sum()
    centre = blob[fy + int(fh * 0.3):fy + int(fh * 0.7), fx + int(fw * 0.3):fx + int(fw * 0.7)].sum()
    return inside >= 0.7 * blob.sum() and centre == 0




def score(view: CardView) -> int:
    return analyse(view)[0]


def check(view: CardView) -> WarnDetail | None:
    s, box, _ = analyse(view)
    if s < threshold(CODE, DEFAULT_THRESHOLD):
        return None
    return WarnDetail(CODE, s, box_to_original(view, box, WIDTH / view.warped.shape[1]))
