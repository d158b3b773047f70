"""-9102 photocopy: the card on paper, grey or colour.

Published pitfall: plain colourfulness missed 42% of real grey copies, because paper tint, colour
casts and toner noise put colour into a grey copy. So colour is measured only after
white-balancing to the card's own white (tint and cast divided out), on a card shrunk by area
averaging (toner and sensor noise averaged out), as the extent of the card's printed colour (its
most colourful 1%): a genuine card's inks (band, emblem, flag, portrait) keep it high, a grey copy
leaves nothing. A colour copy keeps some colour, so for it the physical cues count:
- the card's print lies flush on a sheet of paper: just outside its edge, on at least two sides,
  plain paper at least as light as the card's own light areas (a copy's white is that paper), and
  no shadow step at the edge, where a real card's 0.76 mm thickness casts one;
- toner specks: isolated small dark dots scattered over the card's light areas;
- the copy was cut out of the paper, and its corners are square where an ID-1 card's are rounded,
  with the card's light paper in the corner pocket."""

from __future__ import annotations

import cv2
import numpy as np

from .common import card_quad, clamp_score, logistic, resized, threshold
from .context import CardView, WarnDetail

CODE = -9102
DEFAULT_THRESHOLD = 65


def _white_balanced_lab(img: np.ndarray) -> np.ndarray:
    f = img.astype(np.float32)
    lum = cv2.transform(f, np.full((1, 3), 1.0 / 3.0, np.float32)).reshape(f.shape[:2])
    flat = lum.ravel()
    k = int(0.85 * (flat.size - 1))
    cut = np.partition(flat, k)[k]
    keep = (lum >= cut) & (lum < 250)
    bright = f[keep]
    white = bright.mean(axis=0) if len(bright) > 20 else np.float32([255, 255, 255])
    balanced = cv2.multiply(f, tuple(float(x) for x in (235.0 / np.maximum(white, 1))) + (0.0,))
    balanced = np.clip(balanced, 0, 255).astype(np.uint8)
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


