"""-9102 photocopy: the card on paper, grey or colour.

Published pitfall: plain colourfulness missed 42% of real grey copies, because paper tint, colour
casts and toner noise put colour into a grey copy. So colour is measured only after
white-balancing to the card's own white (tint and cast divided out), on a card shrunk by area
averaging to blocks about 1% of its width (toner grain, a halftone screen's moire and sensor noise
averaged out), as the extent of the card's printed colour (its most colourful 1%): a genuine
card's inks lie in areas (band, emblem, flag, portrait, label blocks) that keep it high even in a
blurred photo, a grey copy leaves nothing. A colour copy keeps some colour, so for it the
physical cues count:
- the card's print lies flush on a sheet of paper: just outside its edge, on at least two sides,
  plain paper at least as light as the card's own light areas (a copy's white is that paper), and
  no shadow step at the edge, where a real card's 0.76 mm thickness casts one;
- toner specks: isolated small dark dots scattered over the card's light areas;
- the copy was cut out of the paper, and its corners are square where an ID-1 card's are rounded,
  with the card's light paper in the corner pocket."""

from __future__ import annotations

import cv2
import numpy as np

from . import blur
from .common import card_quad, clamp_score, grey, logistic, resized, threshold, warped_grey
from .context import CardView, WarnDetail

CODE = -9102
DEFAULT_THRESHOLD = 65


def _white_balanced_lab(img: np.ndarray) -> np.ndarray:
    """`img` (RGB uint8) divided by its own white (the mean colour of its lightest 15%, clipped
    pixels aside) and scaled to 235, as Lab uint8. OpenCV throughout: numpy's element-wise
    arithmetic on a whole image costs several times as much here."""
    lum = cv2.transform(img, np.full((1, 3), 1.0 / 3.0, np.float32))
    cum = np.cumsum(cv2.calcHist([lum], [0], None, [256], [0, 256]).ravel())
    cut = int(np.searchsorted(cum, int(0.85 * (lum.size - 1)) + 1))  # the 85th percentile
    keep = cv2.inRange(lum, cut, 249)
    white = np.float32(cv2.mean(img, mask=keep)[:3]) if cv2.countNonZero(keep) > 20 else np.float32([255, 255, 255])
    gain = 235.0 / np.maximum(white, 1)
    # x * gain truncated to 8 bits (a product rounded after subtracting a half)
    m = np.hstack([np.diag(gain), np.full((3, 1), -0.5)]).astype(np.float32)
    return cv2.cvtColor(cv2.transform(img, m), cv2.COLOR_RGB2LAB)


_AB = np.arange(129, dtype=np.float64)
_CHROMA = np.hypot(_AB[:, None], _AB[None, :]).ravel()  # chroma of each (|a - 128|, |b - 128|)
_BY_CHROMA = np.argsort(_CHROMA, kind="stable")
_AB_DEV = np.abs(np.arange(256) - 128).astype(np.uint8)
_AB_DEV_LUT = np.stack([np.zeros(256, np.uint8), _AB_DEV, _AB_DEV], 1).reshape(256, 1, 3)
_CHROMA_SORTED = _CHROMA[_BY_CHROMA]


def _chroma_percentile(lab: np.ndarray, pct: float) -> float:
    """numpy's (linear) percentile of the chroma of a Lab uint8 image, from its histogram of
    (|a - 128|, |b - 128|)."""
    dev = cv2.LUT(lab, _AB_DEV_LUT)
    hist = cv2.calcHist([dev], [1, 2], None, [129, 129], [0, 129, 0, 129]).ravel()[_BY_CHROMA]
    cum = np.cumsum(hist)
    q = pct / 100.0 * (cum[-1] - 1)
    lo = int(q)
    a = _CHROMA_SORTED[np.searchsorted(cum, lo + 1)]
    b = _CHROMA_SORTED[min(np.searchsorted(cum, lo + 2), len(cum) - 1)]
    return float(a + (b - a) * (q - lo))


