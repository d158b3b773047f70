"""-9108 blurry: is the card too soft to read?

Blur (defocus, a shaken hand, a smeared lens) is a low-pass filter: it takes the fine detail away and
widens every edge. Two measures on the upright card at a fixed width, over the text (where sharpness
matters and where a sharp card always has edges), both independent of the card's contrast so that a
dim or low-contrast photo is not taken for a blurred one:

- the re-blur ratio, the spectral cue: how much of the gradient energy a further small Gaussian blur
  removes. It is the share of high spatial frequencies in the image (the FFT's high-frequency
  energy, measured in the spatial domain), so a sharp card loses a lot and an already blurred one
  little. Taken in the direction where it is smallest: motion blur smears along one direction only
  and leaves the other sharp, so an average over directions would let it pass. With the gradient
  structure tensors of the card and of its re-blurred copy, T and Tb, the ratio along a unit
  direction d is d'Td / d'Tb d, and its minimum over all directions is the smaller generalised
  eigenvalue of (T, Tb): one 2x2 solve, every direction at once.
- the edge width: at the strongest edges of the text strokes, the local contrast step divided by
  the steepest slope across it, in pixels. A step blurred by a Gaussian of width s rises with a
  slope of step / (s * 2.5), so this reads the blur width directly, whatever the ink contrast.

The score is high only when both agree: a screen recapture can have wide edges while its pixel grid
keeps the fine detail, and a photocopy loses some fine detail while its toner edges stay steep.
`measures` keeps the round-2 measures (Laplacian variance, isotropic re-blur, gradient anisotropy)
for calibration and diagnostics."""

from __future__ import annotations

from dataclasses import astuple, dataclass

import cv2
import numpy as np

from .common import clamp_score, line_rect, logistic, resized, threshold, warped_grey
from .context import CardView, WarnDetail

CODE = -9108
DEFAULT_THRESHOLD = 60
WIDTH = 640
REBLUR_SIGMA = 1.5
# Centres of the two scores (50 points), from the development views at this width (seed 1001: 204
# clean and 168 other degraded photos, 31 blurred ones the engine read; seed 3232: 42 clean, 25
# blurred ones read). Directional re-blur ratio: clean >= 2.69, other degradations >= 2.32 (photocopies and
# screen recaptures are soft too), blurred <= 1.92 but for the mildest defocus (2.2-2.5); the centre
# sits nearer the blurred side, as copies (a copier's blur, then a sharp photo) are the cross-fire.
REBLUR_MIN_CENTRE = 2.0
# Edge width, px at WIDTH: clean <= 3.25, soft degradations (copies, recaptures) with a low re-blur
# ratio <= 3.75 (screens reach 6.4, but keep their fine detail), blurred >= 3.94 but for the
# mildest defocus (3.3-3.4).
EDGE_CENTRE = 3.6
# weakest/strongest gradient energy (round 2): clean photos >= 0.48, motion-blurred ones <= 0.45
ANISO_CENTRE = 0.32
# a re-blur ratio this close to 1: the image has next to no fine detail left (blurred >= 1.16 - 1.9,
# clean >= 2.7)
SMEARED_REBLUR = 1.3
FLAT_ENERGY = 1.0  # mean squared Sobel response over the text, on the 0-100 scale: a blank area
EDGE_WINDOW = 11  # px: the span over which the local contrast step is taken
MIN_EDGES = 40
MIN_ACROSS = 20  # edge points across the weakest direction: sharp development photos have >= 200
STEP_MIN = 20.0  # a clear step: a fifth of the card's contrast


@dataclass
class Sharpness:
    lap_var: float  # variance of the Laplacian over the text, card contrast mapped to 0-100
    reblur: float  # gradient energy / gradient energy after a re-blur, all directions together
    aniso: float  # weakest / strongest eigenvalue of the gradient structure tensor
    reblur_min: float  # the re-blur ratio in the direction where it is smallest
    edge_width: float  # median edge width of the text strokes, px at WIDTH (nan: too few edges)
    edges_across: int  # how many edge points that width was taken on


def _levels(view: CardView) -> tuple[np.ndarray, np.ndarray]:
    """The grey card at WIDTH (8 bits), and the table (float32, 256 entries) that maps its own
    contrast range (2nd-98th percentile) to 0-100."""
    g8 = resized(warped_grey(view), WIDTH)
    cum = np.cumsum(cv2.calcHist([g8], [0], None, [256], [0, 256]).ravel())
    lo, hi = np.searchsorted(cum, (0.02 * cum[-1], 0.98 * cum[-1]))
    return g8, (np.arange(256, dtype=np.float32) - float(lo)) * np.float32(100.0 / max(float(hi - lo), 20.0))


def _normalised(view: CardView) -> np.ndarray:
    """The grey card at WIDTH with its own contrast range mapped to 0-100."""
    g8, lut = _levels(view)
    return cv2.LUT(g8, lut)


