"""-9101 covered or border incomplete. The cues, each from what a real photo shows:

- Corner out of the frame (outline found): the outline, pushed out to the card's real corners (the
  engine's sit ~1.4% of the card's width inside them, OUTLINE_INSET), has a corner past the frame's
  border (CORNER_PAST), and the sides next to it are the card's edge - one straight step of one
  polarity at one offset from the outline (next to the frame, where a loose outline drifts off the
  edge, at another one), reaching right up to the frame - or a printed line runs into the frame's
  border. An outline that ran on past the card across the desk, or round a print or a screen
  holding the card (no text comes within 8% of its left or right side, or within 10% of its top or
  bottom), is no evidence. Every other cue is also dropped inside an outline round
  a print, a screen or a sheet (text far from its sides and from its top and bottom).
- Corner out, no outline (the engine took the whole picture for the card): a text line that runs
  into the picture's border (a card prints its text well inside its edge), or the card's own edge,
  seen on the desk - a long straight step from the card's paper to something else, along or square
  to its print and close to it - that, followed along its line, runs on unbroken to the picture's
  border (at a whole card's corner it turns away, and the desk lies on both sides).
- Pen off the card, no outline (a pen across the card's edge breaks the outline): one long straight
  strip of even width (3-10% of the print's width) stepped on both sides, plain and shaded evenly
  along its length, running from over the print on past the card's edge (or up to the frame).
- Finger: a skin-toned blob that comes in over one edge of the card, reaches in about as far as it is
  wide but not most of the way across, goes on outside the card (a hand), and is not the tone of the
  desk round the card unless of another colour than the blob (a pink or wooden desk). Skin: the
  Chai & Ngan box's lower ends, every tone. The portrait's face is set aside, so is the card's own
  tone - but not a blob of it much darker than the card and unlike the desk (a shaded thumb).
  Nor is a blob of the desk's chroma coming in over a side whose outer band is the desk along most
  of it: the desk inside a loose outline (a textured desk breaks into short skin-toned blobs).
- Label or object: a plain, solid (or, for keys, thick) patch inside the card with a clear step in
  colour all round it. Set aside: the card's own plain areas (background and bands run along its
  sides, strips hug a side between its edge and a loose outline, pieces of its background colour
  are boxed in by print, or of its background's chroma a little lighter: its background in a
  brighter light), the portrait tile's (from the face, else the card kind's photo region),
  chip-sized blobs, the desk seen past an outline off the card, clipped white (glare's business),
  slivers of the card's bands split off by a line of print, a piece near the paper's lightness a
  little grainier than the paper (the card's fine print and another photo's grain: a splice, -9104).
  Taken back in, as a label has a place and a shape the card's own plain areas have not:
  - a solid patch in the card's column of printed lines (its left edge where the line above or
    below it starts, one piece, not a chip's pads nor a MyKad's chip in its place): a label stuck
    over a line, however small (down to PATCH_MIN_LINE, one short word; PATCH_MIN_CAPTION, a
    caption, when of a clear step; under PATCH_MIN only as one whole label, its paper's colour
    stopping all round it) or wherever; a paler one too when the card's number, which
    every card prints, was not read; one a little off the column when a field every card of the
    kind prints (number, name, sex, MyKad address) was not read;
  - a label carrying print (a word on it notches its plain inside, or on a label one line high
    starts it only past the word, off the line's start) is measured whole, its print filled in
    (its paper's colour round and between the letters, EXTENT_TOL): its solidity and its left edge;
  - a long straight plain strip of even width slanted to the card's sides: a pen (the card prints
    along its sides), even where it runs along an edge like one of the card's bands;
  - a solid patch over the portrait tile bigger than any plain piece of a portrait, or only
    partly over it: a label over or beside the portrait;
  - no face found, and a ragged, thick, dark patch over the tile: keys hiding the portrait (an ID
    photo's backdrop is light, hair goes with a face).
- White or pale label on a pale card (`label_score`): a plain, near-grey, solid patch inside the
  card, lighter than the card's paper right round it, with a hard rim (glare's rim measure: a
  reflection's light falls off, a label is an opaque step) and a printed line running into it and
  stopping at its outline (a splice carries the card's print, so its lines run on into it).
- Across the edge: something lying over the card's edge (a thumb of any tone, a pen): along a stretch
  of the outline the edge is gone and the same colour lies on both sides of it, unlike both the
  desk and the card, with the card's edge showing just past both ends of the stretch (else the
  outline left the card's edge there); a shorter stretch when the card's number was not read or
  what lies across is of a strong colour (a narrow finger, a coloured pen).
  Where the engine's outline took the thing in (its hull runs round it, off the card's edge), the
  sides off the edge are first refitted to the card's own straight edge.

All cues score 68-100 when they pass and 0 otherwise, so the threshold (65) only switches the check
off; the gates inside each cue were set on development views (see the constants).

Not covered: labels in the card's own tone (their step is that of a splice from another card of the
kind) unless in the column of lines with the number unread, white labels that clip and hide no
printed line (a splice from a brighter photo clips with as hard a rim: 2 of 24 splices of 9101, 1 of
v1001), white labels with no step against a white card (only the missing title shows; 3 of 40
stickers of c60601), labels over a one-letter value (SG's sex: their plain inside is under 20 px at
320 wide, 2 of 40 stickers of c60601), labels smaller than PATCH_MIN (one short line of small text)
off the column of lines, chip-sized labels off the column (2 of 8 stickers of 9202; a real card's
printed emblems are that size and plain), labels over the portrait split by their own print, thumbs
of a grey or pale tone narrower than ~13% of the side they cross, thumbs out of the skin box (pink,
purple) that do not cross the outline, pens along the card's sides, anything when the engine found
no outline but a corner out (text cut by the frame, or the card's edge running off it) or a pen
running off the card (coins and keys included); a card cut so far that no card number is read (the
engine answers that no card was found: 3 of 40 corner outs of c60601)."""

from __future__ import annotations

import cv2
import numpy as np

from .common import box_to_original, card_quad, clamp_score, grey, overlap, resized, threshold, warped_to_original
from . import glare
from .context import CardView, WarnDetail

CODE = -9101
DEFAULT_THRESHOLD = 65


