"""-9104 digitally edited ("PS").

Layered, high-precision signals, strongest first; the score is the strongest that fired:
1. the file names an image editor (EXIF Software, XMP creator tool, Photoshop's APP13, a JPEG
   comment) - an ID photo straight from a phone camera carries none of these;
2. the printed content contradicts itself (MyKad: birth date and sex digit of the number against the
   printed date and sex, place code; NRIC: check letter, birth year prefix);
3. a field or the portrait has far less sensor noise than the rest of the card: typed-over text,
   a pasted portrait and a region spliced from a re-compressed photo are all cleaner than the
   camera's own pixels. Measured on the original pixels inside the card outline, because the
   perspective warp averages noise away;
4. a number or date whose edges are far steeper than the card's other printed lines: text typed in
   an editor never went through the lens;
5. the JPEG was compressed twice (double quantisation in the 8x8 DCT histograms of the luma): a
   camera writes its photo once, an editor that opened it and saved it writes it again. So does a
   messaging app re-sending a genuine photo, so this counts only beside local evidence from 3 or 4
   (below their own firing point).
Error-level analysis is deliberately not used to decide (it lights up on any high-contrast edge)."""

from __future__ import annotations

import io
import re
from datetime import date

import cv2
import numpy as np
from PIL import Image

from ..idnumbers import PLACE_OF_BIRTH, nric_check_letter
from .common import box_to_original, card_quad, clamp_score, grey, line_rect, threshold, warped_grey
from .context import CardView, WarnDetail

CODE = -9104
DEFAULT_THRESHOLD = 70

EDITORS = re.compile(
    rb"photoshop|gimp|picsart|snapseed|pixlr|paint\.net|canva|affinity|lightroom|photopea|"
    rb"fotor|inshot|meitu|facetune|photodirector|corel|paintshop|krita|acdsee|polarr|vsco",
    re.IGNORECASE,
)


def metadata_score(view: CardView) -> int:
    try:
        img = Image.open(io.BytesIO(view.raw_bytes))
    except Exception:  # the engine decoded it; a second decode failing says nothing about edits
        return 0
    found: list[bytes] = []
    exif = img.getexif()
    for tag in (0x0131, 0x013B, 0x010E):  # Software, Artist, ImageDescription
        value = exif.get(tag)
        if value:
            found.append(str(value).encode("utf-8", "replace"))
    for key in ("comment", "xmp", "XML:com.adobe.xmp", "Software", "software"):
        value = img.info.get(key)
        if value:
            found.append(value if isinstance(value, bytes) else str(value).encode("utf-8", "replace"))
    if "photoshop" in img.info or "adobe" in img.info:  # APP13 8BIM / APP14 Adobe segments
        return 95
    return 95 if any(EDITORS.search(v) for v in found) else 0


# --- content consistency ------------------------------------------------------------------------

def _parse_date(text: str) -> date | None:
    m = re.search(r"(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4})", text or "")
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def mykad_problems(fields: dict[str, str]) -> list[str]:
    number = re.sub(r"\D", "", fields.get("ID", ""))
    if len(number) != 12:
        return []  # not read in full: OCR, not the card, is the likelier cause
    problems = []
    yy, mm, dd, pb, last = int(number[:2]), int(number[2:4]), int(number[4:6]), int(number[6:8]), int(number[11])
    try:
        date(2000, mm, dd)  # leap-safe validity of month and day
    except ValueError:
        problems.append("number holds no valid date")
    if pb not in PLACE_OF_BIRTH:
        problems.append(f"place code {pb:02d} is not issued")
    printed = _parse_date(fields.get("Birthday", ""))
    if printed and (printed.year % 100, printed.month, printed.day) != (yy, mm, dd):
        problems.append("birth date disagrees with the number")
    sex = (fields.get("Sex") or "").upper()
    if sex in ("LELAKI", "MALE", "M") and last % 2 == 0 or sex in ("PEREMPUAN", "FEMALE", "F") and last % 2 == 1:
        problems.append("sex disagrees with the number's last digit")
    return problems