def _text_mask(view: CardView, shape: tuple[int, int]) -> np.ndarray:
    scale = WIDTH / view.warped.shape[1]
    mask = np.zeros(shape, np.uint8)
    for line in view.text_lines:
        x, y, w, h = line_rect(line.box, scale)
        cv2.rectangle(mask, (x, y), (x + w, y + h), 1, -1)
    if mask.sum() < 0.02 * mask.size:  # no OCR text: the centre of the card
        h, w = shape
        mask[h // 6: -h // 6, w // 12: -w // 12] = 1
    return mask > 0


def _tensor(gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    xy = float(np.mean(gx * gy))
    return np.array([[float(np.mean(gx * gx)), xy], [xy, float(np.mean(gy * gy))]])


def sharpness(view: CardView) -> Sharpness:
    """Measured once per card: the glare check asks for it too (its rim test allows for the
    photo's softness)."""
    if "sharpness" not in view.cache:
        view.cache["sharpness"] = _sharpness(view)
    return view.cache["sharpness"]


def _sharpness(view: CardView) -> Sharpness:
    g8, lut = _levels(view)
    g = cv2.LUT(g8, lut)
    m = _text_mask(view, g.shape)
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)
    b = cv2.GaussianBlur(g, (0, 0), REBLUR_SIGMA)
    bx, by = cv2.Sobel(b, cv2.CV_32F, 1, 0), cv2.Sobel(b, cv2.CV_32F, 0, 1)
    mx, my, mbx, mby = gx[m], gy[m], bx[m], by[m]
    t, tb = _tensor(mx, my), _tensor(mbx, mby)
    if np.trace(t) < FLAT_ENERGY:  # no detail at all (a blank area): nothing to judge sharpness on
        return Sharpness(0.0, float("nan"), float("nan"), float("nan"), float("nan"), 0)
    reblur = float(np.trace(t) / max(np.trace(tb), 1e-6))
    eig = np.linalg.eigvalsh(t)
    aniso = float(eig[0] / max(eig[1], 1e-6))
    # smallest generalised eigenvalue of (T, Tb): min over directions d of d'Td / d'Tb d
    try:
        inv = np.linalg.inv(np.linalg.cholesky(tb + np.eye(2) * 1e-6))
        ev, vec = np.linalg.eigh(inv @ t @ inv.T)
        reblur_min = float(ev[0])
        weak = inv.T @ vec[:, 0]  # the direction itself (the generalised eigenvector)
        weak = weak / max(float(np.linalg.norm(weak)), 1e-9)
    except np.linalg.LinAlgError:  # a flat card: no gradient at all
        reblur_min, weak = reblur, None
    lap_var = float(cv2.Laplacian(g, cv2.CV_32F, ksize=3)[m].var())
    # the local contrast step over the window, from the 8-bit card: the table is increasing, so the
    # max and min of mapped values are the mapped max and min (the same numbers, a quarter of the work)
    k = np.ones((EDGE_WINDOW, EDGE_WINDOW), np.uint8)
    step = cv2.LUT(cv2.dilate(g8, k), lut) - cv2.LUT(cv2.erode(g8, k), lut)
    return Sharpness(lap_var, reblur, aniso, reblur_min, *_edge_width(step, gx, gy, m, weak))


def _edge_width(step: np.ndarray, gx: np.ndarray, gy: np.ndarray, m: np.ndarray, weak: np.ndarray | None) -> tuple[float, int]:
    """Median of (local step / steepest slope) over the edges of the text, in px, taken on the edges
    that run across the `weak` direction (where the card is softest: motion blur widens only the
    edges across its path, and leaves those along it sharp)."""
    slope = cv2.magnitude(gx, gy) * np.float32(1.0 / 8.0)  # a 3x3 Sobel reads 8x the slope
    # edge points: a clear step (a quarter of the card's contrast) and the steepest point across it
    sel = m & (step > STEP_MIN) & (slope >= cv2.dilate(slope, np.ones((3, 3), np.uint8))) & (slope > step * 0.05)
    if int(sel.sum()) < MIN_EDGES:
        return float("nan"), 0
    if weak is None:
        return float(np.median(step[sel] / slope[sel])), int(sel.sum())
    # the slope's direction within 30 degrees of the weak direction (either sign); tested at the
    # edge points only (a few per cent of the card)
    ex, ey, es, et = gx[sel], gy[sel], slope[sel], step[sel]
    across = np.abs(ex * np.float32(weak[0]) + ey * np.float32(weak[1])) >= np.float32(0.866) * es * 8.0
    n = int(across.sum())
    if n < MIN_ACROSS:
        # the text has clear edges, but hardly any across this direction: a long smear has taken the
        # step across it below a clear step within the window, i.e. the edges are wider than it
        return float(EDGE_WINDOW), n
    return float(np.median(et[across] / es[across])), n


def measures(view: CardView) -> tuple[float, float, float, float]:
    """(Laplacian variance, re-blur ratio, anisotropy, directional re-blur ratio)."""
    return astuple(sharpness(view))[:4]


def score(view: CardView) -> int:
    """0-100; measured once per card, since the glare, photocopy and edited checks ask for it too."""
    if CODE not in view.cache:
        view.cache[CODE] = _score(view)
    return view.cache[CODE]


def _score(view: CardView) -> int:
    s = sharpness(view)
    if not np.isfinite(s.reblur_min):
        return 0
    # log scale: the ratio spans a factor of several between a crisp and a smeared card
    s1 = logistic(-np.log(max(s.reblur_min, 1e-3)), -np.log(REBLUR_MIN_CENTRE), 0.06)
    if np.isfinite(s.edge_width):
        s2 = logistic(s.edge_width, EDGE_CENTRE, 0.15)
    else:
        # no clear step anywhere in the text: smeared wider than the window if a re-blur finds
        # next to nothing left to remove, else too little text to tell
        s2 = 100.0 if s.reblur_min < SMEARED_REBLUR else 0.0
    return clamp_score(min(s1, s2) * 0.5 + (s1 * s2) ** 0.5 * 0.5)


def check(view: CardView) -> WarnDetail | None:
    s = score(view)
    return WarnDetail(CODE, s, None) if s >= threshold(CODE, DEFAULT_THRESHOLD) else None