def _strip(img: np.ndarray, m: np.ndarray, x0: int, y0: int, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Like `_local_warp`, sampled (not averaged): each pixel as the camera recorded it."""
    t = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ m
    out = cv2.warpPerspective(img, t, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return out, _inside(img, t, w, h)


FLUSH_W = 400  # rectified card width for the edge profiles (1 px = 0.25% of the card's width)


def edge_profiles(view: CardView) -> list[dict | None]:
    """For each side of the outline (top, right, bottom, left): the lightness profile across the
    card's edge, from 4% of the card's width inside to 9% outside, as the median along the middle
    70% of the side, and what lies just outside: how light it is against the card's own light
    areas next to it, how far it dips right at the edge (a shadow), its fine texture and colour.
    None for a side whose surround is mostly outside the frame."""
    quad = card_quad(view)
    if abs(cv2.contourArea(quad)) < 1000:
        return [None] * 4  # a degenerate outline: nothing to measure
    cw = FLUSH_W
    ch = int(round(cw * float(np.linalg.norm(quad[3] - quad[0])) / max(1.0, float(np.linalg.norm(quad[1] - quad[0])))))
    m = cv2.getPerspectiveTransform(quad, np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]))
    out_r, in_r = int(0.09 * cw), int(0.04 * cw)
    res: list[dict | None] = []
    for side in range(4):
        if side == 0:
            box = (int(0.15 * cw), -out_r, int(0.7 * cw), out_r + in_r)
        elif side == 2:
            box = (int(0.15 * cw), ch - in_r, int(0.7 * cw), out_r + in_r)
        elif side == 1:
            box = (cw - in_r, int(0.15 * ch), out_r + in_r, int(0.7 * ch))
        else:
            box = (-out_r, int(0.15 * ch), out_r + in_r, int(0.7 * ch))
        strip, valid = _strip(view.original, m, *box)
        lab = cv2.cvtColor(strip, cv2.COLOR_RGB2LAB).astype(np.float32)
        # rows across the edge, inside first; columns along it
        if side == 1:
            lab, valid = lab.transpose(1, 0, 2), valid.T
        elif side == 3:
            lab, valid = lab.transpose(1, 0, 2)[::-1], valid.T[::-1]
        elif side == 0:
            lab, valid = lab[::-1], valid[::-1]
        cols = valid.all(axis=0)
        if cols.mean() < 0.4:
            res.append(None)
            continue
        lab = lab[:, cols]
        light = lab[..., 0]
        prof = np.median(light, axis=1)
        d = np.arange(len(prof)) - in_r
        grad = np.abs(np.diff(prof))
        grad[np.abs(d[:-1]) > 0.03 * cw] = 0
        e = int(np.argmax(grad)) + 1 - in_r  # the first row outside the card's edge
        o = prof[d >= e + 1]  # outward from the edge
        # a sheet's own edge (or anything else) may lie close beyond the card: stop at a step
        ref = float(np.median(o[int(0.005 * cw):int(0.015 * cw)]))
        jump = np.flatnonzero(o[int(0.01 * cw):] < ref - 30)  # a drop: onto a darker surface
        cut = int(0.01 * cw) + int(jump[0]) if len(jump) else len(o)
        lo, hi = int(0.025 * cw), min(int(0.07 * cw), cut)
        if hi - lo < 4:
            lo = int(0.015 * cw)
        if hi - lo < 4:
            res.append(None)
            continue
        near = o[:lo - int(0.005 * cw)]
        sel = (d >= e + 1 + lo) & (d < e + 1 + hi)
        far = float(np.median(prof[sel]))
        region = light[sel]
        tex = float(np.std(region - cv2.GaussianBlur(region, (0, 0), 2)))
        ab = np.median(lab[sel][..., 1:].reshape(-1, 2), axis=0) - 128
        inner = light[(d < e - 0.005 * cw)]
        res.append({"light": far, "rel": far - float(np.percentile(inner, 90)), "dip": float(near.min()) - far,
                    "tex": tex, "chroma": float(np.hypot(ab[0], ab[1]))})
    return res


def _paper(side: dict) -> bool:
    """Plain paper right at the card's edge: at least as light as the card's own light areas next
    to it (a copy's white is toner-free paper, it cannot be lighter than the sheet it is printed
    on), near neutral, smooth, with no shadow at the edge; and the card's own print next to the
    edge is light, as a card's background is (an outline round a photo print holds the desk that
    the first photo saw there: dark against the table round the print)."""
    return (side["rel"] >= PAPER_REL and side["dip"] > FLUSH_DIP and side["tex"] <= PAPER_TEX
            and side["chroma"] <= PAPER_CHROMA and side["light"] >= PAPER_LIGHT
            and side["light"] - side["rel"] >= PAPER_INNER)


def flush_score(view: CardView) -> float:
    """0-100: the card's printed area lies flush on a sheet of paper. At least two measurable sides
    show paper at the edge, at least half of them, and the edge casts no shadow: over all
    measurable sides the lightness just outside the edge stays, on average, within MEAN_DIP of the
    paper further out. A real card is 0.76 mm thick and casts a shadow on some side under any
    directed light (in development, clean cards on white paper averaged -5.7 even with a faint
    shadow, copies -3.3 at worst, most near 0)."""
    if view.quad is None:
        return 0.0
    sides = [s for s in edge_profiles(view) if s is not None]
    if len(sides) < 2:
        return 0.0
    paper = sum(_paper(s) for s in sides)
    frac = paper / len(sides)
    if paper < 2 or frac < 0.5 or float(np.mean([s["dip"] for s in sides])) < MEAN_DIP:
        return 0.0
    return 50.0 + 40.0 * frac


MEAN_DIP = -4.0
FLUSH_DIP = -6.0
PAPER_REL = -10.0
PAPER_TEX = 3.5
PAPER_CHROMA = 35.0
PAPER_LIGHT = 120.0
PAPER_INNER = 140.0  # Lab L of the card's light print by the edge: copies >= 147 in development


def speck_density(view: CardView) -> float:
    """Toner specks: isolated dark dots on the card's light areas, per 100 000 light pixels of the
    upright card. A copier drops stray toner (and prints the dust on its glass) as small dark dots
    scattered over the paper; a card's own print has none there. A dot counts when it is small (at
    most 5 x 5 px of the 856 px card), at least 30 levels darker than its closed surround, on a light
    background, and alone (no other dark detail round it: not a letter, a guilloche line, a
    halftone dot)."""
    g = cv2.cvtColor(resized(view.warped, SPECK_W), cv2.COLOR_RGB2GRAY)[12:-12, 12:-12]
    closed = cv2.morphologyEx(g, cv2.MORPH_CLOSE, _SPECK_KERNEL)
    dark = closed.astype(np.int16) - g
    light = closed >= 140
    n, _, stats, centres = cv2.connectedComponentsWithStatsWithAlgorithm(((dark >= 30) & light).astype(np.uint8), 8, cv2.CV_32S,
                                                                        cv2.CCL_GRANA)  # the fastest here
    around = cv2.boxFilter((dark >= 12).astype(np.float32), -1, (13, 13), normalize=False)
    st = stats[1:]
    area = st[:, cv2.CC_STAT_AREA]
    small = (area <= 12) & (st[:, cv2.CC_STAT_WIDTH] <= 5) & (st[:, cv2.CC_STAT_HEIGHT] <= 5)
    cx = centres[1:, 0].astype(int)
    cy = centres[1:, 1].astype(int)
    alone = around[cy, cx] - area <= 3 + area
    count = int(np.sum(small & alone))
    return count / max(light.sum() / 1e5, 0.3)


SPECK_W = 856  # the engine's upright card width, which the dot sizes above are for
_SPECK_KERNEL = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))


def score(view: CardView) -> int:
    # a card's back carries little or no printed colour (a grey chip panel, a tinted guilloche), so
    # its colourlessness says nothing; only the physical cue counts there
    grey_copy = 0.0 if view.side == "back" else logistic(-colour_extent(view), -GREY_EXTENT, 1.5)
    colour_copy = flush_score(view)
    # without an outline the whole frame is the card, shrunk: its small print looks like dots
    specks = logistic(speck_density(view), SPECK_CENTRE * (1 if view.quad is not None else 3), 1.5)
    colour_copy = max(colour_copy, specks)
    cut_out = 0.0
    if max(grey_copy, colour_copy) < CUT_OUT_SCORE:  # it could not raise the score: save its time
        square, _ = corner_score(view)
        cut_out = CUT_OUT_SCORE if square >= 0.75 else 0.0  # three or all four visible corners square
    return clamp_score(max(grey_copy, colour_copy, cut_out))


CUT_OUT_SCORE = 85.0
SPECK_CENTRE = 7.0  # specks per 1e5 light px: fires from 7.9; clean <= 2.1, other degradations <= 4.1 in development
POCKET_LIGHT = 140.0  # Lab L, 0-255: cut-out pockets measured >= 155 in development
GREY_EXTENT = 12.5  # clean pale SG fronts measured >= 16 in development, grey copies mostly < 11




def check(view: CardView) -> WarnDetail | None:
    s = score(view)
    return WarnDetail(CODE, s, None) if s >= threshold(CODE, DEFAULT_THRESHOLD) else None


CORNER_W = 600  # rectified card width for the corner test (the rounding is then 22 px)


def _local_warp(img: np.ndarray, m: np.ndarray, x0: int, y0: int, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """The window [x0, x0+w) x [y0, y0+h) of `img` warped by `m`, and which of its pixels came from
    inside the frame: only that window is resampled, not the whole card."""
    t = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ m
    out = cv2.warpPerspective(img, t, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT)
    return out, _inside(img, t, w, h)


def _inside(img: np.ndarray, t: np.ndarray, w: int, h: int) -> np.ndarray:
    """Which pixels of a w x h window warped by `t` map back inside the frame of `img`."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    back = cv2.perspectiveTransform(np.stack([xx.ravel(), yy.ravel()], 1)[None], np.linalg.inv(t))[0]
    ih, iw = img.shape[:2]
    return ((back[:, 0] >= 0) & (back[:, 0] <= iw - 1) & (back[:, 1] >= 0) & (back[:, 1] <= ih - 1)).reshape(h, w)