def nric_problems(fields: dict[str, str]) -> list[str]:
    m = re.fullmatch(r"([STFGM])(\d{7})([A-Z])", re.sub(r"\s", "", fields.get("ID", "")).upper())
    if not m:
        return []
    prefix, digits, letter = m.groups()
    problems = [] if nric_check_letter(prefix, digits) == letter else ["NRIC check letter is wrong"]
    born = _parse_date(fields.get("Birthday", ""))
    if born and prefix in "ST" and born.year >= 1968 and (prefix == "T") == (born.year >= 2000):
        if digits[:2] != f"{born.year % 100:02d}":
            problems.append("NRIC year digits disagree with the birth date")
    return problems


def content_score(view: CardView) -> int:
    if view.action == "RecognizeSingaporeIDCardOCR":
        problems = nric_problems(view.fields)
    else:
        problems = mykad_problems(view.fields)
    return 90 if problems else 0


# --- double JPEG compression --------------------------------------------------------------------
#
# A photo a camera wrote is compressed once: every 8x8 DCT coefficient of its luma is a whole
# multiple of the file's quantisation step, and the histogram of those multiples is smooth (the
# scene's own coefficient distribution, binned once). An image opened in an editor and saved again
# was quantised twice, with the first quality's steps and then the second's: some bins of the
# second histogram collect two first-round values and their neighbours one (or none), so the
# histogram oscillates with a period set by the two steps ("double quantisation"). The smooth
# reference it should have had is estimated from the same pixels on a grid shifted by 4 pixels,
# where no quantisation lattice exists (Fridrich's calibration); the score is how much the
# ratio of the two histograms zig-zags, in units of its counting noise: ~1 for a single
# compression, several times that for a double one.

_DCT = np.float32([[(np.sqrt(1 / 8) if k == 0 else np.sqrt(2 / 8)) * np.cos(np.pi * (2 * n + 1) * k / 16)
                    for n in range(8)] for k in range(8)])
_DCT_LOW = np.ascontiguousarray(_DCT[:4].T)  # only the lowest 4 x 4 frequencies are used
# low AC frequencies (horizontal u, vertical v) in zig-zag order: the best-populated histograms
DQ_FREQS = ((1, 0), (0, 1), (0, 2), (1, 1), (2, 0), (3, 0), (2, 1), (1, 2), (0, 3), (2, 2), (3, 1), (1, 3))
DQ_BLOCKS = 9000  # blocks per grid: enough counts, bounded time on any frame size
DQ_BINS = 24
DQ_FLOOR = 0.003  # a few per cent of mismatch between the two grids' histograms is content, not history
# pixels in the stored orientation from the EXIF-upright ones (undoes ImageOps.exif_transpose)
_UNDO_ORIENTATION = {2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1],
                     5: lambda a: a.transpose(1, 0, 2), 6: lambda a: np.rot90(a, 1),
                     7: lambda a: np.rot90(a, 2).transpose(1, 0, 2), 8: lambda a: np.rot90(a, -1)}