def _card320(view: CardView) -> np.ndarray:
    """The upright card 320 px wide, shared by the skin and patch tests of one view."""
    if "card320" not in view.cache:
        h, w = view.warped.shape[:2]
        if w >= 640:
            # averaging 2x2 blocks first (OpenCV's fast path), then area averaging the rest of the
            # way: half the cost of area averaging straight to 320 px, nearly the same pixels
            view.cache["card320"] = resized(cv2.resize(view.warped, (w // 2, h // 2), interpolation=cv2.INTER_AREA), 320)
        else:
            view.cache["card320"] = resized(view.warped, 320)
    return view.cache["card320"]


def _card_lab(view: CardView) -> np.ndarray:
    """The 320 px card, lightly blurred (camera noise off the plain areas), in 8-bit Lab: shared by
    the patch, label and pen tests of one view."""
    if "card_lab" not in view.cache:
        view.cache["card_lab"] = cv2.cvtColor(cv2.GaussianBlur(_card320(view), (0, 0), 1.0), cv2.COLOR_RGB2LAB)
    return view.cache["card_lab"]


def _shrunk(img: np.ndarray, s: float) -> np.ndarray:
    """A cheap downscale of a large photo: linear interpolation straight to the size wanted (the
    tests that use it blur afterwards or look at steps tens of px wide). Area averaging, or a
    pyramid, of a 12 MP frame costs more than all the tests on it."""
    return cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_LINEAR) if s < 1 else img


# Nearest text line to the outline's left or right side, of its width: <= 0.071 on every card
# outline of the development views, >= 0.096 on outlines round a print or a screen: the middle.
TEXT_MARGIN = 0.08
# ... and to its top or bottom, of its height: >= 0.07 round prints and screens but one, <= 0.044 on
# outlines stretched over a thumb or a pen.
TEXT_MARGIN_TB = 0.06
# ... for a corner out of the frame, with text near the left or right side: <= 0.05 on every card
# cut by the frame in v1001, c4141, 9202 (the title is printed near the top, the last lines near the
# bottom); 0.15 on a screen whose picture ran off the frame with the card's left side near its own
TEXT_MARGIN_CUT = 0.1
# Share of the side next to the frame that must be edge: 0.75-1 where the card runs off the frame,
# 0-0.61 where a loose outline ran on across the desk (development views).
EDGE_NEAR_FRAME = 0.7
# Of the card's width (of the picture's with no outline): printed text stops well short of a card's
# edge (3% or more). The box of a line cut by the frame hugs what ink is left and may stop a few px
# short of the border: a line cut through its top, 0.9% (c4141). With no outline, every view but a
# corner out of v1001, c4141, 9202, 9303 has its text >= 2.5% from the border (a motion blur's box);
# with one, >= 2%.
TEXT_AT_FRAME = 0.012
# ... with no outline (the whole picture taken as the card), of the picture's width: 0.6%. A scan-like
# crop of a whole card is that case too, and prints its title as close as ~0.8% of the card's width
# to its edge (generated cards; at 1.2% one clean crop in eight was warned)
TEXT_AT_FRAME_NO_OUTLINE = 0.006
ID1_ASPECT = 85.60 / 53.98  # ISO/IEC 7810 ID-1, every card this engine reads
ID1_ASPECT_TOLERANCE = 0.02
# How far past the frame's border the real corner (OUTLINE_INSET) must be, of the card's width: the
# engine's outline stops at the frame where the card runs off it, the corner pushed out lies >= 0.9%
# past it on every corner out of v1001, c4141, 9202, 9303; a whole card with a corner 0.8% inside
# the frame (9303, an edit_resave) came to 0.0
CORNER_PAST = 0.004


def border_score(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    if view.quad is None:
        return _text_at_frame(view)
    q = card_quad(view)
    t = _true_quad(view)
    h, w = view.original.shape[:2]
    # the real corner past the frame's border: by CORNER_PAST of the card's width (the engine's
    # outline, pushed out to the card's corners, is what says where they are)
    past = -CORNER_PAST * float(np.linalg.norm(q[1] - q[0]))
    outside = [min(x, y, w - 1 - x, h - 1 - y) < past for x, y in t]
    if any(outside) and _outline_is_card(view, strict=True) and (_outline_follows_card(view, q, outside)
                                                                   or _text_cut_by_frame(view, q)) \
            and not _desk_at_frame(view, q):
        x0, y0 = np.clip(q.min(0), 0, [w, h])
        x1, y1 = np.clip(q.max(0), 0, [w, h])
        return 95.0, (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    return 0.0, None


# Where the card runs off the picture, the picture's border inside the outline is the card (its
# paper, print, portrait); where an outline ran on past the card across the desk to the border (a
# desk's stripe lined up with the card's edge), it is the desk. A border pixel inside the outline is
# the desk's when within DESK_NEAR of one of the desk's colours (outside the outline) and DESK_FAR
# or more from the card's paper; the outline's stretch along the border is the desk when DESK_SHARE
# of its pixels are. Development: seed 8675309 (round 5's held-out run, then looked at: a clean
# MyKad on a striped desk, its outline run on along a stripe to the frame, >= 0.95); every corner
# out with an outline of seeds 60601, 60602, 60607 (30): <= 0.1; a thumb over a corner 0.5.
DESK_NEAR = 12.0
DESK_FAR = 20.0
DESK_SHARE = 0.6


def _lab400(view: CardView) -> tuple[np.ndarray, float]:
    """The original picture 400 px on its long side, lightly blurred, in 8-bit OpenCV Lab (as
    float32), and its scale: where the desk tests look round the outline (made once per view)."""
    if "lab400" not in view.cache:
        s = min(1.0, 400.0 / max(view.original.shape[:2]))
        small = cv2.GaussianBlur(_shrunk(view.original, s), (0, 0), 1.0)
        view.cache["lab400"] = (cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32), s)
    return view.cache["lab400"]


def _desk_ring(shape: tuple[int, ...], qs: np.ndarray) -> np.ndarray:
    """The band 5-12% (of its size) outside the outline `qs`: the desk round the card."""
    c = qs.mean(0)
    outer = np.zeros(shape[:2], np.uint8)
    inner = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(outer, (c + (qs - c) * 1.12).astype(np.int32), 1)
    cv2.fillConvexPoly(inner, (c + (qs - c) * 1.05).astype(np.int32), 1)
    return (outer > 0) & (inner == 0)


def _desk_colours(samples: np.ndarray, k: int = 3) -> np.ndarray:
    """The k Lab colours the desk's samples gather round (a striped or grained desk has two or
    three): k-means started from the samples at evenly spaced lightness ranks (deterministic)."""
    order = np.argsort(samples[:, 0], kind="stable")
    centres = samples[order[((np.arange(k) + 0.5) * len(samples) / k).astype(int)]].astype(np.float32)
    for _ in range(8):
        near = np.linalg.norm(samples[:, None, :] - centres[None], axis=2).argmin(1)
        centres = np.stack([samples[near == j].mean(0) if (near == j).any() else centres[j] for j in range(k)])
    return centres


def _desk_at_frame(view: CardView, q: np.ndarray) -> bool:
    """The picture's border inside the outline `q` is the desk: the outline is not the card there."""
    lab, s = _lab400(view)
    h, w = lab.shape[:2]
    qs = q * s
    inside = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(inside, qs.astype(np.int32), 1)
    border = np.zeros((h, w), bool)
    border[:3], border[-3:], border[:, :3], border[:, -3:] = True, True, True, True
    strip = border & (inside > 0)
    ring = _desk_ring(lab.shape, qs)
    if strip.sum() < 10 or ring.sum() < 50:
        return False
    card = lab[(cv2.erode(inside, np.ones((9, 9), np.uint8)) > 0)]
    paper = np.median(card[card[:, 0] >= np.percentile(card[:, 0], 60)], axis=0)
    px = lab[strip]
    to_desk = np.linalg.norm(px[:, None, :] - _desk_colours(lab[ring])[None], axis=2).min(1)
    deskish = (to_desk < DESK_NEAR) & (np.linalg.norm(px - paper, axis=1) >= DESK_FAR)
    return float(deskish.mean()) >= DESK_SHARE


def _text_cut_by_frame(view: CardView, q: np.ndarray) -> bool:
    """A printed line of the card runs into the picture's border (within TEXT_AT_FRAME of the card's
    width): the card prints its text well inside its edge, so the frame cut the card. Where the
    outline's side along the cut drifted off the card's edge (a loose fit), the text still shows it.
    In v1001, c4141, 9202, 9303 no view with an outline but a corner out has a line within 0.02 of
    the card's width of the border; 13 corner outs have one at 0-0.004."""
    h, w = view.original.shape[:2]
    m = warped_to_original(view)
    lim = TEXT_AT_FRAME * float(np.linalg.norm(q[1] - q[0]))
    for tl in view.text_lines:
        if len(tl.text.strip()) < 3:
            continue
        p = cv2.perspectiveTransform(np.asarray(tl.box, np.float32)[None], m)[0]
        if min(p[:, 0].min(), p[:, 1].min(), w - 1 - p[:, 0].max(), h - 1 - p[:, 1].max()) < lim:
            return True
    return False


def _text_at_frame(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    """No outline: the engine read the whole picture as the card. A card prints its text well inside
    its edge (a margin of 3% or more), so a text line that runs into the picture's border was cut
    off by the framing: the card goes on outside the photo. Unless the picture has the card's own
    proportions: a scan-like crop of the whole card, cut at its edge, whose title may sit closer
    to the edge than this (a camera's frame is 4:3, 3:2 or 16:9; a frame cut across a card lands on
    ID-1's 1.586 within 2% about one time in twenty in the development views)."""
    H, W = view.warped.shape[:2]
    oh, ow = view.original.shape[:2]
    whole_card = abs(max(oh, ow) / max(1, min(oh, ow)) / ID1_ASPECT - 1) < ID1_ASPECT_TOLERANCE
    lim = 0.0 if whole_card else TEXT_AT_FRAME_NO_OUTLINE * W
    for tl in view.text_lines:
        pts = np.asarray(tl.box, np.float32)
        x0, y0 = pts.min(0)
        x1, y1 = pts.max(0)
        if min(x0, y0, W - 1 - x1, H - 1 - y1) < lim and len(tl.text.strip()) >= 3:
            return 85.0, box_to_original(view, (x0, y0, max(1, x1 - x0), max(1, y1 - y0)))
    edge = _edge_into_frame(view)  # the card's own edge, seen on the desk, running off the picture
    if edge[0]:
        return edge
    return _pen_off_card(view)  # no text cut by the frame: a pen off the card breaks the outline too


# No outline, and the card's edge shows on the desk and runs on to the picture's border: the frame
# cut the card (a corner or a strip of it is outside). The engine's card finder drops an outline
# that meets two sides of the frame, which is what a card with a corner cut off makes, so this is
# the commonest corner out of all. Sizes are of the picture at 320 px wide (the upright copy).
EDGE_LEN = 0.2  # the straight stretch found, of the picture's height
EDGE_ANGLE = 10.0  # degrees off the print's lines or square to them: a card prints along its sides
# Nearest printed line to the edge, of the distance to the farthest: 0.02-0.23 on the cut cards of
# c60601 (a card prints its text close to its edge); a sheet or a screen round a card is far off.
EDGE_TEXT_NEAR = 0.3
EDGE_STEP = 25.0  # Lab: card against desk across the edge (cut cards: 30-200)
EDGE_PAPER = 25.0  # Lab: the card's side is its paper (the light part of the print's area); the desk's is not
EDGE_AT_BORDER = 8  # px: the card's paper goes on right up to the border
EDGE_RUN = 0.8  # share of the samples along the edge, and along its run on to the border, that step so
# Between the edge and the print: the card's paper (share of samples), and no step on the way in
# (median over the paths in of the largest Lab change over 4 px): 0-3.5 on the cut cards of c60601;
# 13-14 round a grey or colour copy of the card on its sheet, 28-175 round a print (the card's finder
# switched off on seed 60603, so that the whole picture was read as the card)
EDGE_PAPER_BETWEEN = 0.7
EDGE_INNER_STEP = 8.0


def _edge_into_frame(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    """No outline: the card's own edge running off the picture (see EDGE_LEN), scored 85 with a box
    where it leaves the picture, else 0."""
    boxes = [np.asarray(tl.box, np.float32) for tl in view.text_lines if len(tl.text.strip()) >= 3]
    if len(boxes) < 3:
        return 0.0, None
    lab = _card_lab(view)
    labf = lab.astype(np.float32)
    H, W = lab.shape[:2]
    s = W / view.warped.shape[1]
    pts = np.concatenate(boxes) * s
    theta = float(np.median([np.arctan2(b[1, 1] - b[0, 1], b[1, 0] - b[0, 0]) for b in boxes]))
    hull = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts).astype(np.int32), 1)
    area = labf[hull > 0]
    if len(area) < 50:
        return 0.0, None
    paper = np.median(area[area[:, 0] >= np.percentile(area[:, 0], 60)], axis=0)
    # (a desk may differ from the card in hue only)
    segs = _colour_segments(lab, (20, 60), votes=40, min_len=int(EDGE_LEN * H), gap=5)
    if segs is None:
        return 0.0, None

    def stepped(p: np.ndarray, u: np.ndarray, n: np.ndarray, ts: np.ndarray, border: bool = False) -> np.ndarray:
        """Per place p + t*u: the card's paper on the n side, something else beyond, a clear step.
        `border`: up to the picture's border, where the far side may have left the picture (then
        the card's side alone must hold)."""
        bands = []
        for lo, hi in ((2.0, 5.0), (-5.0, -2.0)):
            q = p + ts[:, None, None] * u + np.linspace(lo, hi, 3, dtype=np.float32)[None, :, None] * n
            inside = ((q[..., 0] >= 0) & (q[..., 0] <= W - 1) & (q[..., 1] >= 0) & (q[..., 1] <= H - 1)).all(1)
            v = labf[np.clip(q[..., 1], 0, H - 1).astype(int), np.clip(q[..., 0], 0, W - 1).astype(int)].mean(1)
            bands.append((inside, v))
        (ok_in, card), (ok_out, desk) = bands
        paper_side = ok_in & (np.linalg.norm(card - paper, axis=1) <= EDGE_PAPER)
        step = (np.linalg.norm(card - desk, axis=1) >= EDGE_STEP) & (np.linalg.norm(desk - paper, axis=1) >= EDGE_PAPER)
        return paper_side & ((ok_out & step) | (~ok_out if border else False))

    for a in segs:
        p, q = a[:2], a[2:]
        length = float(np.linalg.norm(q - p))
        u = (q - p) / length
        off = np.degrees(np.arctan2(u[1], u[0]) - theta) % 90
        if min(off, 90 - off) > EDGE_ANGLE:
            continue
        n = np.array([-u[1], u[0]], np.float32)
        d = (pts - p) @ n
        if not ((d > 2).all() or (d < -2).all()):
            continue  # an edge of the card has all its print on one side
        if d.mean() < 0:
            n, d = -n, -d
        if d.min() > EDGE_TEXT_NEAR * d.max():
            continue
        if stepped(p, u, n, np.linspace(0.1 * length, 0.9 * length, 16, dtype=np.float32)).mean() < EDGE_RUN:
            continue
        # the card's outermost edge: only its plain paper lies between the edge and the print. Round
        # a print or a copy of the card, the sheet's edge has the card's own edge (and, on a print,
        # the desk) in between: a step on every path from the edge in to the print
        ts = np.linspace(0.1 * length, 0.9 * length, 12, dtype=np.float32)
        ks = np.arange(3.0, max(4.0, float(d.min()) - 2.0), 2.0, dtype=np.float32)
        path = np.clip(p + ts[:, None, None] * u + ks[None, :, None] * n, 0, [W - 1, H - 1]).astype(int)
        between = labf[path[..., 1], path[..., 0]]  # positions along the edge x steps in
        if (np.linalg.norm(between - paper, axis=2) <= EDGE_PAPER).mean() < EDGE_PAPER_BETWEEN:
            continue
        if between.shape[1] > 2 and np.median(np.linalg.norm(between[:, 2:] - between[:, :-2], axis=2).max(1)) >= EDGE_INNER_STEP:
            continue
        # followed on along its line, the edge (card on one side, desk on the other) reaches the
        # picture's border at one end and turns away at the other: a corner of the card in the
        # picture, past which the desk lies on both sides. (A line printed right across a crop of
        # the card, such as a band's edge, runs into the border at both ends.)
        ends = []
        for end, v in ((q, u), (p, -u)):
            with np.errstate(divide="ignore"):
                exits = [t for t in ((0 - end[0]) / v[0], (W - 1 - end[0]) / v[0], (0 - end[1]) / v[1], (H - 1 - end[1]) / v[1])
                         if np.isfinite(t) and t >= 0]
            reach = min(exits) if exits else 0.0
            ts = np.arange(0.0, reach, 1.0, dtype=np.float32)
            run = stepped(end, v, n, ts, border=True)
            # (a band printed across a card framed tight ends at the card's edge, short of the border)
            ok = not len(ts) or (run.mean() >= EDGE_RUN and run[-EDGE_AT_BORDER:].sum() >= min(len(run), EDGE_AT_BORDER) - 1)
            ends.append((ok, end + v * reach))
        if ends[0][0] == ends[1][0]:
            continue
        x, y = ends[0][1] if ends[0][0] else ends[1][1]
        r = 0.1 * W
        x0, y0 = max(0.0, x - r), max(0.0, y - r)
        return 85.0, box_to_original(view, (x0, y0, min(W, x + r) - x0, min(H, y + r) - y0), s)
    return 0.0, None


# A pen lying across the card and off it onto the desk breaks the card's outline, so the engine
# finds none and takes the whole picture for the card; the pen is then the one long straight strip
# of even width (4-7% of the card's width) with a step of colour on both sides, plain and of one
# colour along its length, that runs from the card's print out past the card's edge.
# Sizes are of the picture's width (320 px here).
PEN_SEG = 0.15  # each of the strip's two edges: one straight line at least this long
# Its width, of the print box's width (the card's print spans ~85% of the card): a pen is 4-7% of
# the card's width; the thin dark rim along a card's edge is under 2%
PEN_WIDTH = (0.03, 0.1)
PEN_PARALLEL = 3.0  # degrees between its two edges
PEN_STEP = 14.0  # Lab distance from the strip to each side: 34-180 on pens, both sides
PEN_PLAIN = 8.0  # Lab std across the strip's width (a pen is of one colour; print is not)
PEN_FIT = 10.0  # Lab off a straight ramp along the length (the light shades a pen evenly): <= 3 on pens
# The strip's run inside the box of the card's print and past it: the card's edges and bands, a
# print's border, a screen's bezel, a photocopy's paper edge and desk stripes stay on one side of the
# card's edge (0 on one or the other in every no-outline view of v1001, c4141, g4242, 9421, 9202,
# 9303), a pen crosses it (on >= 0.3, off >= 0.05 on 7 of the 8 pens of c4141, 9202, 9303, h27182818).
PEN_ON = 0.1
PEN_OFF = 0.03
PEN_OFF_MARGIN = 0.15  # of the print box's width: past the card's own edge and bands
PEN_PAST_EDGE = 0.03  # ... or past the print and running on up to the picture's border


def _colour_segments(lab: np.ndarray, canny: tuple[int, int], votes: int, min_len: int, gap: int) -> np.ndarray | None:
    """The 40 longest straight segments (x1, y1, x2, y2) in the edges of a Lab picture's lightness
    and of both its chroma channels (doubled), or None."""
    edges = cv2.Canny(lab[..., 0], *canny)
    for c in (1, 2):
        edges |= cv2.Canny(np.clip((lab[..., c].astype(np.float32) - 128) * 2 + 128, 0, 255).astype(np.uint8), *canny)
    segs = cv2.HoughLinesP(edges, 1, np.pi / 180, votes, minLineLength=min_len, maxLineGap=gap)
    if segs is None:
        return None
    segs = segs[:, 0].astype(np.float32)
    return segs[np.argsort(-np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1]))[:40]]


def _pen_off_card(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    """No outline: a pen lying over the print and on past the card's edge (see PEN_SEG)."""
    boxes = [np.asarray(tl.box, np.float32) for tl in view.text_lines if len(tl.text.strip()) >= 3]
    if not boxes:
        return 0.0, None
    img = _card320(view)
    H, W = img.shape[:2]
    s = 320 / view.warped.shape[1]
    pts = np.concatenate(boxes) * s
    print_box = (*pts.min(0), *pts.max(0))
    pw = float(print_box[2] - print_box[0])
    lab = _card_lab(view)
    labf = lab.astype(np.float32)
    # (a pen may differ from the card in hue only)
    segs = _colour_segments(lab, (30, 80), votes=30, min_len=int(PEN_SEG * W), gap=4)
    if segs is None:
        return 0.0, None
    ang = np.degrees(np.arctan2(segs[:, 3] - segs[:, 1], segs[:, 2] - segs[:, 0])) % 180
    for i in range(len(segs)):
        for j in range(i + 1, len(segs)):
            da = abs(ang[i] - ang[j])
            if min(da, 180 - da) > PEN_PARALLEL:
                continue
            a, b = segs[i], segs[j]
            u = (a[2:] - a[:2]) / np.linalg.norm(a[2:] - a[:2])
            nrm = np.array([-u[1], u[0]], np.float32)
            d = float(np.dot((b[:2] + b[2:]) / 2 - (a[:2] + a[2:]) / 2, nrm))
            if not PEN_WIDTH[0] * pw <= abs(d) <= PEN_WIDTH[1] * pw:
                continue
            ta = sorted([0.0, float(np.dot(a[2:] - a[:2], u))])
            tb = sorted([float(np.dot(b[:2] - a[:2], u)), float(np.dot(b[2:] - a[:2], u))])
            t0, t1 = max(ta[0], tb[0]), min(ta[1], tb[1])
            if t1 - t0 < PEN_SEG * W:
                continue
            found = _pen_strip(labf, a[:2] + nrm * d / 2, u, nrm * np.sign(d), abs(d) / 2, t0, t1, print_box)
            if found is not None:
                p, q, hw = found
                x0, y0 = np.maximum(np.minimum(p, q) - hw, 0)
                x1, y1 = np.minimum(np.maximum(p, q) + hw, [W, H])
                return 90.0, box_to_original(view, (int(x0), int(y0), int(x1 - x0), int(y1 - y0)), s)
    return 0.0, None


def _pen_strip(labf: np.ndarray, c0: np.ndarray, u: np.ndarray, nrm: np.ndarray, hw: float, t0: float,
               t1: float, print_box: tuple) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The strip of half-width hw along c0 + t*u between two parallel edges (t0-t1): a pen when it
    is plain, of one colour and stepped on both sides there, and, grown past the edges' ends for as
    long as it stays so, runs over the print and past the card's edge. Its ends, else None."""
    H, W = labf.shape[:2]
    step = 2.0
    ow = max(3.0, hw)  # width of the band looked at on each side

    def look(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per position along the strip: in the picture, its mean colour, plain and stepped."""
        bands = []
        ok = np.ones(len(ts), bool)
        for lo, hi in ((-0.5 * hw, 0.5 * hw), (-hw - 1.5 - ow, -hw - 1.5), (hw + 1.5, hw + 1.5 + ow)):
            p = c0 + ts[:, None, None] * u + np.linspace(lo, hi, 4, dtype=np.float32)[None, :, None] * nrm
            ok &= ((p[..., 0] >= 0) & (p[..., 0] < W) & (p[..., 1] >= 0) & (p[..., 1] < H)).all(1)
            bands.append(labf[np.clip(p[..., 1], 0, H - 1).astype(int), np.clip(p[..., 0], 0, W - 1).astype(int)])
        inner, left, right = bands
        mid = inner.mean(1)
        stepped = (ok & (np.linalg.norm(mid - left.mean(1), axis=1) > PEN_STEP)
                   & (np.linalg.norm(mid - right.mean(1), axis=1) > PEN_STEP) & (inner.std(1).max(1) < PEN_PLAIN))
        return ok, mid, stepped

    # a first look at a few places between the edges turns most pairs down at a tenth of the cost
    if look(np.linspace(t0 + 2, t1 - 2, 8, dtype=np.float32))[2].mean() < 0.5:
        return None
    ts = np.arange(t0 - 0.6 * W, t1 + 0.6 * W, step, dtype=np.float32)
    core = (ts >= t0 + 2) & (ts <= t1 - 2)
    ok, mid, stepped = look(ts)
    sure = core & ok
    if sure.sum() < 10 or stepped[sure].mean() < 0.7:
        return None
    # one colour along the length, shaded evenly: a straight ramp fits it
    A = np.stack([ts, np.ones_like(ts)], 1)
    coef = np.linalg.lstsq(A[sure], mid[sure], rcond=None)[0]
    off_ramp = np.linalg.norm(mid - A @ coef, axis=1)
    if np.percentile(off_ramp[sure], 90) >= PEN_FIT:
        return None
    good = stepped & (off_ramp < PEN_FIT + 2)
    idx = np.flatnonzero(core)
    lo, hi = int(idx[0]), int(idx[-1])
    gap = 0  # grow over gaps of up to 2 samples (where the strip crosses the card's edge)
    while lo > 0 and gap <= 2:
        lo -= 1
        gap = 0 if good[lo] else gap + 1
    lo += gap
    gap = 0
    while hi < len(ts) - 1 and gap <= 2:
        hi += 1
        gap = 0 if good[hi] else gap + 1
    hi -= gap
    p = c0 + ts[lo:hi + 1, None] * u
    x0, y0, x1, y1 = print_box
    m = PEN_OFF_MARGIN * (x1 - x0)
    on = ((p[:, 0] > x0) & (p[:, 0] < x1) & (p[:, 1] > y0) & (p[:, 1] < y1)).sum() * step
    off = ((p[:, 0] < x0 - m) | (p[:, 0] > x1 + m) | (p[:, 1] < y0 - m) | (p[:, 1] > y1 + m)).sum() * step
    # where the card lies near the picture's border, the pen's stretch on the desk is cut short by
    # the frame: the strip going on past the print up to the border (where the bands beside it
    # leave the picture) crossed the card's edge just as well
    reach = hw + ow + 2 * step
    for a, b in ((lo, -1), (hi, 1)):
        e = c0 + ts[a] * u
        if not ok[min(max(a + b, 0), len(ts) - 1)] and (e[0] < reach or e[0] > W - 1 - reach or e[1] < reach
                                                        or e[1] > H - 1 - reach):
            past = max(x0 - e[0], e[0] - x1, y0 - e[1], e[1] - y1)
            if past >= PEN_PAST_EDGE * (x1 - x0):
                off = max(off, PEN_OFF * W)
    if on >= PEN_ON * W and off >= PEN_OFF * W:
        return p[0], p[-1], hw
    return None


def _outline_is_card(view: CardView, strict: bool = False) -> bool:
    """A card prints its text from close to its left or right edge, and from close to its top or
    bottom edge. When no text line comes within TEXT_MARGIN of either side AND none within
    TEXT_MARGIN_TB of the top or bottom, the outline is round something bigger that holds the card -
    a print, a screen, a sheet: its edge is not the card's, and it running off the frame leaves the
    card whole. (An outline stretched over a thumb or a pen is far from the text on one side only.)
    `strict`, for the corner-out test: text near the left or right side is required (an outline
    that ran loose past one end of the card is far from the text there too), and near the top or
    bottom within TEXT_MARGIN_CUT (a screen showing the card, its picture's left side close to
    the card's, still leaves the card's top and bottom far from the outline's)."""
    H, W = view.warped.shape[:2]
    lr = tb = 1.0
    for tl in view.text_lines:
        pts = np.asarray(tl.box, np.float32)
        lr = min(lr, pts[:, 0].min() / W, (W - pts[:, 0].max()) / W)
        tb = min(tb, pts[:, 1].min() / H, (H - pts[:, 1].max()) / H)
    if strict:
        return lr < TEXT_MARGIN and tb < TEXT_MARGIN_CUT
    return lr < TEXT_MARGIN or tb < TEXT_MARGIN_TB


def _outline_follows_card(view: CardView, q: np.ndarray, outside: list[bool]) -> bool:
    """A corner at the frame's border is only evidence if the outline's sides next to it run along
    a real edge (card against surround). An outline that jumped to the border across the desk -
    seen with the engine's card finder on clean photos - has no edge under most of that side."""
    g = grey(view.original)
    s = min(1.0, 800.0 / max(g.shape))
    small = cv2.GaussianBlur(_shrunk(g, s).astype(np.float32), (0, 0), 1.2)
    qs = q * s
    h, w = small.shape
    centre = qs.mean(0)
    cw = float(np.linalg.norm(qs[1] - qs[0]))
    offs = np.arange(-9, 10, dtype=np.float32)  # the outline may sit a few px off the card's edge
    for i, out in enumerate(outside):
        if not out:
            continue
        for a, b in ((qs[i], qs[(i + 1) % 4]), (qs[i], qs[(i - 1) % 4])):
            mid = (a + b) / 2
            normal = (mid - centre) / (np.linalg.norm(mid - centre) + 1e-6)
            pts = a + (b - a) * np.linspace(0.1, 0.9, 40)[:, None]
            prof = pts[:, None, :] + normal[None, None, :] * offs[None, :, None]  # 40 x 19 x 2
            ok = ((prof[..., 0] >= 0) & (prof[..., 0] <= w - 1) & (prof[..., 1] >= 0) & (prof[..., 1] <= h - 1)).all(1)
            if ok.sum() < 4:
                continue  # this side runs along the frame's border: nothing to see outside it
            pr = prof[ok]
            vals = small[pr[..., 1].round().astype(int), pr[..., 0].round().astype(int)]
            # one straight edge at one offset from the outline, the same side brighter all along
            # it: not the best of several offsets point by point, which a textured desk passes
            step = vals[:, 6:] - vals[:, :-6]
            k = int(np.abs(step.mean(0)).argmax())
            sign = np.sign(step[:, k].mean())
            # (two px either way, for an outline a little askew to the edge)
            edge = (step[:, max(0, k - 2):k + 3] * sign).max(1) >= 12
            # ... and right up to the frame: next to the frame's border the side must be edge too
            # (an outline that ran on past the card's corner across the desk is edge only far off)
            p0 = pts[ok]
            dist = np.minimum.reduce([p0[:, 0], p0[:, 1], w - 1 - p0[:, 0], h - 1 - p0[:, 1]])
            near = dist <= max(np.sort(dist)[min(3, len(dist) - 1)], 0.04 * cw)
            if float(edge.mean()) < 0.5:
                return False
            if float(edge[near].mean()) < EDGE_NEAR_FRAME:
                # a loose outline drifts off the card's edge towards its far end: the same edge,
                # one polarity, at one other offset all along the stretch next to the frame will do
                sn = step[near] * sign
                if not ((sn >= 12).mean(0) >= EDGE_NEAR_FRAME).any():
                    return False
    return True


OUTLINE_INSET = 0.024  # the engine's outline corners sit ~1.4% of the card's width inside its corners


def _true_quad(view: CardView) -> np.ndarray:
    """The engine's outline pushed out to the card's real corners (see OUTLINE_INSET)."""
    q = card_quad(view)
    c = q.mean(0)
    return c + (q - c) * (1 + OUTLINE_INSET)


def _edge_step(g: np.ndarray, pts: np.ndarray, normal: np.ndarray, offs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Across a line of points `pts` (N x 2), along `normal` at the offsets `offs`: whether every
    sample lies in the grey picture `g`, and the largest change of grey between samples 6 offsets
    apart (an edge within reach of the line)."""
    h, w = g.shape[:2]
    prof = pts[:, None, :] + normal[None, None, :] * offs[None, :, None]
    ok = ((prof[..., 0] >= 0) & (prof[..., 0] <= w - 1) & (prof[..., 1] >= 0) & (prof[..., 1] <= h - 1)).all(1)
    pi = np.clip(prof.round().astype(int), 0, [w - 1, h - 1])
    vals = g[pi[..., 1], pi[..., 0]]
    return ok, np.abs(vals[:, 6:] - vals[:, :-6]).max(1)


def crossing_score(view: CardView, log: list | None = None,
                   quad: np.ndarray | None = None) -> tuple[float, tuple[int, int, int, int] | None]:
    """Something lying over the card's edge (a thumb, a pen): along a stretch of the outline the
    card's edge is gone, and what lies just outside it is not the desk seen all round the card.
    `quad`: the card's corners refitted to its edges (`_refit_quad`), else the engine's outline."""
    if view.quad is None:
        return 0.0, None
    img = view.original
    h0, w0 = img.shape[:2]
    s = min(1.0, 800.0 / max(h0, w0))
    # only the card and a margin round it (the samples reach 14 px past the outline at this scale)
    tq = _true_quad(view) if quad is None else quad
    o = np.maximum(np.floor(tq.min(0) - 30 / s), 0).astype(int)
    e = np.minimum(np.ceil(tq.max(0) + 30 / s), [w0, h0]).astype(int)
    if (e - o).min() < 8:
        return 0.0, None
    small = cv2.GaussianBlur(_shrunk(img[o[1]:e[1], o[0]:e[0]], s), (0, 0), 1.2)
    h, w = small.shape[:2]
    g = grey(small).astype(np.float32)
    q = (tq - o) * s
    centre = q.mean(0)
    n = 60
    offs = np.arange(-9, 10, dtype=np.float32)
    sides = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        mid = (a + b) / 2
        normal = (mid - centre) / (np.linalg.norm(mid - centre) + 1e-6)
        pts = a + (b - a) * np.linspace(0.06, 0.94, n)[:, None]
        outp = pts + normal * 14
        inp = pts - normal * 14
        ok, step = _edge_step(g, pts, normal, offs)
        ok &= (outp[:, 0] >= 0) & (outp[:, 0] <= w - 1) & (outp[:, 1] >= 0) & (outp[:, 1] <= h - 1)
        oi = np.clip(outp.round().astype(int), 0, [w - 1, h - 1])
        ii = np.clip(inp.round().astype(int), 0, [w - 1, h - 1])
        sides.append((ok, step, np.concatenate([small[oi[:, 1], oi[:, 0]], small[ii[:, 1], ii[:, 0]]]), pts))
    ok_all = np.concatenate([sd[0] for sd in sides])
    if ok_all.sum() < 40:
        return 0.0, None
    lab = cv2.cvtColor(np.concatenate([sd[2] for sd in sides])[None], cv2.COLOR_RGB2LAB)[0].astype(np.float32).reshape(4, 2, n, 3)
    out_lab, in_lab = lab[:, 0].reshape(-1, 3), lab[:, 1].reshape(-1, 3)
    desk = np.median(out_lab[ok_all], axis=0)
    card = np.median(in_lab[ok_all], axis=0)
    # the same thing on both sides of the edge, and it is neither the desk nor the card
    foreign_all = ((np.linalg.norm(out_lab - desk, axis=1) > CROSS_COLOUR) & (np.linalg.norm(in_lab - card, axis=1) > CROSS_COLOUR)
                   & (np.linalg.norm(in_lab - out_lab, axis=1) < CROSS_SAME))
    best, box = 0.0, None
    # a thumb holding the card over its number: a narrower one will do when the number, which every
    # card prints, was not read
    need = CROSS_RUN if view.fields.get("ID") else CROSS_RUN_UNREAD
    for i, (ok, step, _, pts) in enumerate(sides):
        bad = ok & (step < CROSS_EDGE) & foreign_all[i * n:(i + 1) * n]
        run, longest, end = 0, 0, 0
        for j, v in enumerate(bad):
            run = run + 1 if v else 0
            if run > longest:
                longest, end = run, j
        # the rest of the side must be the card's edge: an outline that cut across the desk and the
        # card (a wrong corner) has the card itself lying "across" it
        rest = ok.copy()
        rest[max(0, end - longest + 1):end + 1] = False
        edge_share = float((step[rest] >= CROSS_EDGE).mean()) if rest.any() else 0.0
        st = end - longest + 1
        # the card's edge must show on both sides of the stretch, next to it: a thing lying over the
        # edge is bounded by the card's edge either way. Where the outline left the card's edge (a
        # corner on the desk, an outline cutting across the card), one end runs on into no edge.
        before = [j for j in range(st - 1, -1, -1) if ok[j]][:CROSS_FLANK]
        after = [j for j in range(end + 1, n) if ok[j]][:CROSS_FLANK]
        flanked = all(not fl or (step[fl] >= CROSS_EDGE).any() for fl in (before, after))
        if log is not None:
            log.append((i, int(longest), int(ok.sum()), round(edge_share, 2), st, end, flanked))
        if not flanked:
            continue
        if edge_share < CROSS_REST_EDGE:
            continue
        # a narrower thing of a strong colour: a finger or a coloured pen, which no paper, desk or
        # grey copy past a loose outline has
        seg_lab = np.concatenate([out_lab[i * n + st:i * n + end + 1], in_lab[i * n + st:i * n + end + 1]])
        chroma = float(np.median(np.linalg.norm(seg_lab[:, 1:] - 128, axis=1))) if longest else 0.0
        if log is not None:
            log.append(("chroma", i, round(chroma, 1)))
        if longest >= need or (longest >= CROSS_RUN_UNREAD and chroma >= CROSS_CHROMA):
            sc = 70 + 2 * longest
            if sc > best:
                seg = pts[end - longest + 1:end + 1] / s + o
                x0, y0 = seg.min(0)
                x1, y1 = seg.max(0)
                best, box = sc, (int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0)))
    return best, box


CROSS_COLOUR = 30.0  # Lab distance from the desk's colour
CROSS_SAME = 25.0  # inside and outside the edge alike: one object lies across it
CROSS_EDGE = 12.0  # grey step that shows the card's edge
CROSS_RUN = 8  # of 60 samples along a side: ~13% of it (a thumb is 9-15% of the card's width)
# ... when the card's number was not read: every view of the development sets with a run of 6-7 but
# one read the number (clean cards and other problems up to 7; a thumb over the number, 7)
CROSS_RUN_UNREAD = 6
# ... or when what lies across the edge is of a strong colour (Lab chroma, the median over the
# stretch's samples on both sides): a narrow finger or a coloured pen, where paper, a grey copy or a
# pale desk past a loose outline are near grey. Development (v1001, c4141, 9202): the one other view
# with a run of 6 was a grey photocopy's paper edge (chroma 9); a narrow pink finger, 49.
CROSS_CHROMA = 20.0
# share of the rest of that side where the card's edge shows: 0.67-1 on every crossing thumb of the
# development views, 0.16 on a clean card whose outline had a corner on the desk
CROSS_REST_EDGE = 0.4
# samples looked at past each end of the stretch (~7% of the side) for the card's edge: found there
# for every crossing thumb of v1001, c4141, 9202; not past one end on 9202's clean false warning (a
# pink desk, the outline's top side cutting across the card's corner and running on over the desk)
CROSS_FLANK = 4


# The engine's outline is the convex hull of what its edge map joined up: a thumb or a pen lying
# over the card's edge and out onto the desk joins in, and the outline's side next to it runs round
# the thing, off the card's edge, so that nothing lies "across" it. Refitted: each side that does not
# run along an edge is moved to the outermost long straight edge parallel to it inside the hull.
# Development: seed 60607 (2 of its 25 thumbs found so, in outlines that had taken them in); no
# decision changed on seeds 60601, 60602, 60605.
REFIT_SUPPORT = 0.6  # share of a side along an edge (grey step within a few px) that keeps it
REFIT_DEPTH = 0.3  # how far in the card's edge may lie, of the card's other dimension
REFIT_LEN = 0.35  # the straight stretch found, of the side's length (a thumb hides 10-30% of it)
REFIT_ANGLE = 6.0  # degrees off the side


def _refit_quad(view: CardView) -> np.ndarray | None:
    """The card's corners (original px) with the sides that run off the card's edge refitted to it,
    or None when every side runs along an edge (or no straight edge was found to refit one to)."""
    tq = _true_quad(view)
    s = min(1.0, 800.0 / max(view.original.shape[:2]))
    small = cv2.GaussianBlur(_shrunk(grey(view.original), s), (0, 0), 1.2)
    q = tq * s
    centre = q.mean(0)
    fsmall = small.astype(np.float32)
    edges = None  # made only when a side needs refitting (most outlines run along the card's edge)
    lines, moved = [], False
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        side = float(np.linalg.norm(b - a))
        u = (b - a) / max(side, 1e-6)
        n_in = np.array([-u[1], u[0]], np.float32)
        if np.dot(centre - a, n_in) < 0:
            n_in = -n_in
        other = float(np.linalg.norm(q[(i + 2) % 4] - b))
        # support: a grey step across the side within 4 px, at 40 places along it
        pts = a + (b - a) * np.linspace(0.05, 0.95, 40, dtype=np.float32)[:, None]
        ok, step = _edge_step(fsmall, pts, n_in, np.arange(-7, 8, dtype=np.float32))
        support = float((ok & (step >= 12)).mean())
        if support >= REFIT_SUPPORT:
            lines.append((a, u))
            continue
        # the band inside the side where the card's edge may lie
        band = np.array([a - n_in * 3, b - n_in * 3, b + n_in * REFIT_DEPTH * other, a + n_in * REFIT_DEPTH * other], np.int32)
        if edges is None:
            edges = cv2.Canny(small, 20, 60)
        mask = np.zeros_like(edges)
        cv2.fillConvexPoly(mask, band, 255)
        segs = cv2.HoughLinesP(edges & mask, 1, np.pi / 180, 30, minLineLength=int(REFIT_LEN * side), maxLineGap=6)
        best = None
        for x1, y1, x2, y2 in ([] if segs is None else segs[:, 0]):
            d = np.float32([x2 - x1, y2 - y1])
            d /= max(float(np.linalg.norm(d)), 1e-6)
            if np.degrees(np.arccos(min(1.0, abs(float(np.dot(d, u)))))) > REFIT_ANGLE:
                continue
            depth = float(np.dot(np.float32([(x1 + x2) / 2, (y1 + y2) / 2]) - a, n_in))
            if best is None or depth < best[0]:  # the outermost: the card's edge, not its print
                best = (depth, np.float32([x1, y1]), d)
        if best is None:
            lines.append((a, u))  # no straight edge to move it to: left as it is
            continue
        lines.append((best[1], best[2]))
        moved = True
    if not moved:
        return None
    corners = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[(i - 1) % 4], lines[i]
        m = np.array([[d1[0], -d2[0]], [d1[1], -d2[1]]], np.float64)
        if abs(np.linalg.det(m)) < 1e-6:
            return None
        t = np.linalg.solve(m, (p2 - p1).astype(np.float64))
        corners.append(p1 + d1 * t[0])
    out = np.float32(corners)
    area, old = cv2.contourArea(out), cv2.contourArea(q)
    if not 0.5 * old <= area <= old * 1.02:
        return None
    return out / s


# Skin in YCrCb: Cr 133-175, Cb 77-125. The lower ends are those of Chai & Ngan's (1999) box, which
# holds skin of every tone under ordinary light (the tone sets Y, not much the chroma): the box used
# before (Cr >= 138, Cb >= 80) was set round the development thumbs and left out skin lit grey or
# olive. Cb stays <= 125 (Chai & Ngan: 127): above it are pinks and magentas - print inks, a pink
# portrait backdrop - more than skin.
SKIN_CR = (133, 175)
SKIN_CB = (77, 125)


def _skin_mask(y: np.ndarray, cr: np.ndarray, cb: np.ndarray) -> np.ndarray:
    return (cr >= SKIN_CR[0]) & (cr <= SKIN_CR[1]) & (cb >= SKIN_CB[0]) & (cb <= SKIN_CB[1]) & (y >= 60)


def _is_skin(rgb: np.ndarray) -> np.ndarray:
    ycc = cv2.cvtColor(rgb.reshape(1, -1, 3), cv2.COLOR_RGB2YCrCb)[0].astype(np.int16)
    return _skin_mask(ycc[:, 0], ycc[:, 1], ycc[:, 2])


def _goes_on_outside(view: CardView, edge_pts: np.ndarray) -> bool:
    """`edge_pts`: where a blob meets the upright card's border (warped px). Just outside the card
    there, the photo must be of the blob's skin tone, and round the rest of the card it must not."""
    if view.quad is None or len(edge_pts) == 0:
        return False
    img = view.original
    h, w = img.shape[:2]
    q = _true_quad(view)
    c = q.mean(0)
    cw = float(np.linalg.norm(q[1] - q[0]))
    pts = cv2.perspectiveTransform(edge_pts[None], warped_to_original(view))[0]
    out = pts + (pts - c) / (np.linalg.norm(pts - c, axis=1, keepdims=True) + 1e-6) * 0.04 * cw
    inside = (out[:, 0] >= 0) & (out[:, 0] < w) & (out[:, 1] >= 0) & (out[:, 1] < h)
    hand = None
    if inside.sum() >= 3:  # (else the hand comes from outside the photo, which shows nothing of it)
        o = out[inside].astype(int)
        px = img[o[:, 1], o[:, 0]]
        sk = _is_skin(px)
        if float(sk.mean()) < 0.5:
            return False
        hand = np.median(_lab(px[sk]), axis=0)
    # the desk: a ring of points round the whole card, a little further out
    t = np.linspace(0, 1, 30, endpoint=False)[:, None]
    ring = np.concatenate([q[k] + (q[(k + 1) % 4] - q[k]) * t for k in range(4)])
    ring = ring + (ring - c) / (np.linalg.norm(ring - c, axis=1, keepdims=True) + 1e-6) * 0.06 * cw
    ok = (ring[:, 0] >= 0) & (ring[:, 0] < w) & (ring[:, 1] >= 0) & (ring[:, 1] < h)
    if ok.sum() < 20:
        return True
    r = ring[ok].astype(int)
    px = img[r[:, 1], r[:, 0]]
    like = _is_skin(px)
    if hand is not None:
        # a desk in a skin-like tone (pink, beige, wood) is not the hand unless it is the hand's
        # colour: a thumb is shaded and of its own tone, the desk past a loose outline is the same
        # stuff all round the card
        like &= np.linalg.norm(_lab(px) - hand, axis=1) < HAND_DESK
    return float(like.mean()) < 0.5


HAND_DESK = 20.0  # Lab distance: the hand where it comes in against the desk round the card
OWN_DARKER = 50  # grey levels below the card's median: darker than the card's own print in its tone


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb.reshape(1, -1, 3), np.uint8), cv2.COLOR_RGB2LAB)[0].astype(np.float32)


def skin_score(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    img = _card320(view)
    s = 320 / view.warped.shape[1]
    ycc = cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb)
    y, cr, cb = ycc[..., 0], ycc[..., 1].astype(np.int16), ycc[..., 2].astype(np.int16)
    skin = _skin_mask(y, cr, cb).astype(np.uint8)
    if view.face_box:
        fx, fy, fw, fh = (int(v * s) for v in view.face_box)
        pad = int(0.25 * max(fw, fh))
        skin[max(0, fy - pad):fy + fh + pad, max(0, fx - pad):fx + fw + pad] = 0
    # a card printed in a skin-like tone (MyPR is red-pink): its own colour is not a finger
    med = np.median(ycc.reshape(-1, 3), axis=0).astype(np.int16)
    # (a thumb is lit and shaded as a rounded thing above the card: well darker than the card's
    # own face, so one of the card's chroma but much darker is not the card's own)
    own = (np.abs(cr - med[1]) <= 12) & (np.abs(cb - med[2]) <= 12)
    dark = own & (skin > 0) & (y.astype(np.int16) < med[0] - OWN_DARKER)
    if cv2.countNonZero(dark.astype(np.uint8)) >= 0.01 * dark.size:  # (the smallest blob counted)
        # ... unless it is the desk's colour (the desk seen between the card's edge and a loose outline)
        desk = _surround_lab(view)
        if desk is not None:
            lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32)
            dark &= np.linalg.norm(lab - desk, axis=2) >= HAND_DESK
        own &= ~dark
    skin[own] = 0
    skin = cv2.morphologyEx(skin, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(skin, 8)
    best, box = 0.0, None
    for i in range(1, n):
        x, yy, w, h, area = stats[i]
        frac = area / skin.size
        H, W = skin.shape
        if frac < 0.01 or frac > 0.3:
            continue
        left, right, top, bottom = x <= 2, x + w >= W - 2, yy <= 2, yy + h >= H - 2
        if (left and right) or (top and bottom):
            continue  # from side to side: the card's own tone or the desk past a loose outline
        # a finger holding the card comes in over one edge and reaches inward about as far as it
        # is wide (a band along the edge is the surround), but not most of the way across, and is
        # a fraction of that edge's length
        entry = None
        for side, touches, depth, along, across, length in (("x", left or right, w, h, W, H), ("y", top or bottom, h, w, H, W)):
            if touches and depth >= 0.08 * across and depth >= 0.5 * along and depth <= 0.6 * across and along <= 0.6 * length:
                entry = side
        if entry is None:
            continue
        # where it comes in, it goes on outside the card (a hand), and the desk elsewhere round the
        # card is not of its tone (else this is the desk seen past a loose outline)
        ys, xs = np.nonzero(labels == i)
        if entry == "x":
            sel = xs <= x + 1 if left else xs >= x + w - 2
        else:
            sel = ys <= yy + 1 if top else ys >= yy + h - 2
        if not _goes_on_outside(view, np.stack([xs[sel], ys[sel]], 1).astype(np.float32) / s):
            continue
        if _desk_along_side(view, img, labels == i, entry, left if entry == "x" else top):
            continue
        if _blob_is_desk(view, labels == i):
            continue
        sc = 60 + 800 * min(frac, 0.05)
        if sc > best:
            best, box = sc, (int(x), int(yy), int(w), int(h))
    return best, box


# The desk itself inside an outline that ran off the card (a corner of it on the desk): a skin-
# toned desk (wood, a brown stripe) comes in over the card's side like a thumb. The blob is the
# desk's when SKIN_DESK_SHARE of its pixels lie within SKIN_DESK_NEAR of one of the desk's colours
# (round the outline); a thumb lies on the desk but is not of its colour. Development: seed 8675309
# (round 5's held-out run, then looked at: a clean MyKid on a brown striped desk, the outline's
# corner run off to the frame); no thumb of seeds 60601, 60602, 60607 is lost at 0.4-0.8.
SKIN_DESK_NEAR = 12.0
SKIN_DESK_SHARE = 0.6


def _blob_is_desk(view: CardView, blob: np.ndarray) -> bool:
    """The blob (a mask of the 320 px card) is of the desk's colours (see SKIN_DESK_NEAR)."""
    if "desk_colours" not in view.cache:
        lab, s = _lab400(view)
        ring = _desk_ring(lab.shape, card_quad(view) * s)
        view.cache["desk_colours"] = _desk_colours(lab[ring]) if ring.sum() >= 50 else None
    desk = view.cache["desk_colours"]
    if desk is None:
        return False
    px = _card_lab(view)[blob].astype(np.float32)
    near = np.linalg.norm(px[:, None, :] - desk[None], axis=2).min(1) < SKIN_DESK_NEAR
    return float(near.mean()) >= SKIN_DESK_SHARE


# The desk seen inside a loose outline, not a thumb: the outer band of the side the blob comes in
# over is the desk's colour along most of that side (a thumb covers a part of a side, the card
# shows along the rest), and the blob has the desk's chroma. A textured desk (stripes, wood grain)
# varies in lightness more than in chroma, and its skin-toned pieces, scattered, can make a blob
# short enough to pass for a thumb. Development (v1001, c4141, 9202): the two clean false warnings
# of 9202 (a brown striped desk, a pale green-beige one) have the band desk-like along 0.86 and 1.0
# of the side and the blob 2 and 4 from the desk's chroma; every thumb with such a band is >= 42
# from it (all thumbs >= 10).
SKIN_DESK_SIDE = 0.7
SKIN_DESK_AB = 15.0
SKIN_BAND = 5  # px at 320 wide: the outermost band of the upright card


def _desk_along_side(view: CardView, img: np.ndarray, blob: np.ndarray, entry: str, first: bool) -> bool:
    """The blob (a mask of the upright card `img`) coming in over the side given by `entry` ("x":
    left or right, "y": top or bottom) and `first` (left or top) is the desk past a loose outline."""
    desk = _surround_lab(view)
    if desk is None:
        return False
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32)
    if np.linalg.norm(np.median(lab[blob], axis=0)[1:] - desk[1:]) >= SKIN_DESK_AB:
        return False
    d = SKIN_BAND
    if entry == "x":
        prof = np.median(lab[:, :d] if first else lab[:, -d:], axis=1)
    else:
        prof = np.median(lab[:d] if first else lab[-d:], axis=0)
    prof = cv2.blur(prof[None], (9, 1))[0]
    # (lightness loosely: a textured desk's stripes or grain differ in it by tens of levels)
    like = (np.linalg.norm(prof[:, 1:] - desk[1:], axis=1) < 10) & (np.abs(prof[:, 0] - desk[0]) < 40)
    return float(like.mean()) >= SKIN_DESK_SIDE


PATCH_WIDTH = 320
# Lab step between a patch and what is round it: splices from another card of the kind <= 24 in the
# development views, labels and objects mostly >= 30; no clean card's plain area passes the other tests.
PATCH_STEP = 28.0
PATCH_MIN = 0.005  # of the card: a label over one line of text
# ... over one short word (a label of 30x13 px at 320 px wide, its plain inside ~24x7 after the
# 7x7 window): only where a printed line is (see PATCH_STEP_ALIGNED)
PATCH_MIN_LINE = 0.0025
# ... and over a caption ("Name", "Sex": a label of ~23x11 px at 320 px wide, its plain inside ~0.1%
# of the card): only a solid one of a clear step (PATCH_STEP) in the column of lines, within the
# card. No plain piece of a card this small passed in the development views (v1001, c4141, 9101);
# a label over a caption did, 46.
PATCH_MIN_CAPTION = 0.001
PATCH_STEP_RAGGED = 45.0
# A solid patch in the column of printed lines (left edge within ALIGN px, at 320 px wide, of where
# the line next above or below starts) when the card's number was not read: 18 and 23 for the
# labels of the development views; splices from another card of the kind reach 22-23 but leave
# the number, and no clean card has none read.
PATCH_STEP_ALIGNED = 15.0
# Ragged patch over the portrait tile when no face was found: Lab L below PORTRAIT_DARK (keys of the
# development views 132-144; every ragged plain area of a portrait in them >= 178 but a screen's
# dark frame, 111, which runs to the card's edge) and a step of PATCH_STEP_PORTRAIT (keys 39 and 99).
PORTRAIT_DARK = 170.0
PATCH_STEP_PORTRAIT = 35.0
PHOTO_LABEL = 0.03  # of the card: a solid patch over the portrait tile this big is not the portrait's own
ALIGN = 4.0
# ... and within ALIGN_UNREAD px for a patch of a clear step (PATCH_STEP) when a field every card of
# its kind prints was not read (see _field_unread): a label over the sex field of a card photographed
# askew, whose lines' left ends drift (7 px, c4141). No clean card of v1001, c4141, 9101 (391) has
# one of those fields unread; blurred photos do, but none has a solid patch of that step in the column.
ALIGN_UNREAD = 8.0
# Lab distance from the card's background (its largest plain area) that a small patch must have: a
# plain strip of background boxed in by lines of text stands out from the text round it, not from
# the card (3 on a screen recapture of the validation views; small labels of development >= 24).
PATCH_FROM_BG = 10.0
# ... or of the card's background chroma (within PATCH_BG_CHROMA) and as light or up to 30 levels
# lighter: the card's own background where the light falls brighter (a card is lit unevenly, more
# in lightness than in chroma). 9303: a clean card's background between its portrait and its edge,
# 2 from the card's chroma and 11 lighter; every label and object of v1001, c4141, 9202, 9303 >= 9.8
# from it (a white label on a white card, which would be this, clips and is set aside anyway). The
# patches of 4 views with a thumb (c4141) were such pieces too; 3 warn on the thumb itself.
PATCH_BG_CHROMA = 6.0
PATCH_BG_LIGHTER = (5.0, 30.0)
SLIVER = 10  # px at PATCH_WIDTH: ~3% of the card, a plain strip no thicker than a line of print
# Share of the ring round a plain piece in its own colour: <= 0.31 for every label, object and thumb
# of v1001, c4141, 9202 (nearly all <= 0.03); 0.40 for a pink band's end at a MyPR's left edge, boxed
# in by the chip and the address (9202's two clean false warnings by this cue).
RING_SAME = 0.35
PATCH_SOLID = 0.45  # keys: a few thick ellipses, far from convex
# A pen or a rod lying on the card: a long straight plain strip of even width (its tightest
# rectangle mostly filled) at a slant to the card's sides. The card prints along its sides - bands,
# rules, its edge seen past the outline are within a few degrees of them - so a slanted rod is no
# print of its own. Pens of development (c4141) tilt 16-42 degrees, aspect 18-35, fill 0.67-0.94,
# step 28-93; no plain piece of a card of either set is slanted >= 8 degrees and 5 times as long as
# wide (a portrait's edge at 5 degrees, aspect 4.3, was the nearest).
ROD_TILT = 8.0  # degrees off the card's sides
ROD_ASPECT = 5.0
ROD_LENGTH = 0.25  # of the card's width
ROD_FILL = 0.55
ROD_STEP = 18.0
# Where the card prints its holder's photo, as fractions of the upright card (the engine's regions).
PHOTO_RIGHT = (0.58, 0.12, 1.0, 0.90)  # MyKad family
PHOTO_LEFT = (0.0, 0.12, 0.42, 0.95)  # SG front, i-Kad


def _photo_box(view: CardView, s: float, W: int, H: int) -> tuple[int, int, int, int]:
    """The portrait tile in the resized card: around the face when it was found (hair above,
    shoulders below), else the whole region where this card kind prints it."""
    left = view.action != "MLIDCardOCR" or view.fields.get("Type") == "IKAD"
    r = PHOTO_LEFT if left else PHOTO_RIGHT
    rx0, ry0, rx1, ry1 = r[0] * W, r[1] * H, r[2] * W, r[3] * H
    if view.face_box is not None:
        fx, fy, fw, fh = (v * s for v in view.face_box)
        # a face box much smaller than an ID photo's face is a part of it: size from the card
        f = max(fw, fh, 0.18 * W)
        cx, cy = fx + fw / 2, fy + fh / 2
        x0, y0 = max(rx0, cx - f), max(ry0 - 0.1 * H, cy - 1.1 * f)
        x1, y1 = min(rx1, cx + f), min(ry1, cy + 1.6 * f)
        return int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0))
    return int(rx0), int(ry0), int(rx1 - rx0), int(ry1 - ry0)