def _shrunk(img: np.ndarray, width: int) -> np.ndarray:
    """`img` area-averaged down to `width`: halved by exact 2 x 2 averaging while it is at least
    twice as wide (OpenCV's fast path; a fractional INTER_AREA costs 20 times as much), the rest
    bilinear."""
    while img.shape[1] >= 2 * width:
        h, w = img.shape[:2]
        img = cv2.resize(img[:h - h % 2, :w - w % 2], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    h, w = img.shape[:2]
    if w == width:
        return img
    return cv2.resize(img, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_LINEAR)


def colour_extent(view: CardView, broad: bool = True) -> float:
    """How far the card's printed colour reaches: the chroma of its most colourful 1%, white-
    balanced to the card's own white, on the card at 320 px (`broad=False`: thin coloured print
    counts) or averaged over 4 x 4 px blocks of it (each about 1% of the card's width, about 0.9 mm;
    the default). The broad measure is what tells a grey copy: a genuine card's colour lies in
    areas (band, emblem, flag, portrait, label blocks) that keep it when averaged, also when the
    photo is blurred; what colour a grey copy shows comes in fine grain (toner, a halftone screen's
    moire, chromatic noise) that the averaging takes out."""
    lab = _white_balanced_lab(_shrunk(view.warped, EXTENT_WIDTH))
    lab = lab[8:-8, 8:-8]  # the outline's edge may hold a sliver of background
    if broad:
        h, w = lab.shape[:2]
        lab = cv2.resize(lab[:h - h % 4, :w - w % 4], (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    # the top 1%: a pale tinted card (SG) carries its colour in thin printed labels and headings
    # and a few small colour areas, which a broader percentile averages into the tint that the
    # white balance then takes out
    return _chroma_percentile(lab, 99)


EXTENT_WIDTH = 320


def _strip(img: np.ndarray, m: np.ndarray, x0: int, y0: int, w: int, h: int) -> np.ndarray:
    """The window [x0, x0+w) x [y0, y0+h) of the card plane (`m` maps `img` to it), sampled (not
    averaged): each pixel as the camera recorded it; only that window is resampled."""
    t = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ m
    return cv2.warpPerspective(img, t, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)


def _inside_pts(img: np.ndarray, m_inv: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Which points of the card plane (N x 2) map back inside the frame of `img`. The frame seen
    in the card's plane is convex, so a segment or a patch lies inside when its ends or corners do."""
    back = cv2.perspectiveTransform(np.asarray(pts, np.float32).reshape(1, -1, 2), m_inv)[0]
    ih, iw = img.shape[:2]
    return (back[:, 0] >= 0) & (back[:, 0] <= iw - 1) & (back[:, 1] >= 0) & (back[:, 1] <= ih - 1)


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
    m_inv = np.linalg.inv(m)
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
        x0, y0, w, h = box
        # the profiles (columns below) whose both ends lie inside the frame
        if side in (0, 2):
            along = np.arange(x0, x0 + w, dtype=np.float32)
            ends = [np.stack([along, np.full_like(along, y)], 1) for y in (y0, y0 + h - 1)]
        else:
            along = np.arange(y0, y0 + h, dtype=np.float32)
            ends = [np.stack([np.full_like(along, x), along], 1) for x in (x0, x0 + w - 1)]
        cols = _inside_pts(view.original, m_inv, ends[0]) & _inside_pts(view.original, m_inv, ends[1])
        if cols.mean() < 0.4:
            res.append(None)
            continue
        strip = _strip(view.original, m, *box)
        lab = cv2.cvtColor(strip, cv2.COLOR_RGB2LAB).astype(np.float32)
        # rows across the edge, inside first; columns along it
        if side == 1:
            lab = lab.transpose(1, 0, 2)
        elif side == 3:
            lab = lab.transpose(1, 0, 2)[::-1]
        elif side == 0:
            lab = lab[::-1]
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


def _light_sides(view: CardView) -> int:
    """A quick look before the edge profiles: on how many sides something as light as paper could
    lie just outside the outline. Each side's surround is sampled at 24 points along its middle
    70%, 1.5% to 7% of the card's width out; a side counts when at some distance the median
    lightness reaches GATE_LIGHT."""
    quad = card_quad(view)
    if abs(cv2.contourArea(quad)) < 1000:
        return 0
    cw = FLUSH_W
    ch = int(round(cw * float(np.linalg.norm(quad[3] - quad[0])) / max(1.0, float(np.linalg.norm(quad[1] - quad[0])))))
    m_inv = np.linalg.inv(cv2.getPerspectiveTransform(quad, np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])))
    t = np.linspace(0.15, 0.85, 24, dtype=np.float32)
    out = np.float32([0.015, 0.03, 0.05, 0.07])[:, None] * cw
    xs, ys = [], []
    for side in range(4):
        along = t[None] * (cw if side in (0, 2) else ch) + 0 * out
        if side == 0:
            xs.append(along), ys.append(-out + 0 * along)
        elif side == 2:
            xs.append(along), ys.append(ch + out + 0 * along)
        elif side == 1:
            xs.append(cw + out + 0 * along), ys.append(along)
        else:
            xs.append(-out + 0 * along), ys.append(along)
    xs, ys = np.stack(xs), np.stack(ys)  # side, distance, along
    light = cv2.cvtColor(_sample(view.original, m_inv, xs.reshape(-1, 24), ys.reshape(-1, 24)), cv2.COLOR_RGB2LAB)[..., 0]
    light = light.reshape(xs.shape).astype(np.float32)
    valid = _inside_pts(view.original, m_inv, np.stack([xs.ravel(), ys.ravel()], 1)).reshape(xs.shape)
    n = 0
    for side in range(4):
        ok = valid[side].all(axis=0)
        if ok.mean() < 0.3:
            continue  # mostly outside the frame: no edge profile either
        if max(float(np.median(row[ok])) for row in light[side]) >= GATE_LIGHT:
            n += 1
    return n




def flush_score(view: CardView) -> float:
    """0-100: the card's printed area lies flush on a sheet of paper. At least two measurable sides
    show paper at the edge, at least half of them, and the edge casts no shadow: over all
    measurable sides the lightness just outside the edge stays, on average, within MEAN_DIP of the
    paper further out. A real card is 0.76 mm thick and casts a shadow on some side under any
    directed light (in development, clean cards on white paper averaged -5.7 even with a faint
    shadow, copies -3.3 at worst, most near 0)."""
    if view.quad is None or _light_sides(view) < 2:
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
# A paper side is at least PAPER_LIGHT and at most 10 (-PAPER_REL) darker than the card's light
# print by the edge, which is at least PAPER_INNER: so at least 130. The quick look's medians are
# taken at fixed distances, not in the band past the edge that the profiles find: 20 to spare.
GATE_LIGHT = max(PAPER_LIGHT, PAPER_INNER + PAPER_REL) - 20.0


def speck_density(view: CardView) -> float:
    """Toner specks: isolated dark dots on the card's light areas, per 100 000 light pixels of the
    upright card. A copier drops stray toner (and prints the dust on its glass) as small dark dots
    scattered over the paper; a card's own print has none there. A dot counts when it is small (at
    most 5 x 5 px of the 856 px card), at least 30 levels darker than its closed surround, on a light
    background, and alone (no other dark detail round it: not a letter, a guilloche line, a
    halftone dot)."""
    g = warped_grey(view) if view.warped.shape[1] == SPECK_W else grey(resized(view.warped, SPECK_W))
    g = g[12:-12, 12:-12]
    closed = cv2.morphologyEx(g, cv2.MORPH_CLOSE, _SPECK_KERNEL)
    dark = cv2.subtract(closed, g)  # a closing never darkens: no saturation
    light = cv2.threshold(closed, 139, 1, cv2.THRESH_BINARY)[1]
    dots = cv2.bitwise_and(cv2.threshold(dark, 29, 1, cv2.THRESH_BINARY)[1], light)
    # 16-bit labels when they cannot overflow: half the memory to fault in
    ltype = cv2.CV_16U if cv2.countNonZero(dots) < 65535 else cv2.CV_32S
    n, _, stats, centres = cv2.connectedComponentsWithStatsWithAlgorithm(dots, 8, ltype, cv2.CCL_GRANA)  # the fastest here
    st = stats[1:]
    area = st[:, cv2.CC_STAT_AREA]
    small = (area <= 12) & (st[:, cv2.CC_STAT_WIDTH] <= 5) & (st[:, cv2.CC_STAT_HEIGHT] <= 5)
    # dark detail in the 13 x 13 px round each small dot (mirrored at the border), read at the dots
    # only: usually a few hundred, where a box filter or an integral image over the whole card
    # costs more than the rest; a screen's moire can give thousands, then the integral image
    fine = cv2.threshold(dark, 11, 1, cv2.THRESH_BINARY)[1]
    cx = centres[1:, 0].astype(int)[small]
    cy = centres[1:, 1].astype(int)[small]
    a = area[small]
    if len(a) > 1000:
        ii = cv2.integral(cv2.copyMakeBorder(fine, 6, 6, 6, 6, cv2.BORDER_REFLECT_101))
        around = ii[cy + 13, cx + 13] - ii[cy, cx + 13] - ii[cy + 13, cx] + ii[cy, cx]
    else:
        off = np.arange(-6, 7)
        ys, xs = _mirror(cy[:, None] + off, g.shape[0]), _mirror(cx[:, None] + off, g.shape[1])
        around = fine[ys[:, :, None], xs[:, None, :]].sum(axis=(1, 2), dtype=np.int32)
    count = int(np.sum(around - a <= 3 + a))
    return count / max(cv2.countNonZero(light) / 1e5, 0.3)


def _mirror(i: np.ndarray, n: int) -> np.ndarray:
    """Indices reflected at the ends of 0..n-1 without repeating the end (OpenCV's BORDER_REFLECT_101)."""
    i = np.abs(i)
    return np.where(i > n - 1, 2 * (n - 1) - i, i)


SPECK_W = 856  # the engine's upright card width, which the dot sizes above are for
_SPECK_KERNEL = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))