def _block_dct(rgb: np.ndarray, off: int) -> np.ndarray:
    """Lowest 4x4 DCT coefficients of the luma of 8x8 blocks on the grid starting at (off, off),
    on evenly spaced block rows so that at most DQ_BLOCKS blocks are transformed."""
    nby, nbx = (rgb.shape[0] - off) // 8, (rgb.shape[1] - off) // 8
    step = max(1, -(-nby * nbx // DQ_BLOCKS))
    rows = np.arange(0, nby, step)
    # only the chosen block rows are copied (slicing the shifted grid first would copy the frame)
    sel = rgb[(off + rows[:, None] * 8 + np.arange(8)).ravel(), off: off + nbx * 8]
    y = cv2.transform(sel.astype(np.float32), np.float32([[0.299, 0.587, 0.114]])) - 128.0  # JPEG's own luma
    n = len(rows)
    # OpenCV's product, not numpy's: numpy hands it to OpenBLAS, whose threads wait for a core on a
    # busy machine (10-40 ms where the product takes 0.3); same results to the bit here
    c = cv2.gemm(np.ascontiguousarray(y).reshape(-1, 8), _DCT_LOW, 1.0, None, 0.0)  # along rows: (n*8*nbx, u)
    c = cv2.gemm(np.ascontiguousarray(c.reshape(n, 8, nbx, 4).transpose(0, 2, 3, 1)).reshape(-1, 8), _DCT_LOW, 1.0, None, 0.0)  # along columns
    return c.reshape(n * nbx, 4, 4)  # [block, u, v]


def double_jpeg_statistic(view: CardView) -> float:
    """Mean squared zig-zag of the aligned/shifted histogram ratio over the low frequencies, in
    units of counting noise (about 1 for one compression); 0 when it cannot be measured."""
    if view.image_format != "JPEG":
        return 0.0
    try:
        img = Image.open(io.BytesIO(view.raw_bytes))
        table = np.asarray(img.quantization[0], np.float32)  # luma table, natural order
        orientation = int(img.getexif().get(0x0112, 1) or 1)
        size, mode = img.size, img.mode
    except Exception:
        return 0.0
    if mode not in ("RGB", "L"):
        return 0.0  # CMYK and the like: the pixels handed over are not the stored channels
    rgb = _UNDO_ORIENTATION.get(orientation, lambda a: a)(view.original)
    if (rgb.shape[1], rgb.shape[0]) != size or table.size != 64:
        return 0.0  # decoded at a reduced scale (a very large frame): the block grid is gone
    if min(size) < 128:
        return 0.0  # too few blocks to fill a histogram
    us, vs = np.array(DQ_FREQS).T
    steps = table[vs * 8 + us]
    width = DQ_BINS + 2

    def histograms(c: np.ndarray) -> np.ndarray:  # per frequency, counts of |coefficient / step| 0..DQ_BINS+1
        k = np.minimum(np.abs(np.rint(c[:, us, vs] / steps)), width).astype(np.int32) + np.arange(len(us)) * (width + 1)
        return np.bincount(k.ravel(), minlength=len(us) * (width + 1)).reshape(len(us), width + 1)[:, :width]

    h = histograms(_block_dct(rgb, 0)).astype(np.float64)
    g = histograms(_block_dct(rgb, 4)).astype(np.float64)
    usable = (g[:, :-2] >= 11) & (g[:, 1:-1] >= 11) & (g[:, 2:] >= 11)
    # bin 1 against bin 0: flat areas fill the zero bin on the aligned grid whatever the history
    usable[:, 0] = False
    h = h * (g.sum(1, keepdims=True) / np.maximum(h.sum(1, keepdims=True), 1)) + 1.0
    g = g + 1.0
    ratio = np.log(h / g)
    noise = 1 / h + 1 / g  # variance of each log ratio (Poisson)
    zig = ratio[:, 1:-1] - 0.5 * (ratio[:, :-2] + ratio[:, 2:])
    var = noise[:, 1:-1] + 0.25 * (noise[:, :-2] + noise[:, 2:]) + DQ_FLOOR
    z = np.where(usable, zig * zig / var, 0.0)
    n = usable.sum(1)
    per_freq = list((z.sum(1) / np.maximum(n, 1))[n >= 4])
    if len(per_freq) < 5:
        return 0.0
    # the strongest frequency is left out: a periodic texture (wood grain, guilloche lines, rows of
    # text) can make one zig-zag on its own, whereas a double compression shows in several
    return float(np.mean(sorted(per_freq)[:-1]))


# one compression in development (dev1001 plus further development seeds, ~470 photos
# of every kind but edits): at most 2.0 (one clean photo), the next 1.82; files saved twice from
# ~0.8 (a coarser second save erases the first lattice) to several hundred. 2.5 scores 70.
DQ_FIRE, DQ_SPAN = 2.5, 1.5
# the local evidence a double compression needs beside it (noise or sharpness score of a field or
# region): no clean development photo reached 55 (0 of 510; the highest 15), while 15 of the 16
# re-saved edits of the corrected generator (seed 8101, val2002) that the double compression
# caught had one of 60 or more.
DQ_COMPANION = 55


DQ_TOP = 90  # the highest score a double compression gives


def double_jpeg_score(view: CardView) -> int:
    s = double_jpeg_statistic(view)
    if s < DQ_FIRE - 0.4:
        return 0
    return clamp_score(DQ_TOP - 20 + 20 * min(1.0, (s - DQ_FIRE) / DQ_SPAN))


# --- noise consistency --------------------------------------------------------------------------

BLOCK = 16


def _noise_map(g: np.ndarray, clipped: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per 16x16 block of the grey card `g` (uint8): sensor noise sigma (Immerkaer's estimator on
    flat pixels), how many usable flat pixels the block had, and their mean brightness.
    In integers: on 8-bit pixels the filters' responses and every block's sums are whole numbers
    small enough for float32 to hold exactly, so OpenCV's integer filters and its box average
    give the float computation's results to the bit, in half the time."""
    k = np.float32([[1, -2, 1], [-2, 4, -2], [1, -2, 1]])
    res = np.abs(cv2.filter2D(g, cv2.CV_16S, k))
    gx, gy = cv2.Sobel(g, cv2.CV_16S, 1, 0).astype(np.int32), cv2.Sobel(g, cv2.CV_16S, 0, 1).astype(np.int32)
    # flat pixels only (edges of text would read as noise); near black and near white the sensor
    # and the tone curve clip half the noise away (the inside of bold black print reads as clean),
    # so those pixels are not measured at all
    flat = ((gx * gx + gy * gy) < 40**2) & (g > DARK) & (g < BRIGHT)
    if clipped is not None:  # a colour channel at the sensor's ceiling or floor: that channel has no noise left
        flat &= ~clipped
    flat = cv2.erode(flat.view(np.uint8), np.ones((3, 3), np.uint8))
    h, w = g.shape
    bh, bw = h // BLOCK, w // BLOCK

    def per_block(a: np.ndarray) -> np.ndarray:  # sums, as float32
        a = a[: bh * BLOCK, : bw * BLOCK].astype(np.float32)
        return cv2.resize(a, (bw, bh), interpolation=cv2.INTER_AREA) * np.float32(BLOCK * BLOCK)

    n_b = per_block(flat)
    sigma = np.sqrt(np.pi / 2) / 6 * per_block(res * flat) / np.maximum(n_b, 1)
    level = per_block(g * flat) / np.maximum(n_b, 1)
    return sigma, n_b, level


DARK, BRIGHT = 40, 247
LEVEL_BAND = 30.0
# camera photos in development: at most 8% of blocks under 0.35; digital crops 25-50%
NOISE_FREE, DIGITAL_SHARE = 0.35, 0.24  # camera noise grows with brightness: compare a field with blocks this close in level


def _typical_at(sigma: np.ndarray, level: np.ndarray, ok: np.ndarray, at: float, typical: float) -> float:
    """The card's noise at brightness `at`: shot noise makes a bright area noisier than a dark one,
    so a dark field next to a bright card is not 'too clean'. Falls back to the card's median."""
    near = ok & (np.abs(level - at) <= LEVEL_BAND)
    local = float(np.median(sigma[near])) if near.sum() >= 12 else typical
    return max(local, 1e-3)  # a noise-free stretch of card at this level: any field is as clean


def _card_noise(sigma: np.ndarray, ok: np.ndarray) -> float:
    """The camera's noise on this card: the median block, once the largest noise-free region is
    set aside. On a bright card most of the background is at the sensor's ceiling and not measured,
    so a pasted portrait or patch can be a third or more of the measurable blocks and would pull a
    plain median down to its own (zero) noise; it is found against the upper quartile instead."""
    quiet = (ok & (sigma < 0.25 * float(np.percentile(sigma[ok], 75)))).astype(np.uint8)
    n_lab, labels, stats, _ = cv2.connectedComponentsWithStats(quiet, 4)
    rest = ok
    if n_lab > 1:
        biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        if stats[biggest, cv2.CC_STAT_AREA] >= 20:
            rest = ok & (labels != biggest)
    return float(np.median(sigma[rest])) if rest.sum() >= 20 else float(np.median(sigma[ok]))


def noise_analysis(view: CardView) -> tuple[int, tuple[int, int, int, int] | None]:
    if view.quad is None or view.side == "back":
        # no outline: most likely a scan or a digital crop, whose pixels never had a camera's
        # noise (its fine print alone reads as noise); a back carries no field worth forging
        # and its line screens do the same. Only metadata and content count there.
        return 0, None
    quad = card_quad(view)
    h, w = view.original.shape[:2]
    # the card in original pixels, on an axis-aligned rectangle: resampled at close to 1:1 with
    # nearest neighbour so that the noise survives
    cw = int(np.linalg.norm(quad[1] - quad[0]))
    ch = int(np.linalg.norm(quad[3] - quad[0]))
    if cw < 200 or ch < 120:
        return 0, None
    s = min(1.0, 800.0 / cw)
    cw, ch = int(cw * s), int(ch * s)
    m = cv2.getPerspectiveTransform(quad, np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]))
    card = cv2.warpPerspective(view.original, m, (cw, ch), flags=cv2.INTER_NEAREST)
    g = grey(card)
    r, gr, b = cv2.split(card)
    clipped = (cv2.max(cv2.max(r, gr), b) >= 250) | (cv2.min(cv2.min(r, gr), b) <= 5)
    sigma, n, level = _noise_map(g, clipped)
    ok = n >= BLOCK * BLOCK * 0.3
    if ok.sum() < 20:
        return 0, None
    typical = _card_noise(sigma, ok)
    if typical < 0.6:
        return 0, None  # the camera (or its denoiser) left no noise to compare against
    # a sizeable connected region of blocks nearly free of noise: a candidate paste (a portrait the
    # face finder missed, a spliced patch)
    quiet = (ok & (sigma < 0.25 * typical)).astype(np.uint8)
    n_lab, labels, stats, _ = cv2.connectedComponentsWithStats(quiet, 4)
    rest = ok
    if n_lab > 1:
        biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        if stats[biggest, cv2.CC_STAT_AREA] >= 20:
            rest = ok & (labels != biggest)  # the premise below is about the rest of the card
    if rest.sum() < 20 or float((sigma[rest] < NOISE_FREE).mean()) >= DIGITAL_SHARE:
        # a large share of the card is free of noise altogether: a scan or a digital rendering,
        # not a camera frame, and the premise (a camera's noise everywhere) does not hold
        return 0, None
    sx, sy = cw / view.warped.shape[1], ch / view.warped.shape[0]
    regions = [line_rect(t.box) for t in view.text_lines]
    if view.face_box:
        regions.append(view.face_box)
    best, best_box = 0.0, None
    for x, y, rw, rh in regions:
        bx0, by0 = int(x * sx) // BLOCK, int(y * sy) // BLOCK
        bx1, by1 = int((x + rw) * sx) // BLOCK + 1, int((y + rh) * sy) // BLOCK + 1
        sub_ok = ok[by0:by1, bx0:bx1]
        if sub_ok.sum() < 3:
            continue
        local = float(np.median(sigma[by0:by1, bx0:bx1][sub_ok]))
        ratio = local / _typical_at(sigma, level, ok, float(np.median(level[by0:by1, bx0:bx1][sub_ok])), typical)
        sc = (0.45 - ratio) / 0.45 * 100 + 40  # a field at under ~a third of the card's noise is not the camera's
        if sc > best:
            best, best_box = sc, (x, y, rw, rh)
    # anywhere else: the quiet regions found above; bigger evidence needed than for a known field
    for i in range(1, n_lab):
        bx, by, bw_, bh_, area = stats[i]
        if area >= 20:
            sc = 70 + min(area, 80) / 80 * 25
            if sc > best:
                best, best_box = sc, (int(bx * BLOCK / sx), int(by * BLOCK / sy), int(bw_ * BLOCK / sx), int(bh_ * BLOCK / sy))
    if best < DEFAULT_THRESHOLD:
        sc, region = _half_quiet_region(sigma, level, ok, typical)
        if sc > best:
            bx, by, bw_, bh_ = region
            best, best_box = sc, (int(bx * BLOCK / sx), int(by * BLOCK / sy), int(bw_ * BLOCK / sx), int(bh_ * BLOCK / sy))
    return clamp_score(best), best_box


# A region spliced from another photo carries that photo's noise, usually put through a harder
# JPEG (a screenshot, a downloaded picture): not noise-free, but at half the card's own level or
# less, over a compact patch. Each block is compared with the card's blocks of its own brightness
# (shot noise grows with it). Development (dev1001 and further development seeds, ~1000 photos of every
# kind but edits): no clean photo has such a patch over 14 blocks; a covering finger reached 34
# blocks but as a ragged shape (fills 37% of its bounding box). A splice's patch is a rectangle.
HALF_QUIET, HALF_AREA, HALF_FILL, HALF_RATIO = 0.5, 20, 0.5, 0.45


def _half_quiet_region(sigma: np.ndarray, level: np.ndarray, ok: np.ndarray, typical: float) -> tuple[float, tuple[int, int, int, int]]:
    ref = np.full(sigma.shape, typical, np.float32)
    for lv in np.arange(7.5, 256, 15):
        sel = ok & (np.abs(level - lv) <= 7.5)
        if sel.any():
            ref[sel] = _typical_at(sigma, level, ok, float(lv), typical)
    ratio = sigma / ref
    quiet = cv2.morphologyEx((ok & (ratio < HALF_QUIET)).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    n_lab, labels, stats, _ = cv2.connectedComponentsWithStats(quiet, 4)
    best, box = 0.0, (0, 0, 0, 0)
    for i in range(1, n_lab):
        x, y, w, h, area = (int(v) for v in stats[i])
        if area < HALF_AREA or area < HALF_FILL * w * h:
            continue
        inside = (labels == i) & ok
        if not inside.any() or float(np.median(ratio[inside])) > HALF_RATIO:
            continue
        sc = 70 + min(area - HALF_AREA, 60) / 60 * 20
        if sc > best:
            best, box = sc, (x, y, w, h)
    return best, box


# --- typed-over text -----------------------------------------------------------------------------
#
# Every printed line on the card reached the file through the camera: lens softness, demosaicing
# and the perspective resampling give each edge a width of a pixel or two, the same for all lines
# of one photo. Text typed in an editor over the photo skips the optics: its edges are one-pixel
# steps. The steepest edge of a line (99th percentile of the neighbour difference) over the line's
# own contrast is a width-free measure of that; a number or date whose edges are far steeper than
# the card's typical line was put there after the photo was taken.

SHARP_MIN_LINES = 4
# development (dev1001, val2002, further development seeds, edit views of seed 8101: ~970 photos of
# every kind but edits): at most 1.23 (1.18 on a sharp photo), 1.57 and 1.37 on motion-blurred
# ones (the blur check vetoes those); typed-over fields 1.1 to 1.95, more than half above 1.5,
# which scores 70.
SHARP_FIRE, SHARP_SPAN = 1.5, 0.4


def sharp_text_analysis(view: CardView) -> tuple[int, tuple[int, int, int, int] | None]:
    if view.quad is None or view.side == "back" or len(view.text_lines) < SHARP_MIN_LINES:
        return 0, None
    # the engine's warped card: every line went through the same resampling, so it is a fair
    # comparison, and it costs no second warp
    # in 8 bits: the differences and percentiles of whole numbers are the same numbers
    g = warped_grey(view)
    ch, cw = g.shape
    d = cv2.max(cv2.absdiff(g[:-1, 1:], g[:-1, :-1]), cv2.absdiff(g[1:, :-1], g[:-1, :-1]))
    steep: list[float] = []
    candidates: list[tuple[float, tuple[int, int, int, int]]] = []
    for t in view.text_lines:
        x, y, rw, rh = line_rect(t.box)
        x0, y0 = max(0, int(x)), max(0, int(y))
        x1, y1 = min(cw - 1, int(x + rw)), min(ch - 1, int(y + rh))
        if x1 - x0 < 8 or y1 - y0 < 6 or (x1 - x0) * (y1 - y0) < 200:
            continue
        px = g[y0:y1, x0:x1].ravel()
        i_lo, i_hi = int(0.03 * (px.size - 1)), int(0.97 * (px.size - 1))
        px = np.partition(px, (i_lo, i_hi))
        lo, hi = int(px[i_lo]), int(px[i_hi])
        if hi - lo < 40:
            continue  # too faint for an edge profile (a watermark, a glare-washed line)
        e = d[y0:y1, x0:x1].ravel()
        k = int(0.99 * (e.size - 1))
        st = float(np.partition(e, k)[k]) / float(hi - lo)
        steep.append(st)
        text = t.text or ""
        if sum(c.isdigit() for c in text) >= 2 and len(text.strip()) >= 5:
            candidates.append((st, (x, y, rw, rh)))  # a number or a date: what a forger retypes
    if len(steep) < SHARP_MIN_LINES or not candidates:
        return 0, None
    typical = float(np.median(steep))
    st, box = max(candidates)
    ratio = st / max(typical, 1e-3)
    if ratio < SHARP_FIRE - 0.2:
        return 0, None
    return clamp_score(70 + 20 * (ratio - SHARP_FIRE) / SHARP_SPAN), box


def analyse(view: CardView) -> tuple[int, tuple[int, int, int, int] | None]:
    limit = threshold(CODE, DEFAULT_THRESHOLD)
    meta = metadata_score(view)
    if meta >= limit:
        return meta, None  # the file says so itself: nothing else needs measuring
    content = content_score(view)
    noise, box = noise_analysis(view)
    sharp, sharp_box = sharp_text_analysis(view)
    if sharp > noise:
        noise, box = sharp, sharp_box  # both say: this field is not the camera's
    # A second compression of the whole file is also what a messaging app or a gallery's 'save'
    # does to a genuine photo. It counts only together with a local disagreement (a field or a
    # region whose noise or sharpness is not the camera's, even below the firing point): an edit
    # leaves both, a re-sent genuine photo only the first. (Measured only then: it is the costly cue;
    # nor when the local or content score is already above any it could give: then it changes
    # neither the score nor the blur veto below.)
    double = double_jpeg_score(view) if DQ_COMPANION <= noise and max(noise, content) <= DQ_TOP else 0
    if max(noise, content) > double and max(noise, content) >= limit:
        from . import blur

        if blur.score(view) >= threshold(blur.CODE, blur.DEFAULT_THRESHOLD):
            # on a blurred photo the digits are misread more often than forged, and the smear
            # averages the text areas' noise: neither signal is about an editor any more (nor,
            # then, is there a local disagreement to back a double compression)
            noise, box, content, double = 0, None, 0, 0
    s = max(meta, content, noise, double)
    return s, (box if noise == s and box else None)


def score(view: CardView) -> int:
    return analyse(view)[0]


def check(view: CardView) -> WarnDetail | None:
    s, box = analyse(view)
    if s < threshold(CODE, DEFAULT_THRESHOLD):
        return None
    return WarnDetail(CODE, s, box_to_original(view, box) if box else None)