# Where a MyKad-family card has its chip, as fractions of the upright card: left of the column of
# lines, between the number and the name. Gone plain in a soft photo, the chip is a solid patch whose
# left edge is where the lines start - a label's place - when the chip sits in that column.
CHIP_MYKAD = (0.03, 0.3, 0.27, 0.62)


def _at_chip(view: CardView, box: tuple[int, int, int, int], W: int, H: int) -> bool:
    if view.action != "MLIDCardOCR" or view.fields.get("Type") == "IKAD":
        return False
    x, y, w, h = box
    c = CHIP_MYKAD
    return x >= c[0] * W and y >= c[1] * H and x + w <= c[2] * W and y + h <= c[3] * H


def _surround_lab(view: CardView) -> np.ndarray | None:
    """Median Lab colour just outside the card's outline (the desk), in the same scale as the
    patch test's Lab (8-bit OpenCV Lab of a lightly blurred copy)."""
    if "surround_lab" not in view.cache:
        lab, s = _lab400(view)
        qs = card_quad(view) * s
        ring = _desk_ring(lab.shape, qs)
        ok = ring.sum() >= 50 and float(np.linalg.norm(qs[1] - qs[0])) > 0
        view.cache["surround_lab"] = np.median(lab[ring], axis=0) if ok else None
    return view.cache["surround_lab"]