def score(view: CardView) -> int:
    # a card's back carries little or no printed colour (a grey chip panel, a tinted guilloche), so
    # its colourlessness says nothing; only the physical cue counts there
    # A photo blurred enough for -9108 smears a card's colour into its background (a defocused pale
    # card measured as colourless as a copy): its colour then says nothing either.
    blurred = blur.score(view) >= threshold(blur.CODE, blur.DEFAULT_THRESHOLD)
    grey_copy = 0.0 if view.side == "back" or blurred else logistic(-colour_extent(view), -GREY_EXTENT, 1.0)
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
# broad colour extent (4 x 4 blocks at 320 px): fires below 9.4. In dev1001 grey copies measured
# <= 5.7 (one more at 34: an outline that takes in a coloured desk), every other front >= 14.0
# (a colour-faded photo print, a defocused pale SG card; clean >= 15.0): 10 sits in that gap,
# nearer the copies
GREY_EXTENT = 10.0


def check(view: CardView) -> WarnDetail | None:
    s = score(view)
    return WarnDetail(CODE, s, None) if s >= threshold(CODE, DEFAULT_THRESHOLD) else None


CORNER_W = 600  # rectified card width for the corner test (the rounding is then 22 px)


def _sample(img: np.ndarray, m_inv: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """`img` sampled (bilinear) at the card-plane points (xs, ys) (arrays of one shape); outside
    the frame black. Only the points read are resampled, not the whole card."""
    pts = np.stack([xs.ravel(), ys.ravel()], 1).astype(np.float32)
    back = cv2.perspectiveTransform(pts[None], m_inv)[0]
    mx = np.ascontiguousarray(back[:, 0].reshape(xs.shape))
    my = np.ascontiguousarray(back[:, 1].reshape(xs.shape))
    return cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)


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
    m_inv = np.linalg.inv(cv2.getPerspectiveTransform(quad, dst))
    r = 0.037 * cw  # the rounding radius
    # every patch of the four corners (pocket, card edge, two of the surround), resampled at once
    specs = []  # corner, which, x, y, half
    for c, ((cx, cy), (sx, sy)) in enumerate(zip(dst, ((1, 1), (-1, 1), (-1, -1), (1, -1)))):
        for which, (u, v, half) in enumerate(((0.15 * r, 0.15 * r, 0.08 * r),  # between the rounding (0.29 r in) and the corner
                                              (1.6 * r, 1.6 * r, 0.4 * r),  # the card itself, near the corner
                                              # the surround, clear of any paper margin: beyond the corner along both sides
                                              (-0.09 * cw, 2.0 * r, 0.4 * r), (2.0 * r, -0.09 * cw, 0.4 * r))):
            specs.append((c, which, int(cx + sx * u), int(cy + sy * v), max(1, int(half))))
    box = np.float32([[-1, -1], [1, -1], [1, 1], [-1, 1]])
    inside = _inside_pts(view.original, m_inv, np.concatenate([np.float32([x, y]) + box * h for _, _, x, y, h in specs]))
    inside = inside.reshape(len(specs), 4).all(axis=1)
    grids = [np.mgrid[y - h:y + h + 1, x - h:x + h + 1].astype(np.float32).reshape(2, -1) for _, _, x, y, h in specs]
    sizes = [g.shape[1] for g in grids]
    pts = np.concatenate(grids, axis=1)
    lab = cv2.cvtColor(_sample(view.original, m_inv, pts[1][None], pts[0][None]), cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    starts = np.cumsum([0] + sizes[:-1])
    meds: dict[tuple[int, int], np.ndarray] = {}
    for n in set(sizes):  # patches of one size together: one median call each
        group = [i for i, sz in enumerate(sizes) if sz == n and inside[i]]
        if group:
            stack = np.stack([lab[starts[i]:starts[i] + n] for i in group])
            for i, med in zip(group, np.median(stack, axis=1)):
                meds[(specs[i][0], specs[i][1])] = med
    found = []
    for c in range(4):
        pocket, edge = meds.get((c, 0)), meds.get((c, 1))
        outs = [meds[(c, w)] for w in (2, 3) if (c, w) in meds]
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


_BLUR_ROWS = 2  # the smoothing's reach along the side (sigma 1: 2 px hold 95% of its weight)


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
    m_inv = np.linalg.inv(m)
    reach = int(0.05 * cw)
    across = np.arange(2 * reach + 1, dtype=np.float32)
    k = _BLUR_ROWS
    lines = []
    for side in range(4):
        # 24 profiles across this side, 2 * reach long, spread from 15% to 85% of its length; each
        # resampled with the 2 * 2 profiles beside it, which the smoothing below reads
        if side in (0, 2):
            y_edge = 0 if side == 0 else ch
            start, length, a0 = int(0.15 * cw), int(0.7 * cw), y_edge - reach
        else:
            x_edge = cw if side == 1 else 0
            start, length, a0 = int(0.15 * ch), int(0.7 * ch), x_edge - reach
        idx = np.linspace(0, length - 1, 24).astype(int)
        pos = (start + idx[:, None] + np.arange(-k, k + 1)[None]).astype(np.float32).reshape(-1)  # along the side
        shape = (len(pos), len(across))
        along_g, across_g = np.broadcast_to(pos[:, None], shape), np.broadcast_to(a0 + across[None], shape)
        xs, ys = (along_g, across_g) if side in (0, 2) else (across_g, along_g)
        block = cv2.GaussianBlur(_sample(view.original, m_inv, xs, ys).astype(np.float32), (9, 2 * k + 1), 1.0)
        prof = block[k::2 * k + 1]  # the centre profile of each group, smoothed by its neighbours only
        centre = (start + idx).astype(np.float32)
        if side in (0, 2):
            ends = [np.stack([centre, np.full_like(centre, a0 + e)], 1) for e in (0, 2 * reach)]
        else:
            ends = [np.stack([np.full_like(centre, a0 + e), centre], 1) for e in (0, 2 * reach)]
        ok = _inside_pts(view.original, m_inv, ends[0]) & _inside_pts(view.original, m_inv, ends[1])
        grad = np.abs(np.diff(prof, axis=1)).sum(axis=2)
        ok &= grad.max(axis=1) >= 12
        if ok.sum() < 10:
            return None
        kk = np.argmax(grad, axis=1) + 0.5
        pts = np.stack([centre, a0 + kk], 1) if side in (0, 2) else np.stack([a0 + kk, centre], 1)
        pts = np.float32(pts[ok])
        # the edge sits at about the same place all along; print near the edge gives outliers
        acr = pts[:, 1] if side in (0, 2) else pts[:, 0]
        keep = np.abs(acr - np.median(acr)) <= 3
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
    return cv2.perspectiveTransform(corners[None], m_inv)[0].astype(np.float32)