def corner_score(view: CardView) -> tuple[float, list]:
    """0-1: how many of the card's visible corners are square. An ID-1 card's corners are rounded
    (radius 3.18 mm, 3.7% of its width), so the pocket between the rounding and the outline's
    corner shows what the card lies on; a copy cut out of paper is square, so its pocket is paper.
    A corner counts when the pocket matches the card's own edge and not the surround; corners where
    the surround looks like the card (nothing to tell them apart) or that lie outside the frame are
    not counted."""
    if view.quad is None:
        return 0.0, []
    quad = refined_quad(view)
    if quad is None:
        return 0.0, []
    cw = CORNER_W
    ch = int(round(cw * float(np.linalg.norm(quad[3] - quad[0])) / max(1.0, float(np.linalg.norm(quad[1] - quad[0])))))
    dst = np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])
    m = cv2.getPerspectiveTransform(quad, dst)
    r = 0.037 * cw  # the rounding radius
    reach = int(0.09 * cw + 0.4 * r) + 2  # the window round each corner holds every sample below
    found = []
    for (cx, cy), (sx, sy) in zip(dst, ((1, 1), (-1, 1), (-1, -1), (1, -1))):
        x0, y0 = int(cx) - reach, int(cy) - reach
        win, valid = _local_warp(view.original, m, x0, y0, 2 * reach, 2 * reach)
        lab = cv2.cvtColor(win, cv2.COLOR_RGB2LAB).astype(np.float32)

        def patch(u: float, v: float, half: float) -> np.ndarray | None:
            x, y = int(cx + sx * u) - x0, int(cy + sy * v) - y0
            h = max(1, int(half))
            if x - h < 0 or y - h < 0 or not valid[y - h:y + h + 1, x - h:x + h + 1].all():
                return None
            return np.median(lab[y - h:y + h + 1, x - h:x + h + 1].reshape(-1, 3), axis=0)

        pocket = patch(0.15 * r, 0.15 * r, 0.08 * r)  # between the rounding (0.29 r in) and the corner
        edge = patch(1.6 * r, 1.6 * r, 0.4 * r)  # the card itself, near the corner
        # the surround, clear of any paper margin: beyond the corner along both sides
        outs = [patch(-0.09 * cw, 2.0 * r, 0.4 * r), patch(2.0 * r, -0.09 * cw, 0.4 * r)]
        outs = [o for o in outs if o is not None]
        if pocket is None or edge is None or not outs:
            continue
        out = np.median(outs, axis=0)
        if float(np.linalg.norm(out - edge)) < 20:
            continue  # card and surround alike: the pocket cannot tell
        d_out = float(np.linalg.norm(pocket - out))
        d_card = float(np.linalg.norm(pocket - edge))
        found.append((d_out, d_card, float(pocket[0])))
    if len(found) < 3:
        return 0.0, found
    # square: the pocket is the card's own paper (close to the edge beside it), clearly not the
    # surround; and on at least two of them it is light, uninked paper. A print's or a screen's
    # picture corner shows what the first photo saw there: not the edge (a print), or dark (a
    # screen's picture of a desk)
    square_at = [d_out > 2.0 * d_card and d_out > 15 and d_card <= max(40.0, d_out / 4) for d_out, d_card, _ in found]
    if sum(1 for sq, (_, _, light) in zip(square_at, found) if sq and light >= POCKET_LIGHT) < 2:
        return 0.0, found
    square = sum(square_at)
    return square / len(found), found