def _text_boxes(view: CardView, s: float) -> list[tuple[float, float, float, float]]:
    """The OCR lines' boxes (x0, y0, x1, y1) in the resized card."""
    out = []
    for tl in view.text_lines:
        pts = np.asarray(tl.box, np.float32) * s
        x0, y0 = pts.min(0)
        x1, y1 = pts.max(0)
        out.append((float(x0), float(y0), float(x1), float(y1)))
    return out


def _field_unread(view: CardView) -> bool:
    """A field that every card of the view's kind prints, and the engine reads on every clean photo of
    one, is missing: the number, the name and the sex, and a MyKad-family card's address (an i-Kad
    prints none)."""
    if view.action == "MLIDCardOCR":
        keys = ("ID", "Name", "Sex") + (() if view.fields.get("Type") == "IKAD" else ("Address",))
    else:
        keys = ("ID", "EnName", "Sex")
    return not all(view.fields.get(k) for k in keys)


def _in_text_column(box: tuple[int, int, int, int], lines: list, tol: float = ALIGN) -> bool:
    """A label stuck over a printed line sits where that line was: in the card's column of lines,
    its left edge where the lines next above or below it start (the flat area starts a few px
    inside the label's edge, the text a few px inside the label)."""
    x, y, w, h = box
    for a0, b0, a1, b1 in lines:
        lh = b1 - b0
        gap = max(b0 - (y + h), y - b1)
        if gap < 1.5 * lh + 6 and (b0 > y + h - 3 or b1 < y + 3) and abs(a0 - x) <= tol:
            return True
    return False


