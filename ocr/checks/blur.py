"""-9108 blurry: is the card too soft to read?

Two measures on the upright card at a fixed width, both normalised by the card's own contrast so
that a dim photo is not taken for a blurred one:
- variance of the Laplacian over the text (where sharpness matters, and where a sharp card
  always has edges);
- a re-blur ratio: how much gradient energy a further Gaussian blur removes. A sharp image loses a
  lot, an already blurred one little. It depends less on how much text the card carries, so it is
  the second opinion that keeps a sparse card from being called blurry.
The score is high only when both agree.
Motion blur smears along one direction only, so the text stays sharp across it and the two measures
above can pass; the gradient structure tensor over the text shows it: the energy in the weakest
direction falls to a small fraction of the strongest (text strokes run every way on a sharp card),
and a re-blur in that direction removes little. That is the third measure."""

from __future__ import annotations

import cv2
import numpy as np

from .common import clamp_score, grey, line_rect, logistic, resized, threshold
from .context import CardView, WarnDetail

CODE = -9108
DEFAULT_THRESHOLD = 60
WIDTH = 640
# Centres of the scores (50 points), from development photos at this width (seed 7 and 240 extra
# clean shots): clean photos measure above ~5700 and 3.7 (1st percentile), other degraded but sharp
# photos (copies, recaptures) above ~2900 and 3.0, blurred ones mostly below 2500 and 2.6.
LAP_CENTRE = 2200.0
REBLUR_CENTRE = 2.75
# weakest/strongest gradient energy: clean photos >= 0.55, motion-blurred ones 0.13-0.18
ANISO_CENTRE = 0.32


def measures(view: CardView) -> tuple[float, float, float, float]:
    g = grey(resized(view.warped, WIDTH)).astype(np.float32)
    scale = WIDTH / view.warped.shape[1]
    lo, hi = np.percentile(g, (2, 98))
    g = ((g - lo) / max(hi - lo, 20.0) * 100.0).astype(np.float32)  # the card's own contrast range maps to 0-100
    mask = np.zeros(g.shape, np.uint8)
    for line in view.text_lines:
        x, y, w, h = line_rect(line.box, scale)
        cv2.rectangle(mask, (x, y), (x + w, y + h), 1, -1)
    if mask.sum() < 0.02 * mask.size:  # no OCR text: the centre of the card
        h, w = g.shape
        mask[h // 6: -h // 6, w // 12: -w // 12] = 1
    lap = cv2.Laplacian(g, cv2.CV_32F, ksize=3)
    lap_var = float(lap[mask > 0].var())
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)
    b = cv2.GaussianBlur(g, (0, 0), 1.5)
    bx, by = cv2.Sobel(b, cv2.CV_32F, 1, 0), cv2.Sobel(b, cv2.CV_32F, 0, 1)
    m = mask > 0
    energy = float((gx[m] ** 2 + gy[m] ** 2).mean())
    energy_blurred = float((bx[m] ** 2 + by[m] ** 2).mean())
    reblur = energy / max(energy_blurred, 1e-6)
    tensor = np.array([[np.mean(gx[m] ** 2), np.mean(gx[m] * gy[m])], [np.mean(gx[m] * gy[m]), np.mean(gy[m] ** 2)]])
    tensor_b = np.array([[np.mean(bx[m] ** 2), np.mean(bx[m] * by[m])], [np.mean(bx[m] * by[m]), np.mean(by[m] ** 2)]])
    eig, vec = np.linalg.eigh(tensor)
    weak = vec[:, 0]
    aniso = float(eig[0] / max(eig[1], 1e-6))
    reblur_weak = float(weak @ tensor @ weak / max(weak @ tensor_b @ weak, 1e-6))
    return lap_var, reblur, aniso, reblur_weak


def score(view: CardView) -> int:
    lap_var, reblur, aniso, reblur_weak = measures(view)
    # log scale: sharpness spans orders of magnitude between a crisp and a smeared card
    s1 = logistic(-np.log(max(lap_var, 1e-3)), -np.log(LAP_CENTRE), 0.35)
    s2 = logistic(-reblur, -REBLUR_CENTRE, 0.12)
    isotropic = min(s1, s2) * 0.5 + (s1 * s2) ** 0.5 * 0.5
    # motion: one direction gone (anisotropy) and soft in that direction (re-blur there)
    motion = min(logistic(-aniso, -ANISO_CENTRE, 0.04), logistic(-reblur_weak, -REBLUR_CENTRE, 0.12))
    return clamp_score(max(isotropic, motion))



def check(view: CardView) -> WarnDetail | None:
    s = score(view)
    return WarnDetail(CODE, s, None) if s >= threshold(CODE, DEFAULT_THRESHOLD) else None