def refined_quad(view: CardView) -> np.ndarray | None:
    """The card's outline with each side re-fitted to the card's edge along its straight middle
    part, and the corners where the sides meet: the virtual corners of the rounded card (an outline
    traced round the rounded corners cuts them short, which would hide the pocket the corner test
    looks at). None when a side's edge is not found."""
    quad = card_quad(view)
    cw = CORNER_W
    ch = int(round(cw * float(np.linalg.norm(quad[3] - quad[0])) / max(1.0, float(np.linalg.norm(quad[1] - quad[0])))))
    dst = np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])
    m = cv2.getPerspectiveTransform(quad, dst)
    reach = int(0.05 * cw)
    lines = []
    for side in range(4):
        # a strip across this side only, 2 * reach wide, from 15% to 85% of its length
        if side in (0, 2):
            y_edge = 0 if side == 0 else ch
            x0, y0, w, h = int(0.15 * cw), y_edge - reach, int(0.7 * cw), 2 * reach + 1
        else:
            x_edge = cw if side == 1 else 0
            x0, y0, w, h = x_edge - reach, int(0.15 * ch), 2 * reach + 1, int(0.7 * ch)
        strip, valid = _local_warp(view.original, m, x0, y0, w, h)
        strip = cv2.GaussianBlur(strip.astype(np.float32), (0, 0), 1.0)
        if side in (0, 2):
            strip, valid = strip.transpose(1, 0, 2), valid.T  # one profile per row, across the side
        pts = []
        for i in np.linspace(0, strip.shape[0] - 1, 24).astype(int):
            if not valid[i].all():
                continue
            grad = np.abs(np.diff(strip[i], axis=0)).sum(axis=1)
            if grad.max() < 12:
                continue
            k = int(np.argmax(grad)) + 0.5
            pts.append((x0 + i, y0 + k) if side in (0, 2) else (x0 + k, y0 + i))
        if len(pts) < 10:
            return None
        pts = np.float32(pts)
        # the edge sits at about the same place all along; print near the edge gives outliers
        across = pts[:, 1] if side in (0, 2) else pts[:, 0]
        keep = np.abs(across - np.median(across)) <= 3
        if keep.sum() < 8:
            return None
        vx, vy, px, py = cv2.fitLine(pts[keep], cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        lines.append((np.float32([px, py]), np.float32([vx, vy])))
    corners = []
    for a_, b_ in ((3, 0), (0, 1), (1, 2), (2, 3)):  # TL, TR, BR, BL
        (p, d), (q, e) = lines[a_], lines[b_]
        det = d[0] * (-e[1]) - d[1] * (-e[0])
        if abs(det) < 1e-6:
            return None
        t = ((q[0] - p[0]) * (-e[1]) - (q[1] - p[1]) * (-e[0])) / det
        corners.append(p + d * t)
    corners = np.float32(corners)
    if np.abs(corners - dst).max() > 0.06 * cw:
        return None  # far from the engine's outline: not the same edge
    return cv2.perspectiveTransform(corners[None], np.linalg.inv(m))[0].astype(np.float32)