def _band_sliver(labels: np.ndarray, stats: np.ndarray, i: int, lab: np.ndarray, colour: np.ndarray) -> bool:
    """A sliver of a colour that goes on past a line of print right next to it: a piece of one of the
    card's bands, boxed in by the print over it (g4242's one clean false warning). A label over a
    line is one piece; keys, a thumb are thicker than a line of print."""
    return min(int(stats[i][2]), int(stats[i][3])) <= SLIVER and _has_twin(labels, stats, i, lab, colour)


def _has_twin(labels: np.ndarray, stats: np.ndarray, i: int, lab: np.ndarray, colour: np.ndarray) -> bool:
    """Another plain piece of the same colour right above or below: a chip's contact pads (the chip
    is cut into several pads of one gold), not one label."""
    x, y, w, h = (int(v) for v in stats[i][:4])
    ox, oy, ow, oh, oa = (stats[:, k].astype(np.int64) for k in range(5))
    near = ((oa >= 20) & (np.minimum(x + w, ox + ow) - np.maximum(x, ox) > 0.5 * np.minimum(w, ow))
            & (np.maximum(oy - (y + h), y - (oy + oh)) < 10))
    near[[0, i]] = False  # (0: what is not plain)
    for j in np.flatnonzero(near):
        bx, by, bw, bh = (int(v) for v in stats[j][:4])
        sub = lab[by:by + bh, bx:bx + bw][labels[by:by + bh, bx:bx + bw] == j]
        if np.linalg.norm(np.median(sub, axis=0) - colour) < 12:
            return True
    return False


def _colour_and_ring(sub: np.ndarray, comp: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """A plain piece's colour (the median of its Lab pixels in `sub`) and the ring round it that it
    is compared with, None when too little of the ring is in the picture. The flat area stops a
    few px short of the piece's edge (the 7x7 window), so the ring starts beyond that."""
    inside = np.median(sub[comp > 0], axis=0)
    ring = cv2.dilate(comp, np.ones((19, 19), np.uint8)) - cv2.dilate(comp, np.ones((11, 11), np.uint8))
    return inside, (ring if cv2.countNonZero(ring) >= 20 else None)


def _ring_same(ring: np.ndarray, colour: np.ndarray) -> float:
    """Share of the ring round a plain piece (Lab pixels) in the piece's own colour. A label or an
    object is opaque and one thing: its colour stops at its rim. A piece whose colour goes on in much
    of the ring (between the strokes of the print that cut it off) is a piece of a larger area of the
    card's own - a band at the card's edge."""
    return float((np.linalg.norm(ring - colour, axis=1) < 10).mean())


# The whole label a plain piece is the inside of. Print on a label ("PAID", a barcode's digits)
# breaks the 7x7 flatness window: the plain piece is notched where the print is, or - on a label
# one line high - starts only past the printed word, away from the label's edge. The label's paper
# goes on round and between the letters: its pixels of the piece's colour (within EXTENT_TOL),
# joined to it, with the gaps of the print closed, fill the label back in. Searched within
# EXTENT_PAD_X px (at PATCH_WIDTH) of the piece to its sides (a short printed word) and EXTENT_PAD_Y
# above and below (the window's 3 px and the label's rim); when that colour runs on to the edge of the
# search box, it is not one label's paper but an area of the card's own, and nothing is taken; nor
# when it takes in another plain piece (a chip's pads).
# Development: c60601 (stickers 286, 439, 456, 473, 643 of 40 taken; none of its 170 clean crops nor
# any view of a60602 changes). EXTENT_TOL 8 loses 456 (an ellipse over a title); 16 lets a screen
# recapture's chip (a60602, 74) reach where the title's lines start; EXTENT_PAD_X 16 or 36 changes nothing.
EXTENT_TOL = 12.0
EXTENT_PAD_X = 24
EXTENT_PAD_Y = 5


def _label_extent(lab: np.ndarray, labels: np.ndarray, i: int, box: tuple[int, int, int, int],
                  colour: np.ndarray) -> tuple[tuple[int, int, int, int], float, float] | None:
    """The box, the solidity and the share of its box filled of the label whose plain inside is
    piece `i` of `labels`, its print filled in (see EXTENT_TOL); None when the piece's colour does
    not stop within the search box or joins another plain piece."""
    x, y, w, h = box
    H, W = labels.shape
    x0, y0 = max(0, x - EXTENT_PAD_X), max(0, y - EXTENT_PAD_Y)
    x1, y1 = min(W, x + w + EXTENT_PAD_X), min(H, y + h + EXTENT_PAD_Y)
    comp = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
    near = ((np.linalg.norm(lab[y0:y1, x0:x1] - colour, axis=2) < EXTENT_TOL) | (comp > 0)).astype(np.uint8)
    _, cl = cv2.connectedComponents(near, connectivity=8)
    ids = np.unique(cl[comp > 0])
    region = np.isin(cl, ids[ids > 0]).astype(np.uint8)
    if (region[0].any() and y0 > 0 or region[-1].any() and y1 < H
            or region[:, 0].any() and x0 > 0 or region[:, -1].any() and x1 < W):
        return None  # the colour runs on past the search box: the card's own area
    other = labels[y0:y1, x0:x1][(region > 0) & (comp == 0)]
    if np.bincount(other[other > 0]).max(initial=0) >= 20:
        return None  # another plain piece of its colour joined to it: a chip's pads, not one label
    # the print's gaps to the label's rim closed (padded: no closing against the box's edge)
    region = cv2.morphologyEx(cv2.copyMakeBorder(region, 3, 3, 3, 3, cv2.BORDER_CONSTANT, value=0),
                              cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))[3:-3, 3:-3]
    cnts, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    pts = np.vstack(cnts)
    filled = np.zeros_like(region)
    cv2.drawContours(filled, cnts, -1, 1, -1)  # the print on it filled in
    ex, ey, ew, eh = cv2.boundingRect(pts)
    n = cv2.countNonZero(filled)
    return (x0 + ex, y0 + ey, ew, eh), n / max(1.0, cv2.contourArea(cv2.convexHull(pts))), n / max(1, ew * eh)


def _is_rod(pts: np.ndarray, area: int, W: int) -> bool:
    """A plain piece shaped like a pen lying on the card (see ROD_TILT)."""
    (_, _), (rw, rh), ang = cv2.minAreaRect(pts)
    long, short = max(rw, rh), max(1.0, min(rw, rh))
    a = ang % 90.0  # the rectangle's sides' angle to the card's sides, 0-45
    tilt = min(a, 90.0 - a)
    return (tilt >= ROD_TILT and long >= ROD_LENGTH * W and long >= ROD_ASPECT * short
            and area >= ROD_FILL * rw * rh)


# A plain piece within SPLICE_L of the card's background's lightness (a change of light, not a dark
# object) whose fine grain - the 320 px card less its blur at sigma 1.5: a card's fine security print
# and a photo's sensor noise and JPEG - is at least SPLICE_GRAIN of the background's: the card's own
# paper carrying its print and another photo's grain, pasted in (a splice, -9104). A label or an
# object is opaque and plain: it hides that print and has only the camera's noise, so it is smoother
# than the card's paper. Set on seed 60602 (a60602 splices 10, 44, 129: 1.07-2.15 of the background's
# grain, of chroma 1-11 off and L -32 to +35; c60601's labels, objects and thumbs 0.18-0.85 but for
# small pieces of 3 views that another piece decides; 0.8 loses a c60601 view) and checked on seed
# 60605 (p60605: splice 163, 1.25, of chroma 21 off: another camera's white balance). A
# pasted region in a dimmer light and with little grain of its own is as smooth as a label and still
# warns (p60605 299: 0.30), as does a darker one whose print's contrast falls with the light.
# Where the card's fine print is faint, a label is as grainy as the paper: a light blue label over
# an address line of c60607 (seed 60607) came to 1.0-1.05, so the line sits between it and the
# splices' 1.07 - a thin margin both ways.
SPLICE_L = 50.0
SPLICE_GRAIN = 1.05


def _grain(view: CardView, bg: np.ndarray) -> tuple[np.ndarray, float]:
    """The fine grain of the 320 px card (absolute difference from its blur) and its mean over the
    card's background (`bg`, its largest plain area, eroded off the print round it)."""
    g = cv2.cvtColor(_card320(view), cv2.COLOR_RGB2GRAY).astype(np.float32)
    grain = np.abs(g - cv2.GaussianBlur(g, (0, 0), 1.5))
    inner = cv2.erode(bg.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return grain, (float(grain[inner].mean()) if inner.sum() >= 20 else float("inf"))


def patch_score(view: CardView, log: list | None = None) -> tuple[float, tuple[int, int, int, int] | None]:
    s = PATCH_WIDTH / view.warped.shape[1]
    lab = _card_lab(view).astype(np.float32)
    mu = cv2.blur(lab, (7, 7))
    var = (cv2.blur(lab * lab, (7, 7)) - mu * mu).sum(axis=2)
    flat = (var < 12).astype(np.uint8)  # camera noise and JPEG leave ~1-3 on a plain area
    H, W = flat.shape
    m = int(0.03 * W)
    photo = _photo_box(view, s, W, H)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(flat, 4)
    best, box, desk, bg, lines = 0.0, None, None, None, None
    grain = bg_grain = None
    big = int(np.argmax(stats[1:, 4])) + 1 if n > 1 else 0
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        frac = area / flat.size
        if frac < PATCH_MIN_CAPTION or frac > 0.2 or i == big:
            continue
        if frac < PATCH_MIN_LINE and min(x, y, W - x - w, H - y - h) <= m:
            continue  # a caption's label is within the card (and fills its box, below)
        # the card's own background and bands run along its side (a pen may too, but slanted, see
        # below); an object lying over the edge comes in across it and covers only a part of that side
        nx, ny = min(x, W - x - w) < 0.1 * W, min(y, H - y - h) < 0.1 * H
        band = (nx and h > 0.35 * H and w < 0.5 * h) or (ny and w > 0.35 * W and h < 0.5 * w)
        touches = x <= m or y <= m or x + w >= W - m or y + h >= H - m
        # a thin strip hugging one side, along a good part of it: the surround seen between the
        # card's edge and an outline a little outside it, or the card's own border band
        if (x <= m and x + w < 0.1 * W or x + w >= W - m and x > 0.9 * W) and h > 0.3 * H \
                or (y <= m and y + h < 0.1 * H or y + h >= H - m and y > 0.9 * H) and w > 0.3 * W:
            continue
        if touches and view.quad is None:
            continue  # no outline: what reaches the border of the picture is the desk
        p = 12
        x0, y0, x1, y1 = max(0, x - p), max(0, y - p), min(W, x + w + p), min(H, y + h + p)
        comp = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
        cnts, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        pts = np.vstack(cnts)
        rod = w + h >= ROD_LENGTH * W and _is_rod(pts, area, W)
        if band and not rod:
            continue
        # set aside unless the patch lies in a column of printed lines (see below): chip-sized blobs
        # (the card's own chip goes plain when the photo is soft; a small label must be a line
        # long) and the portrait's own plain areas (backdrop, shirt; a sticker over it is bigger)
        chip = frac < 0.02 and (max(w, h) < 2.5 * min(w, h) or max(w, h) < 0.15 * W)
        in_photo = overlap(photo, (x, y, w, h))
        solid = area / max(1.0, cv2.contourArea(cv2.convexHull(pts)))
        # a label carrying print (see EXTENT_TOL): its shape is the label's, print filled in. Only for
        # a piece nearly solid as it is (a ragged one is keys, a thumb or the card's own). A caption's
        # label is a solid rectangle or ellipse filling 0.6 of its box (c60601 643: "PAID" on a label
        # over a caption fills its plain inside's box 0.54, the whole label 0.84)
        ext = None
        if 0.8 <= solid < 0.9 or frac < PATCH_MIN_LINE and area < 0.6 * w * h:
            ext = _label_extent(lab, labels, i, (x, y, w, h), np.median(lab[y0:y1, x0:x1][comp > 0], axis=0))
            if ext is not None and ext[1] >= 0.9 and ext[2] >= 0.6:
                solid = max(solid, ext[1])
            elif frac < PATCH_MIN_LINE and area < 0.6 * w * h:
                continue
        # ... but a solid patch bigger than any plain piece of a portrait (hair, face, shirt: <= 0.024
        # of the card in development views, a swapped portrait's too), or only partly over the
        # tile, is a label over or beside the portrait
        aside = not rod and (chip or (in_photo > 0.6 and frac < 0.08
                                      and not (solid >= 0.9 and (frac >= PHOTO_LABEL or in_photo < 0.8))))
        # an object over the portrait (keys): no face was found, and the patch is ragged, big, dark
        # (an ID photo's backdrop is light and plain; hair goes with a face) and within the card
        over_face = (not chip and in_photo > 0.6 and view.face_box is None and solid < 0.8
                     and frac >= 0.02 and not touches)
        if aside and solid < 0.9 and not over_face:
            continue
        thick = 1.0
        if solid < 0.8:
            # keys or a bent pen are not convex but thick; the gaps between letters are thin
            thick = cv2.countNonZero(cv2.erode(comp, np.ones((5, 5), np.uint8))) / area
            # (a pen's plain middle, a few px wide at this size, is thin: its straight even strip,
            # ROD_FILL of its tightest rectangle, is what tells it from the gaps between letters)
            if (solid < PATCH_SOLID or thick < 0.5 or view.quad is None) and not rod:
                continue
        sub = lab[y0:y1, x0:x1]
        inside, ring = _colour_and_ring(sub, comp)
        if ring is None:
            continue
        step = float(np.linalg.norm(inside - np.median(sub[ring > 0], axis=0)))
        same = _ring_same(sub[ring > 0], inside)
        if same >= RING_SAME and not rod:
            continue
        if step < PATCH_STEP_ALIGNED or inside[0] >= 250:
            continue  # (clipped white: a reflection, -9107, not an object)
        if frac < 0.02 or not touches:
            if bg is None:
                bg = np.median(lab[::2, ::2][labels[::2, ::2] == big], axis=0) if big else np.full(3, -1e3, np.float32)
            if np.linalg.norm(inside - bg) < PATCH_FROM_BG:
                continue  # a piece of the card's own background, boxed in by the lines of text round it
            if (np.linalg.norm(inside[1:] - bg[1:]) < PATCH_BG_CHROMA
                    and -PATCH_BG_LIGHTER[0] <= inside[0] - bg[0] <= PATCH_BG_LIGHTER[1]):
                continue  # ... the same, in a brighter light: the card's colour, a little lighter
            if abs(inside[0] - bg[0]) <= SPLICE_L:
                if bg_grain is None:
                    grain, bg_grain = _grain(view, labels == big)
                inner = cv2.erode(comp, np.ones((5, 5), np.uint8)) > 0
                if inner.sum() >= 20 and grain[y0:y1, x0:x1][inner].mean() >= SPLICE_GRAIN * bg_grain:
                    continue  # ... the card's paper in another light, its fine print showing: a splice
            # (a big piece of it cut off at the card's edge is cut off by something lying across the card)
        # a label over a printed line: solid, where the line should be, one piece (not a chip's pads),
        # may be small or over the portrait tile. When the card's number - which every card prints -
        # was not read, a paler one will do (a splice from another card of the kind leaves a number).
        aligned = False
        if solid >= 0.9 and (aside or step < PATCH_STEP or frac < PATCH_MIN):
            if lines is None:
                lines = _text_boxes(view, s)
            tol = ALIGN_UNREAD if step >= PATCH_STEP and _field_unread(view) else ALIGN
            aligned = _in_text_column((x, y, w, h), lines, tol)
            # a small label of a clear step, not set aside, is taken in by its place alone (under
            # PATCH_MIN): only as one whole label, its paper's colour stopping all round it
            small = not aside and step >= PATCH_STEP
            if ext is None and (small or not aligned):
                ext = _label_extent(lab, labels, i, (x, y, w, h), inside)
            whole = ext is not None and ext[1] >= 0.9 and ext[2] >= 0.6
            if not aligned and whole:
                # print on the label (a word at its start) moves its plain inside off the line's start:
                # the whole label's edge is where the line started (less the window's 3 px, as a
                # plain inside's box is compared)
                ex, ey, ew, eh = ext[0]
                aligned = _in_text_column((ex + 3, ey + 3, ew - 6, eh - 6), lines, tol)
            aligned = (aligned and (whole or not small) and not _has_twin(labels, stats, i, lab, inside)
                       and not (chip and _at_chip(view, (x, y, w, h), W, H)))
        over_face = over_face and inside[0] < PORTRAIT_DARK and step >= PATCH_STEP_PORTRAIT
        if aside and not aligned and not over_face:
            continue
        if frac < PATCH_MIN and not aligned:
            continue  # smaller than a label over a line: only one where a line is
        if frac < PATCH_MIN_LINE and step < PATCH_STEP:
            continue
        if solid < 0.8 and step < PATCH_STEP_RAGGED and not over_face and not rod:
            continue  # a ragged patch must stand out clearly (keys, a pen and its shadow)
        if step < (PATCH_STEP_ALIGNED if aligned and not view.fields.get("ID") else ROD_STEP if rod else PATCH_STEP):
            continue
        if (frac < 0.02 or not touches) and not rod and _band_sliver(labels, stats, i, lab, inside):
            continue
        if touches:
            if desk is None:
                desk = _surround_lab(view)
            if desk is not None and np.linalg.norm(inside - desk) < 25:
                continue  # the desk seen past an outline that sits off the card, not an object
        sc = 70 + 300 * min(frac, 0.05)
        if log is not None:
            log.append(dict(box=(x, y, w, h), frac=round(frac, 3), solid=round(solid, 2), step=round(step),
                            lab=inside.astype(int).tolist(), touches=touches, thick=round(thick, 2), aligned=aligned,
                            same=round(same, 3), rod=rod))
        if sc > best:
            best, box = sc, (x, y, w, h)
    return best, box


# White or pale labels on pale cards (label_score). Development: h27182818 (3 of its 5 missed
# white labels taken; one on a white card has no step, one hides no line), v1001, c4141, g4242,
# glare-9421, 9101, 9202, 9303; sizes at PATCH_WIDTH.
# No plain piece of any clean card of those sets is near grey, >= LABEL_LIGHTER above the paper
# round it, solid, off the portrait and hard-rimmed at once; only splices from a brighter photo
# are (4), and the line test below tells them apart.
LABEL_CHROMA = 10.0  # Lab a, b off grey: label paper is near neutral (a card's own tint is the card)
LABEL_L_MIN = 200  # 8-bit Lab L: white or pale paper (labels here 238-255)
# L levels above the card's paper right round it (the ring's 90th percentile): labels 10-16; the
# card's own paper beside a short line, lines above and below it, 3 (9101: a clean MyPR). A brighter
# light lifts paper and patch alike.
LABEL_LIGHTER = 8.0
LABEL_SOLID = 0.88  # a rectangle or an ellipse; "PAID" printed on it notches it a little (0.91)
LABEL_MAX = 0.15
# glare's rim softness at its 400 px (glare._rim_softness): reflections >= 0.13, every opaque
# white rim <= 0.07 (labels here 0.004-0.061)
LABEL_RIM_HARD = 0.08
# A printed line that runs into the patch and stops at its outline: its box ends within this many
# px outside the patch's convex hull (the plain area starts ~3-4 px inside the label's edge, the OCR
# box ends at the last glyph the label left): labels -5 to -0.2 (one, its own "PAID" ending at its
# plain area); a splice's plain area lies beside
# the print it carries (its lines run on into its hull, +11, or stop 18+ px short), one small
# splice at -2 is below PATCH_MIN.
LABEL_STOP = (-7.0, 1.0)


def label_score(view: CardView) -> tuple[float, tuple[int, int, int, int] | None]:
    """A white or pale label stuck over print on a pale card. It is opaque paper: a plain, near-grey
    patch clearly lighter than the card's paper right round it, with a hard rim (the card at its own
    level just outside it, where glare's light falls off softly: glare._rim_softness), and it hides
    print - a text line runs into it and stops at its outline. A splice from a brighter photo is as plain, light and hard-rimmed, but it carries the
    card's print: its lines run on into it or stop well short; the card's own white areas are the
    portrait's (set aside) or hold no line stopping at them."""
    lab8 = _card_lab(view)
    # near grey and light: label paper. Most cards have little of it and stop here
    c = int(LABEL_CHROMA)
    light = cv2.inRange(lab8, (LABEL_L_MIN, 128 - c, 128 - c), (255, 128 + c, 128 + c))
    if cv2.countNonZero(light) < PATCH_MIN * light.size:
        return 0.0, None
    L = lab8[..., 0].astype(np.float32)
    var = cv2.blur(L * L, (7, 7)) - cv2.blur(L, (7, 7)) ** 2
    flat = ((var < 12) & (light > 0)).astype(np.uint8)  # plain, as in patch_score (camera noise ~1-3)
    H, W = flat.shape
    m = int(0.03 * W)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(flat, 4)
    sx, sy, sw, sh, sa = (stats[:, k] for k in range(5))
    keep = ((sa >= PATCH_MIN * flat.size) & (sa <= LABEL_MAX * flat.size)
            # stuck on the card, not running off it (bands, the desk past the outline)
            & (sx > m) & (sy > m) & (sx + sw < W - m) & (sy + sh < H - m))
    keep[0] = False
    if not keep.any():
        return 0.0, None
    lab = lab8.astype(np.float32)
    photo = _photo_box(view, PATCH_WIDTH / view.warped.shape[1], W, H)
    best, box, lines, g400 = 0.0, None, None, None
    for i in np.flatnonzero(keep):
        x, y, w, h, area = (int(v) for v in stats[i])
        frac = area / flat.size
        if overlap(photo, (x, y, w, h)) > 0.6:
            continue  # the portrait's plain backdrop or white shirt
        p = 12
        x0, y0, x1, y1 = max(0, x - p), max(0, y - p), min(W, x + w + p), min(H, y + h + p)
        comp = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
        cnts, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        hull = cv2.convexHull(np.vstack(cnts))
        if area < LABEL_SOLID * cv2.contourArea(hull):
            continue
        sub = lab[y0:y1, x0:x1]
        inside, ring = _colour_and_ring(sub, comp)
        if ring is None:
            continue
        # the card's paper round it (the 90th percentile: the paper between the lines of print, which
        # may fill much of the ring)
        if inside[0] - float(np.percentile(sub[ring > 0][:, 0], 90)) < LABEL_LIGHTER:
            continue
        if lines is None:
            lines = _text_boxes(view, PATCH_WIDTH / view.warped.shape[1])
        hull = hull.astype(np.float32) + np.float32([x0, y0])
        stops = 0
        for a0, b0, a1, b1 in lines:
            if min(y + h, b1) - max(y, b0) <= 0.5 * min(h, b1 - b0):
                continue  # not on the patch's rows
            yc = 0.5 * (b0 + b1)
            for end, outside in ((a1, a0 < x), (a0, a1 > x + w)):
                if outside and LABEL_STOP[0] <= cv2.pointPolygonTest(hull, (float(end), yc), True) <= LABEL_STOP[1]:
                    stops += 1
        if not stops:
            continue  # (its place in the column of lines alone is no evidence: a pale label there
            # steps as little as a splice from another card of the kind, see PATCH_STEP_ALIGNED)
        # the rim, as glare measures it: the darkest channel at its 400 px, the patch grown back
        # to its edge over pixels nearer its level than the card's
        if g400 is None:
            g400 = resized(view.warped, 400).min(axis=2)
        k = 400 / W
        c400 = cv2.resize(comp, None, fx=k, fy=k, interpolation=cv2.INTER_NEAREST)
        gx0, gy0 = int(round(x0 * k)), int(round(y0 * k))
        roi = g400[gy0:gy0 + c400.shape[0], gx0:gx0 + c400.shape[1]]
        c400 = c400[:roi.shape[0], :roi.shape[1]]
        lvl = float(np.median(roi[c400 > 0]))
        grow = (roi >= lvl - 0.5 * max(lvl - float(np.percentile(roi, 30)), 4.0)).astype(np.uint8)
        for _ in range(4):
            c400 = cv2.dilate(c400, np.ones((3, 3), np.uint8)) & grow
        if roi.shape[0] > 45 and roi.shape[1] > 45:
            if glare._rim_softness(roi, c400, 256.0) > LABEL_RIM_HARD:
                continue  # light falling off softly: a reflection (-9107)
        elif lvl >= glare.PEAK_MIN:
            continue  # too thin to measure its rim, and at the ceiling like glare: leave it
        sc = 70 + 300 * min(frac, 0.05)
        if sc > best:
            best, box = sc, (x, y, w, h)
    return best, box


def analyse(view: CardView) -> tuple[int, tuple[int, int, int, int] | None]:
    b, bbox = border_score(view)
    if b:
        return clamp_score(b), bbox
    if view.quad is None:
        return 0, None  # no outline: the whole picture, desk and all, was taken for the card
    if not _outline_is_card(view):
        # an outline round something bigger than the card (a print, a screen, a sheet): its edge
        # is not the card's, and it holds plain areas of its own between the two
        return 0, None
    sk, skbox = skin_score(view)
    pa, pabox = patch_score(view)
    if pa > sk:
        sk, skbox = pa, pabox
    sk, skbox = max((sk, skbox), label_score(view), key=lambda r: r[0])  # white labels on pale cards
    box = box_to_original(view, skbox, 320 / view.warped.shape[1]) if skbox else None
    if sk < threshold(CODE, DEFAULT_THRESHOLD):
        cr, crbox = crossing_score(view)
        if cr < threshold(CODE, DEFAULT_THRESHOLD):
            refit = _refit_quad(view)  # the outline ran round the thing lying over the card's edge
            if refit is not None:
                cr, crbox = crossing_score(view, quad=refit)
        if cr > sk:
            sk, box = cr, crbox
    return clamp_score(sk), box


def score(view: CardView) -> int:
    return analyse(view)[0]


def check(view: CardView) -> WarnDetail | None:
    s, box = analyse(view)
    return WarnDetail(CODE, s, box) if s >= threshold(CODE, DEFAULT_THRESHOLD) else None
